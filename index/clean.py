"""Strip web clutter that is not article text from scraped news.

General rules, not per-file fixes: a page's text is a list of paragraphs
(lines); clutter is recognisable by shape (tickers, counters, by-lines at the
top, one- or two-word widget labels at the bottom), by the vocabulary of calls
to action, adverts and comment widgets, and by repetition (photo captions and
pull quotes repeat a sentence of the article).
"""

from __future__ import annotations

import re

from .text import fold, word_count

# Lines that are only numbers, times, prices or a currency ticker ("USD 1.7000", "01:44 646").
_NUMERIC = re.compile(r"^(?:[A-Z]{3}\s+)?[\d\s:.,/%$€₽₸+\-–—|]+$")
# "Name Surname, reporter" by-lines: short, a comma, then a role word.
_BYLINE = re.compile(
    r"^[\w .'’\-]{2,60},\s*(?:собкор|корреспондент|спецкор|обозреватель|автор|фото|тілші|кабарчы|"
    r"correspondent|reporter|staff writer|photo|author)\b",
    re.IGNORECASE,
)
# Calls to action, adverts, related-article links and comment widgets.
_CLUTTER = re.compile(
    r"\b(?:join (?:our|us)|support (?:us|independent|our)|consider supporting|subscribe|sign ?up|"
    r"donate|become a (?:member|patron)|read (?:also|more)|see also|you might also like|related articles?|"
    r"follow us|share (?:this|on)|newsletter|advertisement|sponsored|casino|betting|"
    r"view all comments|inline feedbacks?|notify of|article rating|"
    r"читайте (?:также|еще)|подписывайтесь|подпишитесь|реклама|"
    r"оқыңыз|жазылыңыз|окуңуз)\b"
    r"|^\d+\s+(?:\d+\s+)?(?:comments?|votes?|replies|likes|views)$",
    re.IGNORECASE,
)
_CLUTTER_MAX_WORDS = 25  # a long line that mentions "comments" is article text
_SENTENCE_END = re.compile(r"[.!?…»\"”)]$")


def is_clutter(line: str) -> bool:
    """A line that is not article text wherever it stands."""
    text = line.strip()
    if not text:
        return False
    if _NUMERIC.match(text):
        return True
    return word_count(text) <= _CLUTTER_MAX_WORDS and bool(_CLUTTER.search(text))


def _is_fragment(line: str) -> bool:
    """A short label with no sentence punctuation ("guest", "Subscribe")."""
    return word_count(line) <= 3 and not _SENTENCE_END.search(line)


def clean_paragraphs(lines: list[str]) -> list[str]:
    """Article paragraphs of a page, clutter and repeated captions removed."""
    paras = [" ".join(line.split()) for line in lines]
    paras = [p for p in paras if p and not is_clutter(p)]
    # Leading by-lines and widget fragments before the first real paragraph.
    while paras and (_BYLINE.match(paras[0]) or (_is_fragment(paras[0]) and len(paras) > 1)):
        paras.pop(0)
    # Trailing widget fragments after the last real paragraph.
    while paras and _is_fragment(paras[-1]):
        paras.pop()
    return _drop_repeats(paras)


REPEAT_WINDOW = 30  # a caption or pull quote repeats text this many paragraphs away at most


def _drop_repeats(paras: list[str]) -> list[str]:
    """Drop a paragraph whose text already stands inside another one (captions, pull quotes).

    Exact repeats are found anywhere by hash; a paragraph contained in a longer
    one is looked for among its neighbours only, which keeps a book-length
    file linear instead of quadratic.
    """
    folded = [fold(p).rstrip(".!?…") for p in paras]
    seen: set[str] = set()
    keep: list[str] = []
    for i, (para, key) in enumerate(zip(paras, folded)):
        if key in seen:
            continue
        seen.add(key)
        near = range(max(0, i - REPEAT_WINDOW), min(len(paras), i + REPEAT_WINDOW + 1))
        if any(j != i and len(folded[j]) > len(key) and key in folded[j] for j in near):
            continue
        keep.append(para)
    return keep
