"""Which kind of institution does a key term name, and does the corpus write it in any language?

English names institutions with capitalised ordinary words ("Russia's Aerospace
Forces", "the Upper House", "the Senate"); the other three languages write the
same words in lower case (Воздушно-космических сил, палата). So the near-miss
check found "Forces" nowhere in the corpus and declined a question the Russian
article answers, and no name of the passages could vouch for it: names are
capitalised, and pairing a capitalised word with the passages' lower-case words
pairs unrelated ones as often as translations (docs/benchmarks.md §1). A small
table (``data/institutions.json``, written by hand: a closed class, like the
calendar words) says which words name one kind of institution in the four
languages; such a term is written where the corpus writes any of them.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Callable

from .places import names as inflected, written as places_written

TABLE = "institutions.json"
# A table word is looked for at the start of corpus words from five letters on («банктын» begins «банктынын»);
# a shorter one begins too many others («дума» / «думать»), so the table lists its inflected forms instead.
_SHORTEST = 5


@lru_cache(maxsize=1)
def _entries() -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """Each entry's English words (matched whole) and its Russian, Kazakh and Kyrgyz ones (a case ending may follow)."""
    data = json.loads(resources.files("index").joinpath("data", TABLE).read_text(encoding="utf-8"))
    return tuple((tuple(entry["en"]), tuple(w for lang in ("ru", "kk", "ky") for w in entry[lang]))
                 for entry in data["institutions"])


@lru_cache(maxsize=4096)
def kinds(term: str) -> frozenset[int]:
    """The numbers of the entries ``term`` is a word of (none for any other word)."""
    low = term.lower()
    return frozenset(number for number, (english, others) in enumerate(_entries())
                     if low in english or any(low == w or inflected(low, w) for w in others))


def written(term: str, spells: Callable[[str], bool], begins: Callable[[str], bool]) -> bool:
    """Whether ``term`` names a kind of institution the corpus writes by one of its words in any language
    (places.written: it ``spells`` the word, or a case ending replaced its final vowel; ``begins``: some corpus word
    begins with it, for a word of five letters or more)."""
    return any(places_written(w, spells, begins) or (len(w) >= _SHORTEST and begins(w))
               for number in kinds(term) for words in _entries()[number] for w in words)
