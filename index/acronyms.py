"""Which organisation or state does an acronym name, and does the corpus name it at all?

News names organisations by acronyms, and each language has its own: the
Eurasian Economic Union is EAEU, ЕАЭС, ЕАЭО and ЕАЭБ. Embedded alone, acronyms
are too alike to be paired by meaning: EU sits at 0.911 to ЕАЭС, SCO at 0.886
to CSTO, above the near-miss lexicon's 0.875, so "What did the EU say…?" found
the EAEU's passages vouching for it. A small table (``data/acronyms.json``,
written by hand: a closed class, like the calendar words) pairs an acronym with
the corpus' own acronym for the same entity, never with another entity's, and
tells one the corpus never names in any form, as the places table does for
countries and capitals (places.py).

An acronym outside the table is read by its letters alone (``in_capitals``,
``reads_as``): written where a passage writes the same letters in any script
(SSR / «ССРинин», CA / «ЦА»), or spells out its initials (``spelt_out``: VKS /
«Воздушно-космических сил»). A longer word in capitals may be a name written
for emphasis, so it also reads as the word (``as_word``: TOKAYEV / «Tokayev»).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Callable, Mapping, Sequence

from .lexical import letter_reading
from .text import WORD

TABLE = "acronyms.json"
_ENDING = 5  # letters a case ending may add to an acronym without a hyphen ("АКШнын", "ЖККУга")
_CHANGING = frozenset("аеёиоуыэюяәөүұіaeiouyйь")  # final letters a case ending may replace (-ий / -ом, -ия / -ии)
_INFLECTED = 4  # letters a word of a full name needs before a case ending may follow it ("of", "о" match whole)


@lru_cache(maxsize=1)
def _entities() -> tuple[dict, ...]:
    return tuple(json.loads(resources.files("index").joinpath("data", TABLE).read_text(encoding="utf-8"))["entities"])


def forms_in(lang: str) -> tuple[str, ...]:
    """The table's acronyms and full names in ``lang``, as written (kazakh_letters.py reads the Kazakh ones)."""
    return tuple(form for entity in _entities() for kind in ("acronyms", "names")
                 for form in entity[kind].get(lang, ()))


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, frozenset[int]], tuple[tuple[str, ...], ...]]:
    """Acronym (upper case) → entity numbers, and each entity's acronyms and full names."""
    by_acronym: dict[str, set[int]] = {}
    forms: list[tuple[str, ...]] = []
    for number, entity in enumerate(_entities()):
        acronyms = [a for values in entity["acronyms"].values() for a in values]
        for acronym in acronyms:
            by_acronym.setdefault(acronym.upper(), set()).add(number)
        forms.append(tuple(dict.fromkeys([*acronyms, *(n for values in entity["names"].values() for n in values)])))
    return {a: frozenset(n) for a, n in by_acronym.items()}, tuple(forms)


def _capitals_and_rest(word: str) -> tuple[str, str]:
    """The capitals ``word`` opens with (two or more letters, before any hyphen) and what follows them up to the
    hyphen ("АКШнын": АКШ, нын; "АҚШ-тың": АҚШ, ""); ("", "") for a word that opens otherwise."""
    head = word.split("-")[0]
    letters = next((i for i, c in enumerate(head) if not c.isupper()), len(head))
    if letters < 2 or not head[:letters].isalpha():
        return "", ""
    return head[:letters], head[letters:]


def acronym(word: str) -> str:
    """The acronym ``word`` is written with, a case ending after it taken off ("АҚШ-тың", "АКШнын": АҚШ, АКШ);
    "" for a word that is no acronym."""
    capitals, rest = _capitals_and_rest(word)
    if rest and not (rest.isalpha() and rest.islower() and len(rest) <= _ENDING):
        return ""
    return capitals


_ROMAN = frozenset("IVXLCDMІХШ")  # Roman numerals, also in the Cyrillic letters typed for them (ХІІІ, ХШ)


def in_capitals(word: str) -> bool:
    """Whether ``word`` is written wholly in capitals, as an acronym outside the table is read ("ТАСС", not "АҚмола",
    whose stray capital the table's reading would take for the acronym АҚ with the ending 'мола')."""
    return len(word) > 1 and word.isalpha() and word.isupper() and not set(word) <= _ROMAN


def outside_form(word: str) -> str:
    """The acronym ``word`` writes when it is read as one outside the table: the word itself wholly in capitals,
    or its own form with a case ending («ҰҚК-ның», «УКМКнын», «МИДа»: ҰҚК, УКМК, МИД); "" for any other word."""
    form = own_form(word)  # a word wholly in capitals is its own form
    return form if in_capitals(form) else ""


@lru_cache(maxsize=256)  # asked of one question by the near-miss check, the topical reading and the subject
def shouted(text: str) -> bool:
    """Whether ``text`` is itself written in capitals (most of its cased letters): then a word in capitals says
    nothing of being an acronym ("WHEN DID PUTIN MEET NAZARBAYEV?")."""
    cased = [c for c in text if c.isupper() or c.islower()]
    return 2 * sum(c.isupper() for c in cased) > len(cased)


# Case endings an acronym outside the table may carry without a hyphen ("ССРинин": ССР + и + нин), a closed list:
# after an arbitrary tail of lower-case letters any capitalised word would read as an acronym. Russian (МИДа,
# МИДом), English (NGOs), and the Kazakh and Kyrgyz cases, plural and third-person possessive.
_CASES = """а у ом е ы ов ам ами ах s
тың тің дың дің ның нің нын нин нун нүн дын дин дун дүн тын тин тун түн
ға ге қа ке га го гө ка ко кө на не а е
ты ті ды ді ны ні ну нү ду дү ту тү ди ти н
та те да де до дө то тө нда нде ндо ндө
тан тен дан ден нан нен дон дөн тон төн ндан нден
пен бен мен
дағы дегі тағы тегі ндағы ндегі дагы деги тагы теги догу дөгү тогу төгү
тар тер дар дер лар лер лор лөр дор дөр тор төр""".split()
_POSSESSIVE = "ы і и у ү сы сі си су сү".split()
_AFTER_POSSESSIVE = "н нің нин нын нун нүн на не а е нда нде нан нен ндағы ндегі ндагы ндеги".split()
ENDINGS = frozenset([*_CASES, *_POSSESSIVE, *(p + c for p in _POSSESSIVE for c in _AFTER_POSSESSIVE)])


def own_form(word: str) -> str:
    """The acronym ``word`` writes when it is one outside the table's reading: capitals, then nothing, a hyphen and
    an ending, or an ending of ``ENDINGS`` ("ССРинин", "ТАСС-тың": ССР, ТАСС); "" for any other word."""
    capitals, rest = _capitals_and_rest(word)
    return capitals if not rest or rest in ENDINGS else ""


def reads_as(term: str, name: str) -> bool:
    """Whether ``name`` writes the acronym ``term`` (in capitals) letter for letter in any script: SSR / «ССРинин»,
    NATO / «НАТО», RF / «РФ»; never ТАСС / «ТАС», whose letters the analyzer's folding of doubled letters makes
    one token, nor ТАСС / «РФ», which an embedding puts close."""
    written = own_form(name)
    return bool(written) and letter_reading(written) in _readings(term)


def _readings(term: str) -> set[str]:
    """The letter readings of the acronym ``term``: Latin C may stand for Ц too (CA / «ЦА»)."""
    return {letter_reading(term), letter_reading(term.replace("C", "Ц"))}


_SPELT_OUT = 3  # letters an acronym needs, and each word of its spelt-out name, to be read from initials
_PLAIN_WORD = re.compile(r"[^\W\d_]+")  # a hyphenated word's parts apart: «Воздушно-космических» is two


def spelt_out(term: str, text: str) -> str:
    """The run of consecutive words of ``text`` whose initials read as the acronym ``term`` letter for letter, a
    name translated into its initials rather than transliterated (VKS / «Воздушно-космических сил»); "" when
    none do. Short acronyms and words are left alone: two initials, or a word like "и" or "of", meet by chance.
    So do three ordinary words (ҰҚК / «үчүн күрөштөн кабар», the letters folded alike), so the run must open
    with a capital, as a name does in all four languages («Ұлттық қауіпсіздік комитеті»)."""
    if len(term) < _SPELT_OUT:
        return ""
    wanted = _readings(term)
    words = _PLAIN_WORD.findall(text)
    for start in range(len(words) - len(term) + 1):
        run = words[start:start + len(term)]
        if (run[0][0].isupper() and all(len(w) >= _SPELT_OUT for w in run)
                and letter_reading("".join(w[0] for w in run)) in wanted):
            return " ".join(run)
    return ""


def written_as(term: str, texts: Sequence[str]) -> bool:
    """Whether one of ``texts`` writes the acronym ``term`` (``reads_as``), or, for a longer word in capitals, the
    word itself in any case (``as_word``)."""
    return any(reads_as(term, w) or as_word(term, w) for text in texts for w in WORD.findall(text))


_AS_WORD = 4  # letters a word in capitals needs to be read as a word too: «АҚ» is a Kazakh word and a company form


def as_word(term: str, word: str) -> bool:
    """Whether ``word`` writes ``term``, a word in capitals, in another case, with or without an ending: a name
    written in capitals for emphasis ("TOKAYEV", «ТОҚАЕВТЫҢ») against the corpus' «Токаев», «Тоқаевтың». Letter by
    letter, the shorter at least ``_AS_WORD`` letters, so «ТАСС» is not «Тасым» and a short acronym no word."""
    mine, theirs = letter_reading(term), letter_reading(word)
    shorter = min(len(mine), len(theirs))
    return shorter >= _AS_WORD and len(term) >= _AS_WORD and mine[:shorter] == theirs[:shorter]


def table_form(word: str) -> str:
    """``word`` typed in lower case with its acronym in capitals, when its letters before any hyphen are an
    acronym of the table ("одкб": ОДКБ, "ақш-тың": АҚШ-тың) and no everyday word; "" for any other word."""
    head, hyphen, rest = word.partition("-")
    return head.upper() + hyphen + rest if head.upper() in _table()[0] and head.lower() not in _WORDS else ""


_WORDS = frozenset({"us"})  # lower case, an everyday word ("tell us"), not the acronym


@lru_cache(maxsize=8192)  # the retrieved passages' names recur from question to question
def named(word: str) -> frozenset[int]:
    """The numbers of the entities ``word`` is an acronym of (none for any other word)."""
    written = acronym(word)
    return _table()[0].get(written.upper(), frozenset()) if written else frozenset()


def same_entity(term: str, name: str) -> bool:
    """Whether ``term`` and ``name`` are acronyms of one organisation or state, in whatever language."""
    return bool(named(term) & named(name))


def other_entities(term: str, name: str) -> bool:
    """Whether ``term`` and ``name`` are both acronyms of table entities, and of no entity in common."""
    mine, theirs = named(term), named(name)
    return bool(mine) and bool(theirs) and not mine & theirs


def absent_entity(term: str, written: Callable[[str], bool]) -> bool:
    """True when ``term`` is an acronym of entities the corpus names by none of their acronyms and full names."""
    return unwritten(named(term), written)


def unwritten(entities: frozenset[int], written: Callable[[str], bool]) -> bool:
    """True when ``entities`` are some and the corpus names none of them by any acronym or full name.

    ``written`` (evidence.spelt) asks a full name for each of its tokens somewhere in the
    corpus, not together: on a large archive it rarely calls an entity absent, which
    leaves such a term to the translated-term test, as before the table.
    """
    return bool(entities) and not any(written(form) for number in entities for form in _table()[1][number])


def written_in(word: str, texts: Sequence[str], tokens: Callable[[str], list[str]]) -> bool:
    """Whether one of ``texts`` writes an acronym that reads as ``word``'s does by the analyzer's ``tokens``
    (scripts folded: «НАТО» for NATO, «АҚШ-тың» for АҚШ), never a lower-case word that folds alike ("on" for
    ООН): the corpus names the entity by an acronym, not by a word of another language."""
    wanted = tokens(acronym(word))
    return bool(wanted) and any(tokens(written) == wanted for text in texts for w in WORD.findall(text)
                                if (written := acronym(w)))


@lru_cache(maxsize=1)
def _full_names() -> tuple[tuple[int, tuple[str, ...]], ...]:
    """Each entity's full names as lower-case words (names of one word are left to the acronyms)."""
    return tuple((number, words) for number, entity in enumerate(_entities())
                 for values in entity["names"].values() for name in values
                 if len(words := tuple(w.lower() for w in WORD.findall(name))) > 1)


def _inflects(word: str, base: str) -> bool:
    """Whether ``word`` is ``base`` or ``base`` with a case ending, also in place of its last one or two vowels,
    й or ь ("евразийском" for "евразийский", "организации" for "организация", "штатов" for "штаты")."""
    if word == base:
        return True
    if len(base) < _INFLECTED:
        return False
    stem = base
    while len(base) - len(stem) < 2 and stem[-1] in _CHANGING:
        stem = stem[:-1]
    return word.startswith(stem) and 0 < len(word) - len(stem) <= _ENDING


# About 0.45 ms a question, and the near-miss check, the topical reading and the topic's spelling each ask it.
@lru_cache(maxsize=256)
def full_names_in(text: str) -> Mapping[str, frozenset[int]]:
    """The words of ``text`` that make up a table entity's full name ("the Eurasian Economic Union", "Америка
    Құрама Штаттарының"), each with the numbers of the entities so named, so that the near-miss check reads
    them as the entity's acronym, not as words the corpus never writes («Union», «United»). Read-only: it is
    remembered."""
    words = WORD.findall(text)
    low = [w.lower() for w in words]
    found: dict[str, set[int]] = {}
    for number, name in _full_names():
        for start in range(len(low) - len(name) + 1):
            if all(_inflects(low[start + j], part) for j, part in enumerate(name)):
                for word in words[start:start + len(name)]:
                    found.setdefault(word, set()).add(number)
    return MappingProxyType({word: frozenset(numbers) for word, numbers in found.items()})
