"""What a question asks of a person (their family, birth, schooling, pay), and whether a sentence says it.

"Who is Tokayev's wife?" names someone the corpus writes about at length, so its
passages come close in meaning and its one key term, the name, is spelt: the
near-miss check (evidence.py) passes it, and the reply quoted his visit to
Moscow. No sentence of the corpus says anything of a wife. An attribute of a
person is named by a closed class of words in each language, as question words
are; a question asking one is answered only where a sentence of its best
passages holds a word of that attribute, in any of the four languages («жиені»,
"nephew" and «племянник» are one kind; a spouse, children, parents, brothers
and sisters, grandchildren, nephews and nieces, and uncles, aunts and cousins
are seven, so a "nephew" says nothing of a wife or a grandson). Relatives and
family are an eighth, which a sentence naming any of the seven says: a nephew
is a relative, while "relatives" say nothing of a grandson.
Asking for a date or a number instead was tried and failed: a news sentence
near the question nearly always holds one (docs/benchmarks.md §1, stop 40).

A word is an attribute's when it is one of its ``words`` or begins with one of
its ``stems``; stems are kept to openings no everyday word shares («муж» is a
word, not a stem: «мужество»; Kazakh «оқиға», "event", is no «оқыған»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Attribute:
    name: str
    words: frozenset[str]
    stems: tuple[str, ...] = ()
    # Attributes a sentence says this one by saying: a nephew is a relative, "relatives" say nothing of a grandson.
    covered_by: tuple[str, ...] = ()

    def named_by(self, word: str) -> bool:
        return word in self.words or word.startswith(self.stems)


ATTRIBUTES = (
    Attribute("spouse", frozenset("""
wife wives husband husbands spouse spouses married marriage
жена жены жене жену женой муж мужа мужу мужем мужья
әйелі әйелін аялы аялын
""".split()), ("супруг", "женат", "замуж", "жұбай", "күйеу", "үйленген", "жубай", "күйөө", "үйлөнгөн")),
    Attribute("children", frozenset("""
children child son sons daughter daughters kids
дети детей детям детьми сын сына сыну сыном сыновья сыновей дочь дочери дочерью дочерей
қызы қыздары уулу уулдары кызы кыздары
""".split()), ("балалар", "баласы", "балдар")),
    Attribute("parents", frozenset("""
father mother parents
отец отца отцу отцом мать матери матерью
әкесі анасы атасы энеси
""".split()), ("родител", "ата-ана", "ата-эне")),
    Attribute("siblings", frozenset("""
brother brothers sister sisters
брат брата брату братом братья братьев
ағасы інісі әпкесі агасы иниси эжеси
""".split()), ("сестр", "қарындас", "карындаш")),
    Attribute("grandchildren", frozenset("""
grandson grandsons granddaughter granddaughters grandchild grandchildren
""".split()), ("внук", "внучк", "немере", "небере")),
    Attribute("nephews", frozenset("""
nephew nephews niece nieces
""".split()), ("племянни", "жиен", "жээн")),
    Attribute("other kin", frozenset("""
uncle uncles aunt aunts cousin cousins
тётя тетя тёти тети дядя дяди дядей
""".split()), ("двоюродн", "нағашы", "нагашы", "таяке")),
    Attribute("relatives", frozenset("""
relative relatives family families kin kinsman
семья семьи семье семью семьёй семьей родня родни родне родню роднёй
отбасы
""".split()), ("родственни", "туыс", "тууган", "үй-бүлө"),
        covered_by=("spouse", "children", "parents", "siblings", "grandchildren", "nephews", "other kin")),
    Attribute("birth", frozenset("""
born birth birthday birthplace age aged
родился родилась родились родом возраст возраста возрасте
туған туылған туды жаста жасы жасында туулган төрөлгөн жашта жашы жашында
""".split()), ("рождени",)),
    Attribute("schooling", frozenset("""
university universities graduated graduate graduates education educated degree diploma college school schooling
studied alma
окончил окончила окончили учился училась учились выпускник выпускница диплом
оқыған оқыды білімі бітірген бітірді түлегі
окуган окуду билими бүтүргөн бүтүрдү бүтүрүүчүсү
""".split()), ("университет",)),
    Attribute("pay", frozenset("""
salary salaries earn earns earned earnings income wealth fortune wage wages
оклад жалованье
табысы айлығы
""".split()), ("зарплат", "доход", "зарабатыва", "заработ", "жалақ", "айлык", "маяна")),
)
_BIRTH = next(a for a in ATTRIBUTES if a.name == "birth")
_NAMED = {a.name: a for a in ATTRIBUTES}
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# "How old is X?", «Сколько лет Риззату Тасыму?» (the Kazakh and Kyrgyz «жаста», «жашта» are words of the table):
# age asked by a question word and a measure. «Сколько лет Назарбаев был президентом?» asks a length of time.
_AGE = re.compile(r"\bhow old\b|\bсколько\s+(?:ему\s+|ей\s+)?лет(?:\s+[А-ЯЁ]\w*){0,2}\s*\?*$", re.IGNORECASE)


def asked(question: str) -> tuple[Attribute, str] | None:
    """The attribute of a person ``question`` asks, with the word that names it; None for any other question."""
    if (age := _AGE.search(question.strip())) is not None:
        return _BIRTH, " ".join(age.group().split()[:2])
    for word in _WORD.findall(question):
        low = word.lower()
        for attribute in ATTRIBUTES:
            if attribute.named_by(low):
                return attribute, word
    return None


def says(text: str, attribute: Attribute) -> bool:
    """Whether ``text`` holds a word of ``attribute``, or of one that says it (``covered_by``), in any of the four
    languages."""
    kinds = (attribute, *(_NAMED[name] for name in attribute.covered_by))
    return any(kind.named_by(w.lower()) for w in _WORD.findall(text) for kind in kinds)
