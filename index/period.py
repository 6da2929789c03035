"""A question that says when its articles came out asks within the articles of that period.

"What was written in September about Tokayev's trip?", «Что писали в декабре о встрече
Путина и Назарбаева?», «Қыркүйекте … туралы не жазылды?», «Сентябрда … эмне жазылган?»:
the reader scopes the question by publication date, as an archive's search form would.
Embedded, "in September" is two more words, and the November articles outrank the
September one. Read here by closed patterns in four languages, as source_language.py
reads "according to the Kyrgyz article": a word of writing or reporting (written,
reported, article; писали, статья; жазылды, мақала; жазылган, макала) and one period
(a month, with or without its year, or a year). A month alone that is no publication's
("Putin's December talks", «декабрьская встреча», «Каңтар окуясы») is an event and is
not read. The store also proposes the passages dated in the period that each retriever
ranks best (candidates/: in an archive of years, other years' passages would crowd them
out), and they come first, each group in its own order (``fuse.first_where``).

A period the corpus has no article from is a near miss of its own: "What was written
about Tokayev in March 2024?" must not be answered from November 2025. The engine
declines it when no document is dated in the period and no retrieved passage names it
(``named_in``: the month in any of the four languages, and the year when given), since
an article of December may well tell what happened in March.

A period may also be said from the day the question is asked: "last month", «вчера»,
«өткен аптада», «былтыр», «быйыл». It is read only when that day is given (the
engine's clock, a gold question's ``asked``), and becomes the month or year it names,
or a span of days (today, yesterday, a calendar week from Monday, "the past week"). "Now"
is the calendar's, not the archive's newest date: a newsroom's archive is live, and the
reply names the period it read, so a reader sees what "last month" was taken to be.

A range is read too, as a span of days: since a month or year until the day asked ("since
November", «қарашадан бері»), or from one month or year to another ("from September to
November 2025", «с октября по декабрь»). The start, middle or end of a month or year («в начале
сентября», «желтоқсанның соңында», "at the end of 2025") is the whole of it. In a chat, the
engine carries a scoped question's period to the next (``Engine.period``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .text import split_sentences

# Month stems as each language writes them: English and Russian (which Kyrgyz news also uses), Kazakh.
_EN_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december")
_EN_SHORT = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
             "nov": 11, "dec": 12}
_RU_STEMS = ("январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр", "ноябр", "декабр")
_KK_MONTHS = ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан",
              "қараша", "желтоқсан")
_KK_AMBIGUOUS = {"қазан"}  # also Kazan and a cauldron: read only as "қазан айында" or after a year
_KY_EXTRA = {"каңтар": 1}  # Kyrgyz writes January's events with the Turkic name too
_YEAR = r"(?:19|20)\d\d"

# A word of writing or reporting: the question is about what was published, not only about what happened.
_CUES = re.compile(
    r"\b(?:writ(?:e|es|ten|ing)|wrote|report(?:s|ed|ing)?|publish(?:ed|es|ing)?|articles?|news|press|coverage"
    r"|stor(?:y|ies)|media|pieces?|issues?"
    r"|писал\w*|написа\w*|пишут|сообща\w*|публикова\w*|опубликова\w*|стать\w*|публикац\w*|новост\w*|пресс\w*|сми"
    r"|материал\w*|заметк\w*"
    r"|жазыл\w*|жазған\w*|жазды\w*|хабарла\w*|жариял\w*|мақала\w*|жаңалық\w*|басылым\w*|баспасөз\w*|бақ"
    r"|жазган\w*|жазышт\w*|кабарла\w*|жарыял\w*|макала\w*|жаңылык\w*|басылма\w*)\b",
    re.IGNORECASE)

# English writes months with a capital; "may" and "march" in lower case are a verb, so only those two need it.
_EN_MONTH = (r"(" + "|".join([m.capitalize() for m in _EN_MONTHS] + [m for m in _EN_MONTHS if m not in ("may", "march")]
                             + [a.capitalize() for a in sorted(_EN_SHORT, key=len, reverse=True)]) + r")\.?")
_PUBLICATION_EN = r"(?i:articles?|issues?|reports?|coverage|news|stor(?:y|ies)|pieces?|press)"
_PUBLICATION_RU = r"(?:стать|публикац|номер|выпуск|материал|новост|заметк)\w*"
_PUBLICATION_TURKIC = r"(?:мақала|басылым|жаңалық|макала|басылма|жаңылык)\w*"
_CYRILLIC_MONTH = r"(" + "|".join(_RU_STEMS[:4] + _RU_STEMS[5:]) + r")"

# Each pattern's groups hold a month word and, when given, a year.
_PATTERNS: tuple[re.Pattern, ...] = (
    # English: "in September (2025)", "from Dec. 2025", "the December article", "September 2025".
    re.compile(rf"\b(?i:in|from|during|for|of)\s+(?i:early\s+|late\s+|mid-?)?{_EN_MONTH}(?:,?\s+({_YEAR}))?\b"),
    re.compile(rf"\b{_EN_MONTH}(?:\s+({_YEAR}))?\s+{_PUBLICATION_EN}\b"),
    re.compile(rf"\b{_EN_MONTH}\s+({_YEAR})\b"),
    # Russian: "в сентябре (2025 года)", "за сентябрь", "в мае", "сентябрьская статья", "в декабрьском номере";
    # not "в январских событиях", an event.
    re.compile(rf"\b(?:в|во|за|от)\s+{_CYRILLIC_MONTH}(?!\w*ск)\w*(?:\s+({_YEAR}))?", re.I),
    re.compile(r"\b(?:в|за)\s+(ма[ей])\b(?:\s+(" + _YEAR + r"))?", re.I),
    re.compile(rf"\b{_CYRILLIC_MONTH}ск\w*\s+{_PUBLICATION_RU}", re.I),
    # The start, middle or end of a month is the month, as English "in early September" is: «в начале сентября».
    re.compile(rf"\bв\s+(?:начале|середине|конце)\s+{_CYRILLIC_MONTH}\w*(?:\s+({_YEAR}))?", re.I),
    re.compile(r"\bв\s+(?:начале|середине|конце)\s+(мая)\b(?:\s+(" + _YEAR + r"))?", re.I),
    # Kazakh: "қыркүйекте", "қараша айында", "2025 жылғы қыркүйекте", "желтоқсандағы мақала".
    re.compile(r"(?:\b(" + _YEAR + r")[-\s]?жылғы\s+)?\b(" + "|".join(_KK_MONTHS) + r")(?:\s+айында|да|де|та|те)\b",
               re.I),
    re.compile(r"\b(" + "|".join(_KK_MONTHS) + r")(?:дағы|дегі|тағы|тегі)\s+" + _PUBLICATION_TURKIC, re.I),
    re.compile(r"(?:\b(" + _YEAR + r")[-\s]?жылғы\s+)?\b(" + "|".join(_KK_MONTHS) + r")(?:\s+айының|ның|нің|дың|дің"
               r"|тың|тің)\s+(?:басында|ортасында|соңында|аяғында)\b", re.I),  # «қыркүйектің басында»
    # Kyrgyz: "сентябрда", "сентябрында", "ноябрь айында", "2025-жылдын сентябрында", "декабрдагы макала".
    re.compile(r"(?:\b(" + _YEAR + r")[-\s]?жылдын\s+)?\b(" + "|".join(_RU_STEMS[:4] + _RU_STEMS[5:]) + r"|каңтар)"
               r"ь?(?:\s+айында|ында|инде|унда|үндө|да|де|та|те|дагы|деги|тагы|теги)\b", re.I),
    re.compile(r"\b(май)\s+айында\b", re.I),
    re.compile(r"(?:\b(" + _YEAR + r")[-\s]?жыл(?:дын|ы)\s+)?\b(" + "|".join(_RU_STEMS[:4] + _RU_STEMS[5:])
               + r"|май|каңтар)ь?(?:\s+айынын|дын|дин|дун|дүн|тын|тин|тун|түн|нын|нин|нун|нүн)\s+(?:башында|ортосунда"
               r"|аягында|акырында)\b", re.I),  # «сентябрдын башында»
)
# A year alone: "in 2025", «в 2025 году», «за 2025 год», «2025 жылы», «2025-жылы»; its start, middle or end too
# ("at the end of 2025", «в начале 2024 года», «2025 жылдың соңында»).
_YEAR_ALONE = re.compile(rf"\b(?:in|from|during)\s+({_YEAR})\b|\b(?:в|за)\s+({_YEAR})\s*(?:-?м\s+)?год"
                         rf"|\b({_YEAR})[-\s]?(?:жылы|жылғы|жылдагы|жылдын)\b"
                         rf"|\b(?:in|during)\s+(?:early|late|mid-?)\s*({_YEAR})\b"
                         rf"|\bthe\s+(?:beginning|start|middle|end)\s+of\s+({_YEAR})\b"
                         rf"|\bв\s+(?:начале|середине|конце)\s+({_YEAR})\s*(?:-?го\s+)?год"
                         rf"|\b({_YEAR})[-\s]?жылдың\s+(?:басында|ортасында|соңында|аяғында)\b", re.I)
_ANY_YEAR = re.compile(rf"\b({_YEAR})\b")


@dataclass(frozen=True)
class Period:
    """When articles came out: a month of a year, a month of any year, a year, or a span of days."""

    year: int | None
    month: int | None  # 1–12
    days: tuple[str, str] | None = None  # first and last day (ISO) of a span: "yesterday", "this week"

    def date_ranges(self, first: str, last: str) -> tuple[tuple[str, str], ...]:
        """The period as ``[start, stop)`` ranges of ISO dates, compared as strings, within an archive dated
        ``first`` to ``last``: one range, or a month's in each year of a month of any year."""
        if self.days is not None:
            return ((self.days[0], (date.fromisoformat(self.days[1]) + timedelta(days=1)).isoformat()),)
        if self.month is None:
            return ((f"{self.year}-", f"{self.year}-~"),)  # "~" sorts after every digit
        years = [self.year] if self.year else range(int(first[:4]), int(last[:4]) + 1)
        return tuple((f"{y}-{self.month:02d}-", f"{y}-{self.month:02d}-~") for y in years)

    def to_dict(self) -> dict:
        return {"year": self.year, "month": self.month, **({"days": list(self.days)} if self.days else {})}

    def label(self, lang: str) -> str:
        """The period as the reply names it, in the question's language ("September 2025", «2025 ж. қыркүйек»)."""
        if self.days is not None:
            first, last = (_day_label(date.fromisoformat(d), lang) for d in self.days)
            return first if first == last else f"{first} – {last}"
        names = _MONTH_NAMES.get(lang, _MONTH_NAMES["en"])
        both, month_only, year_only = _FORMS.get(lang, _FORMS["en"])
        if self.month is None:
            return year_only.format(year=self.year)
        month = names[self.month - 1]
        return both.format(month=month, year=self.year) if self.year else month_only.format(month=month)


_KY_RU_MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
                 "ноябрь", "декабрь")
_MONTH_NAMES = {"en": tuple(m.capitalize() for m in _EN_MONTHS), "ru": _KY_RU_MONTHS, "kk": _KK_MONTHS,
                "ky": _KY_RU_MONTHS}
_FORMS = {"en": ("{month} {year}", "{month}", "{year}"), "ru": ("{month} {year} г.", "{month}", "{year} г."),
          "kk": ("{year} ж. {month}", "{month}", "{year} ж."), "ky": ("{year}-ж. {month}", "{month}", "{year}-ж.")}
_RU_GENITIVE = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
                "ноября", "декабря")
_DAY_FORMS = {"en": "{day} {month} {year}", "ru": "{day} {month} {year} г.", "kk": "{year} ж. {day} {month}",
              "ky": "{year}-ж. {day}-{month}"}


def _day_label(day: date, lang: str) -> str:
    names = _RU_GENITIVE if lang == "ru" else _MONTH_NAMES.get(lang, _MONTH_NAMES["en"])
    return _DAY_FORMS.get(lang, _DAY_FORMS["en"]).format(day=day.day, month=names[day.month - 1], year=day.year)


def _month(word: str) -> int | None:
    w = word.lower().rstrip(".")
    if w in ("май", "мая", "мае", "ма"):
        return 5
    if w in _EN_MONTHS:
        return _EN_MONTHS.index(w) + 1
    if w in _EN_SHORT:
        return _EN_SHORT[w]
    if w in _KK_MONTHS:
        return _KK_MONTHS.index(w) + 1
    if w in _KY_EXTRA:
        return _KY_EXTRA[w]
    return next((i + 1 for i, stem in enumerate(_RU_STEMS) if i != 4 and w.startswith(stem)), None)


# Periods said from the day asked, each read as (unit, step): step 0 this one, -1 the one before, None the
# span ending today ("the past week", «за последний месяц», «соңғы аптада», «акыркы айда»). Plurals
# ("in recent years", «соңғы жылдары», «эти годы») are no one period and are not read.
_UNITS = {"day": "day", "week": "week", "недел": "week", "апта": "week", "жума": "week", "month": "month",
          "месяц": "month", "ай": "month", "year": "year", "год": "year", "жыл": "year"}
_RU_UNIT = r"(недел|месяц|год)(?:я|ю|е|и|а|у)?"
_KK_UNIT = r"(апта|ай|жыл)(?:да|та|ы|ғы|дағы|тағы|дың|тың|ның)?"
_KY_UNIT = r"(жума|ай|жыл)(?:да|та|ы|кы|дагы|тагы|дын|тын|нын)?"


def _turkic(today: str, yesterday: str, latest: str, this: str, last: str, unit: str) -> tuple:
    """A Turkic language's today and yesterday, and its latest / this / last week, month or year."""
    return ((re.compile(today, re.I), 0, "day"), (re.compile(yesterday, re.I), -1, "day"),
            (re.compile(rf"\b{latest}\s+(?:бір\s+|бир\s+)?{unit}\b", re.I), None, None),
            (re.compile(rf"\b(?:{this})\s+{unit}\b", re.I), 0, None),
            (re.compile(rf"\b(?:{last})\s+{unit}\b", re.I), -1, None))


_RELATIVE: tuple[tuple[re.Pattern, int | None, str | None], ...] = (
    # English: "today('s)", "yesterday('s)", "this week", "last month", "the past year", "in the last week".
    (re.compile(r"\btoday(?:'s)?\b", re.I), 0, "day"),
    (re.compile(r"\byesterday(?:'s)?\b", re.I), -1, "day"),
    (re.compile(r"\b(?:in|over|during|within)\s+the\s+(?:last|past)\s+(week|month|year)\b|\bthe\s+past\s+"
                r"(week|month|year)\b", re.I), None, None),
    (re.compile(r"\b(?:this|current)\s+(week|month|year)(?:'s)?\b", re.I), 0, None),
    (re.compile(r"\b(?:last|previous)\s+(week|month|year)(?:'s)?\b", re.I), -1, None),
    # Russian: «сегодня», «вчера(шние)», «на этой неделе», «в прошлом месяце», «в этом году», «за последний год».
    (re.compile(r"\bсегодня\w*", re.I), 0, "day"),
    (re.compile(r"\bвчера\w*", re.I), -1, "day"),
    (re.compile(r"\bза\s+(?:последн|прошедш)\w+\s+" + _RU_UNIT + r"\b", re.I), None, None),
    (re.compile(r"\b(?:этой|этом|этого|эту|этот|текущ\w+|нынешн\w+)\s+" + _RU_UNIT + r"\b", re.I), 0, None),
    (re.compile(r"\b(?:прошл|минувш|предыдущ)\w+\s+" + _RU_UNIT + r"\b", re.I), -1, None),
    # Kazakh: «бүгін(гі)», «кеше(гі)», «осы аптада», «өткен айда», «соңғы аптада».
    *_turkic(r"\bбүгін\w*", r"\bкеше(?:гі)?\b", "соңғы", "осы|ағымдағы", "өткен|алдыңғы", _KK_UNIT),
    # Kyrgyz: «бүгүн(кү)», «кечээ(ки)», «ушул жумада», «өткөн айда», «акыркы жумада».
    *_turkic(r"\bбүгүн\w*", r"\bкечээ\w*", "акыркы", "ушул|бул", "өткөн|мурдагы", _KY_UNIT),
    # This year and last, as Kazakh and Kyrgyz say them in one word.
    (re.compile(r"\b(?:биыл|быйыл)\w*", re.I), 0, "year"),
    (re.compile(r"\bбылтыр\w*", re.I), -1, "year"),
)
_ROLLING = {"week": 7, "month": 30, "year": 365}  # "the past month": the 30 days up to today


def _relative(question: str, today: date) -> set[Period]:
    found: set[Period] = set()
    for pattern, step, unit in _RELATIVE:
        for match in pattern.finditer(question):
            word = unit or next(g for g in match.groups() if g).lower()
            found.add(_resolve(_UNITS[word], step, today))
    return found


def _resolve(unit: str, step: int | None, today: date) -> Period:
    """A unit counted from ``today`` as the period it names: a month or year as the absolute reading gives
    them (so a reply names "December 2025"), a day or a week as a span of days."""
    def span(first: date, last: date) -> Period:
        return Period(None, None, (first.isoformat(), last.isoformat()))

    if step is None:
        return span(today - timedelta(days=_ROLLING[unit] - 1), today)
    if unit == "day":
        return span(today + timedelta(days=step), today + timedelta(days=step))
    if unit == "week":  # a calendar week, from Monday; this one up to today
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=step)
        return span(monday, today if step == 0 else monday + timedelta(days=6))
    if unit == "month":
        month = today.year * 12 + today.month - 1 + step
        return Period(month // 12, month % 12 + 1)
    return Period(today.year + step, None)


# A period that runs between two points: since a month or year until the day asked, or from one month (or
# year) to another. Groups: m1 / y1 the start, m2 / y2 the end (none: since, until the day asked).
_RU_STEM = r"(январ|феврал|март|апрел|ма(?=[йяюе])|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*"
_KY_STEM = r"(январ|феврал|март|апрел|май|июн|июл|август|сентябр|октябр|ноябр|декабр|каңтар)ь?"
_KK_FROM = r"(?:\s+айынан|дан|ден|тан|тен|нан|нен)"
_KK_TO = r"(?:\s+айына|ға|ге|қа|ке|на|не)"
_KY_FROM = r"(?:\s+айынан|ынан|инен|унан|үнөн|дан|ден|тан|тен|нан|нен|дон|дөн|тон|төн)"
_KY_TO = r"(?:\s+айына|ына|ине|уна|үнө|га|ге|ка|ке|го|гө|ко|кө|а|е)"
_KK_MONTH = "(" + "|".join(_KK_MONTHS) + ")"
_RANGES: tuple[re.Pattern, ...] = tuple(re.compile(p.replace("M1", "(?P<m1>").replace("M2", "(?P<m2>")
                                                   .replace("Y1", f"(?P<y1>{_YEAR})").replace("Y2", f"(?P<y2>{_YEAR})"),
                                                   f) for p, f in (
    # English: "since November (2025)", "since 2024", "from September to November 2025", "between 2023 and 2024".
    (rf"\b(?i:since)\s+(?i:early\s+|late\s+)?M1{_EN_MONTH[1:]}(?:,?\s+Y1)?\b", 0),
    (r"\bsince\s+Y1\b", re.I),
    (rf"\b(?i:from|between)\s+M1{_EN_MONTH[1:]}(?:,?\s+Y1)?\s+(?i:to|until|till|through|and)\s+M2{_EN_MONTH[1:]}"
     r"(?:,?\s+Y2)?\b", 0),
    (r"\b(?:from|between)\s+Y1\s+(?:to|until|till|through|and)\s+Y2\b", re.I),
    # Russian: «с ноября (2025 года)», «с 2024 года», «с октября по декабрь 2025 года», «с 2023 по 2024 год».
    (r"\bс\s+M1" + _RU_STEM[1:] + r"(?:\s+Y1\s*(?:г\.|год\w*))?(?:\s+(?:по|до)\s+M2" + _RU_STEM[1:]
     + r"(?:\s+Y2)?)?", re.I),
    (r"\bс\s+Y1\s*(?:г\.|год\w*)(?:\s+(?:по|до)\s+Y2)?", re.I),
    # Kazakh: «қарашадан бері», «2024 жылдан бері», «(2025 жылғы) қыркүйектен қарашаға дейін».
    (r"(?:\bY1[-\s]?жылғы\s+)?\bM1" + _KK_MONTH[1:] + _KK_FROM + r"\s+(?:бері|бастап)\b", re.I),
    (r"(?:\bY1[-\s]?жылғы\s+)?\bM1" + _KK_MONTH[1:] + _KK_FROM + r"\s+(?:Y2[-\s]?жылғы\s+)?M2" + _KK_MONTH[1:]
     + _KK_TO + r"\s+дейін\b", re.I),
    (r"\bY1[-\s]?жылдан\s+(?:бері|бастап)\b", re.I),
    # Kyrgyz: «ноябрдан бери», «2024-жылдан бери», «(2025-жылдын) сентябрынан декабрына чейин».
    (r"(?:\bY1[-\s]?жыл(?:дын|ы)\s+)?\bM1" + _KY_STEM[1:] + _KY_FROM + r"\s+(?:бери|баштап)\b", re.I),
    (r"(?:\bY1[-\s]?жыл(?:дын|ы)\s+)?\bM1" + _KY_STEM[1:] + _KY_FROM + r"\s+(?:Y2[-\s]?жыл(?:дын|ы)\s+)?M2"
     + _KY_STEM[1:] + _KY_TO + r"\s+чейин\b", re.I),
    (r"\bY1[-\s]?жылдан\s+(?:бери|баштап)\b", re.I),
))


def _ranges(question: str, today: date | None) -> tuple[list[Period | None], str]:
    """The ranges ``question`` says (None for one it says but cannot place: no day asked, or «қазан» alone),
    and the question with them blanked out, for the other readings."""
    found, spans = [], []
    for pattern in _RANGES:
        for match in pattern.finditer(question):
            if any(start < match.end() and match.start() < stop for start, stop in spans):
                continue
            spans.append(match.span())
            found.append(_place(match.groupdict(), today))
    for start, stop in spans:
        question = question[:start] + " " * (stop - start) + question[stop:]
    return found, question


def _place(groups: dict, today: date | None) -> Period | None:
    """A range's days: a month without its year is its latest not after the day asked (the end's first)."""
    m1, m2 = (_month(groups[k]) if groups.get(k) else None for k in ("m1", "m2"))
    y1, y2 = (int(groups[k]) if groups.get(k) else None for k in ("y1", "y2"))
    if any(groups.get(k) and groups[k].lower() in _KK_AMBIGUOUS and not (y1 or y2) for k in ("m1", "m2")):
        return None  # «қазаннан»: from Kazan as much as from October
    if m2 is None and y2 is None:  # since …, until the day asked
        if today is None:
            return None
        start = date(y1, m1 or 1, 1) if y1 else date(today.year if m1 <= today.month else today.year - 1, m1, 1)
        return Period(None, None, (start.isoformat(), today.isoformat())) if start <= today else None
    if m1 is None:  # from one year to another
        first, last = date(y1, 1, 1), date(y2, 12, 31)
    else:
        if y2 is None and y1 is None:
            if today is None:
                return None
            y2 = today.year if m2 <= today.month else today.year - 1
        if y2 is None:
            y2 = y1 if m2 >= m1 else y1 + 1
        y1 = y1 if y1 is not None else (y2 if m1 <= m2 else y2 - 1)
        first = date(y1, m1, 1)
        last = date(y2 + m2 // 12, m2 % 12 + 1, 1) - timedelta(days=1)
    return Period(None, None, (first.isoformat(), last.isoformat())) if first <= last else None


@lru_cache(maxsize=2048)  # ranking and the reply both ask it of the same question
def read_period(question: str, today: date | None = None, cued: bool = False) -> Period | None:
    """The one period ``question`` scopes its articles by, or None (no word of publishing, no period, or two).

    ``today``: the day it is asked, for periods said from it ("last month"); without it those are not read.
    ``cued``: the word of publishing is given by the chat ("And in September?" after a scoped question).
    """
    if not cued and not _CUES.search(question):
        return None
    spans, question = _ranges(question, today)
    if spans:  # a range is the period, alone: with another period or a range it cannot place, none
        rest = read_period(question, today, cued=True)
        return spans[0] if len(spans) == 1 and spans[0] is not None and rest is None else None
    relative = _relative(question, today) if today is not None else set()
    found: set[Period] = set()
    for pattern in _PATTERNS:
        for match in pattern.finditer(question):
            groups = [g for g in match.groups() if g]
            word, month = next(((g, m) for g in groups if (m := _month(g))), ("", None))
            year = next((int(g) for g in groups if g.isdigit()), None)
            if month is None:
                continue
            if word.lower() in _KK_AMBIGUOUS and year is None and "айын" not in match.group(0).lower():
                continue
            found.add(Period(year, month))
    # A bare month's year may stand apart ("в сентябре, в 2025 году"), and a year may be the period itself.
    years = {int(next(g for g in m.groups() if g)) for m in _YEAR_ALONE.finditer(question)}
    if relative:
        return relative.pop() if len(relative) == 1 and not found and not years else None
    if found:
        months = {p.month for p in found}
        dated = {p.year for p in found if p.year}
        if len(months) > 1 or len(dated | years) > 1:
            return None  # two periods: which one scopes the articles is not for a pattern to guess
        month = months.pop()
        year = (dated | years).pop() if dated | years else None
        return Period(year, month)
    if len(years) == 1:
        return Period(years.pop(), None)
    return None


# Every month of every language, in any inflection, for ``named_in``: the stems above, and "Dec." as well.
_ANY_MONTH = re.compile(
    r"\b(?-i:(" + "|".join(m.capitalize() for m in [*_EN_MONTHS, *_EN_SHORT]) + r"))\b\.?"
    r"|\b(" + "|".join(_RU_STEMS[:4] + _RU_STEMS[5:]) + r")\w*"
    r"|\b(ма[йяе])\b|\b(май)(?:да|ында|\s+айында)\b"
    r"|\b(" + "|".join(_KK_MONTHS) + r"|каңтар)\w*", re.I)


def named_in(period: Period, text: str) -> bool:
    """Whether a sentence of ``text`` names ``period``: its month in any of the four languages, with its year when
    the period has one («2019-жылдын март айында … 2024-жылы» names neither March 2024 nor March 2019 and 2024)."""
    return any(_names(period, text[start:end]) for start, end in split_sentences(text))


def _names(period: Period, sentence: str) -> bool:
    if period.days is not None:  # "yesterday", "this week": always when articles came out, never an event's time
        return False
    if period.year is not None and str(period.year) not in {m.group(1) for m in _ANY_YEAR.finditer(sentence)}:
        return False
    if period.month is None:
        return True
    return any(_month(next(g for g in m.groups() if g)) == period.month for m in _ANY_MONTH.finditer(sentence))
