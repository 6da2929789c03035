"""Strip web clutter that is not article text from scraped news.

General rules, not per-file fixes: a page's text is a list of paragraphs
(lines); clutter is recognisable by position and shape (tickers, counters,
by-lines at the top, one- or two-word widget labels at the bottom, advert
labels that are not sentences), by phrases addressed to the reader (calls to
action, "read also"), and by repetition (photo captions and pull quotes repeat
a sentence of the article). Topic words alone never remove a sentence: news
about a casino or a donation drive is news. What is removed is reported.
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
# What a page says *to its reader* (calls to action, widget labels, related links). These are
# furniture wherever they stand; they are phrases addressed to "you"/"us", never topic words, so a
# news sentence about a casino, a donation drive or advertising is never touched.
_CALL_TO_ACTION = re.compile(
    r"\b(?:join (?:our|us)|support (?:us|our)|consider supporting|subscribe (?:to (?:our|us)|now|here)|"
    r"sign ?up (?:now|here|for our|to our)|follow us|share (?:this|on)|become a (?:member|patron)|"
    r"read (?:also|more)|see also|you might also like|related articles?|view all comments|"
    r"inline feedbacks?|notify of|article rating|we(?:'|’)ve been working hard to bring you|"
    r"читайте (?:также|еще|ещё)|подписывайтесь|подпишитесь на|оқыңыз|жазылыңыз|окуңуз)\b"
    r"|^\d+\s+(?:\d+\s+)?(?:comments?|votes?|replies|likes|views)$",
    re.IGNORECASE,
)
# Words that make a *label* (a short line that is not a sentence) an advert or a widget. On a line
# that is a sentence they are topic words and mean nothing here.
_WIDGET_WORDS = re.compile(
    r"\b(?:subscribe|sign ?up|donate|newsletter|advertisement|sponsored|casino|betting|bonus|"
    r"comments?|реклама|подписаться)\b",
    re.IGNORECASE,
)
_CLUTTER_MAX_WORDS = 25  # a long line that mentions "comments" is article text
_LABEL_MAX_WORDS = 14
_SENTENCE_END = re.compile(r"[.!?…»\"”)]$")


def is_clutter(line: str) -> bool:
    """Page furniture wherever it stands: tickers, reader-addressed calls to action, advert and widget labels."""
    text = line.strip()
    if not text:
        return False
    if _NUMERIC.match(text):
        return True
    if word_count(text) <= _CLUTTER_MAX_WORDS and _CALL_TO_ACTION.search(text):
        return True
    is_label = word_count(text) <= _LABEL_MAX_WORDS and not _SENTENCE_END.search(text)
    return is_label and bool(_WIDGET_WORDS.search(text))


def _is_fragment(line: str) -> bool:
    """A short label with no sentence punctuation ("guest", "Subscribe")."""
    return word_count(line) <= 3 and not _SENTENCE_END.search(line)


def clean_paragraphs(lines: list[str]) -> list[str]:
    """Article paragraphs of a page, clutter and repeated captions removed."""
    return clean_page(lines)[0]


def clean_page(lines: list[str]) -> tuple[list[str], list[str]]:
    """(article paragraphs, removed paragraphs): the build reports what cleaning took, never silently."""
    paras = [" ".join(line.split()) for line in lines]
    paras = [p for p in paras if p]
    removed = [p for p in paras if is_clutter(p)]
    paras = [p for p in paras if not is_clutter(p)]
    # Leading by-lines and widget fragments before the first real paragraph.
    while paras and (_BYLINE.match(paras[0]) or (_is_fragment(paras[0]) and len(paras) > 1)):
        removed.append(paras.pop(0))
    # Trailing widget fragments after the last real paragraph.
    while paras and _is_fragment(paras[-1]):
        removed.append(paras.pop())
    kept = _drop_repeats(paras)
    kept_set = set(kept)
    removed.extend(p for p in paras if p not in kept_set)
    return kept, removed


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
