"""A question that names its source's language asks within that language's articles.

"According to the Kyrgyz-language article, how many people died?",
"Ағылшын тіліндегі мақала бойынша…", "Орусча макалада…": the reader says
which article the answer is to come from. Embedded, "Kyrgyz article" is two
more words, and the English article's passage holding the same fact can rank
first. Read here by closed patterns in four languages; a country word is no
language word ("казахстанский политолог", "Kazakh media", "the Kazakh
president" name no article). Candidates in the named language then come first,
each group in its own order: no weight, since the question said which article.
"""

from __future__ import annotations

import re
from typing import Callable

import numpy as np

from .fuse import first_where
from .text import WORD

_EN = {"kyrgyz": "ky", "kirghiz": "ky", "kazakh": "kk", "russian": "ru", "english": "en"}
_EN_SOURCE = r"(?:article|report|publication|piece|story|text|version)s?"
_RU = {"кыргыз": "ky", "киргиз": "ky", "казах": "kk", "рус": "ru", "англ": "en"}
_KK = {"қырғыз": "ky", "қазақ": "kk", "орыс": "ru", "ағылшын": "en"}
_KY = {"кыргыз": "ky", "казак": "kk", "орус": "ru", "англис": "en"}


def _names(words: dict[str, str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


# Each pattern's first group is the language's word, looked up in its table.
_PATTERNS: tuple[tuple[re.Pattern, dict[str, str]], ...] = (
    # English: "the Kyrgyz-language article", "the Russian report", "the article in Kazakh".
    (re.compile(rf"\b({_names(_EN)})[-‐\s]language\b", re.I), _EN),
    (re.compile(rf"\b({_names(_EN)})\s+{_EN_SOURCE}\b", re.I), _EN),
    (re.compile(rf"\b{_EN_SOURCE}\s+in\s+({_names(_EN)})\b", re.I), _EN),
    # Russian: "статье на кыргызском", "англоязычной статье", "в казахской публикации" (not "казахстанской");
    # "на русском" alone names a language, not an article ("Сколько школ преподают на русском языке?").
    (re.compile(r"\b(?:стать|публикаци|материал|текст|заметк|верси)\w*\s+на\s+(кыргыз|киргиз|казах|рус|англ)(?:ск|ийск)ом\b",
                re.I), _RU),
    (re.compile(r"\b(кыргыз|киргиз|казах|рус|англ)(?:о|ско)язычн\w*", re.I), _RU),
    (re.compile(r"\b(кыргыз|киргиз|казах|рус|англ)(?:ск|ийск)\w*\s+(?:стать|публикаци|материал|текст|заметк|верси)\w*",
                re.I), _RU),
    # Kazakh: "ағылшын тіліндегі", "орысша", "қазақ мақаласы".
    (re.compile(rf"\b({_names(_KK)})\s+тілін\w*", re.I), _KK),
    (re.compile(rf"\b({_names(_KK)})(?:ша|ше)\b", re.I), _KK),
    (re.compile(rf"\b({_names(_KK)})\s+(?:мақала|басылым|жарияланым|мәтін)\w*", re.I), _KK),
    # Kyrgyz: "англис тилиндеги", "орусча", "кыргыз макаласы".
    (re.compile(rf"\b({_names(_KY)})\s+тилин\w*", re.I), _KY),
    (re.compile(rf"\b({_names(_KY)})(?:ча|че)\b", re.I), _KY),
    (re.compile(rf"\b({_names(_KY)})\s+(?:макала|басылма|текст)\w*", re.I), _KY),
)


# Every pattern above holds one of these; most questions hold none, and these substring tests cost a tenth
# of the patterns' search (the question's path is timed against its embedding, docs/benchmarks.md §4).
_HINTS = ("language", "article", "report", "publication", "piece", "story", "text", "version",
          "язычн", "стать", "публикаци", "материал", "заметк", "верси",
          "тілін", "мақала", "басылым", "жарияланым", "мәтін", "тилин", "макала", "басылма",
          *(f"{word}{ending}" for word in _KK for ending in ("ша", "ше")),
          *(f"{word}{ending}" for word in _KY for ending in ("ча", "че")))


def named_language(question: str) -> str | None:
    """The language code of the articles ``question`` names as its source, or None (none, or two named)."""
    named = {language for language, _ in _cues(question)}
    return named.pop() if len(named) == 1 else None


def cue_words(question: str) -> frozenset[str]:
    """The words, lower-cased, of the phrases naming a source language ("Ағылшын тіліндегі мақала"): they say
    where the answer is to come from, not what it is about, so the near-miss check does not ask the corpus
    to mention "English"."""
    return frozenset(w.lower() for _, (start, end) in _cues(question) for w in WORD.findall(question[start:end]))


def _cues(question: str) -> list[tuple[str, tuple[int, int]]]:
    """Each phrase naming a source language: its language and its span in ``question``."""
    if not any(hint in question.lower() for hint in _HINTS):
        return []
    return [(table[match.group(1).lower()], match.span())
            for pattern, table in _PATTERNS for match in pattern.finditer(question)]


def first_in_language(order: np.ndarray, ranking: np.ndarray, head: int, language_of: Callable[[int], str],
                      wanted: str, close: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``order`` with its first ``head`` candidates in ``wanted`` moved before the others (``fuse.first_where``):
    naming a source never turns an answer into "not found"."""
    return first_where(order, ranking, head, lambda i: language_of(i) == wanted, close)
