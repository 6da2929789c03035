"""Small text helpers shared by chunking, answering and evaluation."""

from __future__ import annotations

import re

# A sentence ends at . ! ? … (optionally followed by closing quotes/brackets)
# when the next non-space character can start a sentence.
_BOUNDARY = re.compile(
    r"(?<=[.!?…])[»\"”’)\]]*\s+(?=[«\"“„(\[—–\-]?\s*[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9])"
)
# Tokens that end in a period without ending a sentence: initials and common
# abbreviations in the four languages ("Dec. 20", "В. Путин", "Ғ. Мүсірепов", "т.б.", "г.",
# Kazakh "ХХ ғ." and "Xғ." (century), "1985-1991 жж." and "1089ж." (years), "б.з.б." (BC)).
_ABBREV = re.compile(
    r"(?:\b[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]|\b(?:Dec|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Mr|Mrs|Ms|Dr|St|vs|No|"
    r"г|гг|т|тт|ул|им|д|млн|млрд|тыс|руб|долл|ж|жж|ғ|ғғ|б|т\.б|т\.с|т\.е|б\.з|б\.з\.б|з\.б)"
    r"|\b(?:\d+|[IVXLCХ]+)(?:ж|жж|ғ|г|гг))\.$"
)


_LINE = re.compile(r"[^\n]+")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")  # a Cyrillic letter (the Kazakh and Kyrgyz ones included)
LETTERS = re.compile(r"[^\W\d_]+")  # a run of letters: a word without its digits
WORD = re.compile(r"[^\W_]+(?:[-‐][^\W_]+)*")  # a word, a hyphenated one whole (Су-35, Kyrgyz-language)
_CLOSING = " \t»\"”’')]…"


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``, whitespace trimmed, in order.

    A line break always ends a sentence: headlines and captions carry no period.
    """
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        spans.extend((line.start() + s, line.start() + e) for s, e in _split_line(line.group()))
    return spans


def _split_line(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        candidate = text[start : match.start()].rstrip()
        if _ABBREV.search(candidate.split()[-1] if candidate.split() else ""):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def fold(text: str) -> str:
    """Case- and whitespace-insensitive form used to compare passage texts."""
    return " ".join(text.casefold().split())


def has_digit(word: str) -> bool:
    """Whether ``word`` holds a digit ("Су-35", "2019-жылы"). Asked of every word of every passage a question
    retrieves, so an all-letter word, nearly all of them, is let go without looking at its characters."""
    return not word.isalpha() and any(map(str.isdigit, word))


def word_count(text: str) -> int:
    return len(text.split())


def asks(sentence: str) -> bool:
    """A sentence that is itself a question ("Кездесудің негізгі мақсаты қандай?"): a lede's or an
    interviewer's. Question-like, it sits close to every question, and quoted it states no fact."""
    return sentence.rstrip(_CLOSING).endswith(("?", "？", "؟"))
