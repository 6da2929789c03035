"""Which country or capital does a key term name, and does the corpus name it at all?

"Токаев Германияга качан барат?": «Германияга» is missing, and the
translated-term rule (evidence.taken_up) would still vouch for it, because a
place in a case ending barely moves the question: its vector stays put
whether the place is there or not. A table of the world's countries and
capitals in the four languages (``data/places.json``, written by
bench/places_table.py from ISO 3166-1 via pycountry and GeoNames) tells such a
term apart from a translated one: Germany has no name the corpus writes, while
«Бейжіңнің» is Beijing, which the corpus writes «Пекина». The same table pairs a
name with the corpus' own spelling of that place (China / «Китаем»), where
single names embedded alone cannot be trusted to (Токио sits as close to
Токаев as Қытай to Китаем).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Callable

TABLE = "places.json"
_VOWELS = frozenset("аеёиоуыэюяәөүұіaeiouy")
_CHANGING = _VOWELS | {"й", "ь"}  # a final letter a case ending may replace: Китай / Китаем, Казань / Казани
_ENDING = 4  # letters a case ending may add to a name ("Тегеран-ға", "Германия-га", "Мадрид-те")
_SHORTEST = 4  # letters of the shortest name compared: shorter ones begin too many words


@lru_cache(maxsize=1)
def _places() -> tuple[tuple[str, ...], ...]:
    """Each place's names, lower-cased."""
    data = json.loads(resources.files("index").joinpath("data", TABLE).read_text(encoding="utf-8"))
    return tuple(tuple(n.lower() for n in place["names"]) for place in data["places"])


def every_name() -> tuple[str, ...]:
    """Every name of every place in the table, lower-cased (kazakh_letters.py reads their Kazakh spellings)."""
    return tuple(name for names in _places() for name in names)


@lru_cache(maxsize=1)
def _by_start() -> dict[str, tuple[int, ...]]:
    """Place numbers by the first three letters of their names: a term is compared with a handful, not all."""
    index: dict[str, list[int]] = {}
    for number, names in enumerate(_places()):
        for name in names:
            index.setdefault(name[:3], []).append(number)
    return {start: tuple(dict.fromkeys(numbers)) for start, numbers in index.items()}


def names(term: str, name: str) -> bool:
    """Whether ``term`` (lower-cased) is ``name`` or ``name`` with a case ending, also in place of its final vowel,
    й or ь ("канаду" for "канада", "китаем" for "китай")."""
    if len(name) < _SHORTEST:
        return False
    if term.startswith(name):
        return len(term) - len(name) <= _ENDING
    stem = name[:-1]
    return name[-1] in _CHANGING and len(stem) >= _SHORTEST and term.startswith(stem) and \
        0 < len(term) - len(stem) <= _ENDING


@lru_cache(maxsize=8192)  # the retrieved passages' names recur from question to question
def named(term: str) -> frozenset[int]:
    """The numbers of the places ``term`` names (none for a word that names no country or capital)."""
    low = term.lower()
    return frozenset(p for p in _by_start().get(low[:3], ()) if any(names(low, n) for n in _places()[p]))


_TYPED = 5  # letters a name (or its stem before a case ending) needs to be read off a lower-case word


def named_in_lower_case(word: str) -> bool:
    """Whether a word typed in lower case names a country or capital ("берлинге", "japan"): as ``named``, but only
    by a name, or the stem a case ending replaced the end of, of at least ``_TYPED`` letters. Shorter ones end
    everyday words: Kazakh «санай» ("consider") is «Сана» with an ending, Kyrgyz «макалада» «Макао»'s stem."""
    low = word.lower()
    return any(len(name) >= _TYPED and names(low, name) and (low.startswith(name) or len(name) - 1 >= _TYPED)
               for p in _by_start().get(low[:3], ()) for name in _places()[p])


def same_place(term: str, name: str) -> bool:
    """Whether ``term`` and ``name`` name one country or capital, in whatever language and case."""
    return bool(named(term) & named(name))


def other_places(term: str, name: str) -> bool:
    """Whether ``term`` and ``name`` both name countries or capitals, and no place is named by both."""
    mine, theirs = named(term), named(name)
    return bool(mine) and bool(theirs) and not mine & theirs


def absent_place(term: str, spells: Callable[[str], bool], begins: Callable[[str], bool] = lambda _stem: False,
                 ) -> bool:
    """True when ``term`` names only countries or capitals none of whose names the corpus writes (``written``)."""
    matched = named(term)
    return bool(matched) and not any(written(n, spells, begins) for p in matched for n in _places()[p])


def written(name: str, spells: Callable[[str], bool], begins: Callable[[str], bool]) -> bool:
    """Whether the corpus writes ``name``: ``spells`` it, or, when a case ending replaces its final vowel, й or ь,
    some word ``begins`` with the rest. A short name's tokens keep its last letter (Китай, but «Китаем»)."""
    stem = name[:-1]
    return spells(name) or (name[-1] in _CHANGING and len(stem) >= _SHORTEST and begins(stem))
