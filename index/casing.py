"""How the corpus writes a word: as a name (capitalised mid-sentence) or as an ordinary word.

A question's opening word is capitalised whatever it is, so the follow-up
reader (conversation.py) cannot tell "Назарбаевтың жиені…" (a name: a new
topic) from "Мәселелер қай деңгейде…" (an ordinary word: the question leans on
the chat). The corpus can: it writes names capitalised in mid-sentence and
ordinary words in lower case. Asked at question time from the lexical index's
postings and the stored passages, so builds and their formats stay as they are.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

import numpy as np

from .lexical import LexicalIndex
from .recent import RecentVectors

SAMPLE = 16  # passages read per word: enough to see how it is written, a fraction of a millisecond
CACHE = 4096
MIN_STEM = 5  # a shorter stem matches unrelated words ("назар" in "Назарбаев")
SUFFIX = 4  # characters of case ending a word may differ by ("Назарбаевтың" ~ "Назарбаев")
_OPENING = ".?!«\"“"


def stem(word: str) -> str:
    """The part of ``word`` its other forms share: all but a case ending, never under MIN_STEM characters."""
    low = word.lower()
    return low[:max(MIN_STEM, len(low) - SUFFIX)]


def counts(word: str, texts: Sequence[str]) -> tuple[int, int]:
    """(capitalised, lower-case) mid-sentence occurrences in ``texts`` of words sharing ``word``'s stem."""
    root = stem(word)
    pattern = re.compile(r"(?<!\w)" + re.escape(root), re.IGNORECASE)
    upper = lower = 0
    for text in texts:
        for match in pattern.finditer(text):
            before = text[:match.start()]
            kept = before.rstrip()
            if not kept or kept[-1] in _OPENING or "\n" in before[len(kept):]:
                continue  # a sentence's (or a line's) first word is capitalised whatever it is
            if text[match.start()].isupper():
                upper += 1
            else:
                lower += 1
    return upper, lower


def verdict(upper: int, lower: int) -> bool | None:
    """True: written as a name; False: as an ordinary word; None: never seen mid-sentence."""
    if upper == lower == 0:
        return None
    return upper >= lower


class CorpusCasing:
    """``casing(word)``: how this build's passages write ``word`` (see ``verdict``); remembered per word."""

    def __init__(self, lexical: LexicalIndex, texts_of: Callable[[list[int]], list[str]],
                 sample: int = SAMPLE, cache: int = CACHE) -> None:
        self.lexical = lexical
        self.texts_of = texts_of
        self.sample = sample
        self._seen: RecentVectors[bool | None] = RecentVectors(cache)

    def __call__(self, word: str) -> bool | None:
        return self._seen.get([word.lower()], lambda words: [self._read(w) for w in words])[0]

    def _read(self, word: str) -> bool | None:
        return verdict(*counts(word, self.texts_of(self.rows(word))))

    def clear(self) -> None:
        self._seen.clear()

    def rows(self, word: str) -> list[int]:
        """Up to ``sample`` passages holding the word's lexical token, spread over the whole index.

        The token is a short prefix that other words share ("назар" and "Назарбаев"); a sample
        holding no form of the word gives None, and the reader treats the word as it always did.
        """
        tokens = self.lexical.analyzer.tokens(word)
        if len(tokens) != 1:
            return []
        holding = self.lexical.rows_holding(tokens[0])
        if len(holding) > self.sample:
            holding = holding[np.linspace(0, len(holding) - 1, self.sample).astype(np.int64)]
        return [int(r) for r in holding]
