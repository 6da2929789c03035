"""Split documents into passages sized for multilingual-e5 (512-token window).

Passages are runs of whole sentences that prefer to end at paragraph breaks.
A passage that has to break inside a paragraph repeats that paragraph's last
sentence at the start of the next one (a modest overlap), so a fact stated
across the break is still whole in one passage. Offsets point into the
document's cleaned text, so a citation can always be traced back.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

from .corpus import Document
from .text import fold, split_sentences

# Sizes chosen on tests/data/gold.jsonl (README, "Design choices, measured"):
# 60/100 beat 80/130 and 120/180 on recall@1 and MRR@10 at equal recall@5.
TARGET_WORDS = 60  # close a passage at the next paragraph break after this many words
MAX_WORDS = 100  # never exceed this (Kazakh/Kyrgyz run ~2.5 tokens a word: well under 512)
MIN_WORDS = 25  # a shorter tail is merged into the passage before it
OVERLAP_MAX_WORDS = 35  # the repeated sentence at a mid-paragraph break is at most this long
MIN_ANSWER_WORDS = 3


@dataclass(frozen=True)
class Passage:
    passage_id: str
    doc_id: str
    start: int
    end: int
    text: str
    title: str
    date: str | None
    lang: str
    # Spans (into ``text``) of the sentences an answer may quote; each has a
    # vector in the index, pooled at build time (embed.py, late chunking).
    sentences: tuple[tuple[int, int], ...] = ()
    url: str | None = None  # the article's address (a JSONL record's ``url``), so a citation can link to it

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, row: dict) -> "Passage":
        return cls(**{**row, "sentences": tuple(tuple(span) for span in row.get("sentences", ()))})


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    para: int
    words: int


def _units(text: str, max_words: int) -> list[_Unit]:
    """Sentences tagged with their paragraph; an over-long sentence is cut into word windows."""
    units: list[_Unit] = []
    offset = 0
    for para_no, para in enumerate(text.split("\n\n")):
        for s, e in split_sentences(para):
            words = para[s:e].split()
            if len(words) <= max_words:
                units.append(_Unit(offset + s, offset + e, para_no, len(words)))
                continue
            pos = s
            for i in range(0, len(words), max_words):
                piece = words[i : i + max_words]
                start = para.index(piece[0], pos)
                end = para.index(piece[-1], start) + len(piece[-1])
                units.append(_Unit(offset + start, offset + end, para_no, len(piece)))
                pos = end
        offset += len(para) + 2
    return units


def chunk_document(
    doc: Document,
    target_words: int = TARGET_WORDS,
    max_words: int = MAX_WORDS,
    min_words: int = MIN_WORDS,
) -> list[Passage]:
    groups: list[list[_Unit]] = []
    current: list[_Unit] = []
    for unit in _units(doc.text, max_words):
        size = sum(u.words for u in current)
        new_para = bool(current) and unit.para != current[-1].para
        if current and (size + unit.words > max_words or (new_para and size >= target_words)):
            groups.append(current)
            last = current[-1]
            carry = not new_para and len(current) > 1 and last.words <= OVERLAP_MAX_WORDS
            current = [last] if carry and last.words + unit.words <= max_words else []
        current.append(unit)
    if current:
        groups.append(current)
    if len(groups) > 1 and sum(u.words for u in groups[-1]) < min_words:
        merged = groups[-2] + [u for u in groups[-1] if u not in groups[-2]]
        if sum(u.words for u in merged) <= max_words:
            groups[-2:] = [merged]
    return [_passage(doc, group[0].start, group[-1].end) for group in groups]


def quotable_sentences(text: str) -> tuple[tuple[int, int], ...]:
    """Sentences long enough to answer with (a 1–2 word line is a caption or a label)."""
    return tuple((s, e) for s, e in split_sentences(text) if len(text[s:e].split()) >= MIN_ANSWER_WORDS)


def _passage(doc: Document, start: int, end: int) -> Passage:
    text = doc.text[start:end]
    digest = hashlib.sha256(f"{doc.doc_id}\n{text}".encode("utf-8")).hexdigest()[:12]
    return Passage(f"{doc.doc_id}:{digest}", doc.doc_id, start, end, text, doc.title, doc.date, doc.lang,
                   quotable_sentences(text), doc.url)


def chunk_corpus(docs: list[Document], target_words: int = TARGET_WORDS, max_words: int = MAX_WORDS,
                 min_words: int = MIN_WORDS) -> list[Passage]:
    """All passages, each distinct text once (scraped pages repeat captions and boilerplate)."""
    seen: set[str] = set()
    out: list[Passage] = []
    for doc in docs:
        for passage in chunk_document(doc, target_words, max_words, min_words):
            key = fold(passage.text)
            if key not in seen:
                seen.add(key)
                out.append(passage)
    return out
