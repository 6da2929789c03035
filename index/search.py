"""The two retrievers over one index: dense (FAISS) and lexical (bm25s), each returning scored rows.

Whatever proposes a candidate, every candidate is scored exactly by both: its
cosine from the stored float32 vectors, its BM25 from the lexical index. An
approximate FAISS index (ann.py) therefore changes which passages are looked
at, never how they are scored or fused.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import ann
from .chunk import Passage
from .lexical import LexicalScores
from .store import LoadedIndex


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float  # what the ranking used: cosine (dense), BM25 (bm25) or the fused score (hybrid)
    rank: int  # 1-based
    row: int  # the passage's row in the index
    dense: float | None = None  # cosine with the question
    coverage: float | None = None  # share of the question's IDF mass the passage contains
    also: tuple[Passage, ...] = ()  # near-duplicates of this passage (other copies of the same text)


@dataclass(frozen=True)
class Scored:
    """Candidate rows with both retrievers' scores, the input of ranking and fusion."""

    rows: np.ndarray
    passages: list[Passage]  # of ``rows``, read once for fusion, folding and the hits
    dense: np.ndarray  # passage cosine blended with its best sentence's cosine
    bm25: np.ndarray
    coverage: np.ndarray
    same_language: np.ndarray  # passage in the question's language


def dense_top(index: LoadedIndex, query_vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows and exact cosines of the ``k`` nearest passages (inner product of unit vectors).

    An approximate index is asked for more rows than ``k`` and they are re-ranked
    by their exact cosine, which recovers most of what its coarse codes misorder.
    """
    wanted = min(ann.candidates_wanted(index.ann, k), index.vectors.ntotal)
    if wanted <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    scores, rows = index.vectors.search(np.asarray(query_vector, dtype=np.float32).reshape(1, -1), wanted)
    rows = rows[0][rows[0] >= 0]
    if index.ann.kind == "flat":
        return rows, scores[0][:len(rows)]
    exact = dense_scores_of(index, query_vector, rows)
    top = np.argsort(-exact, kind="stable")[:k]
    return rows[top], exact[top]


def dense_scores_of(index: LoadedIndex, query_vector: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Exact cosines for given rows, read from the memory-mapped vectors in file order."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.float32)
    rows = np.asarray(rows, dtype=np.int64)
    order = np.argsort(rows)
    out = np.empty(len(rows), dtype=np.float32)
    out[order] = index.passage_vectors[rows[order]] @ np.asarray(query_vector, dtype=np.float32)
    return out


def lexical_top(bm25: np.ndarray, k: int) -> np.ndarray:
    """Rows of the ``k`` best BM25 scores above zero, best first; linear in the corpus, not n log n."""
    nonzero = np.flatnonzero(bm25 > 0)
    if len(nonzero) > k:  # the same rows a stable full sort would keep, ties going to the lower row
        kth = np.partition(bm25[nonzero], len(nonzero) - k)[len(nonzero) - k]
        above = nonzero[bm25[nonzero] > kth]
        nonzero = np.concatenate([above, nonzero[bm25[nonzero] == kth][:k - len(above)]])
    return nonzero[np.lexsort((nonzero, -bm25[nonzero]))]


def best_sentence_scores(index: LoadedIndex, query_vector: np.ndarray, rows: np.ndarray,
                         passage_scores: np.ndarray) -> np.ndarray:
    """Per row, the cosine of its closest sentence (late-chunked vectors); the passage's own if it has none.

    A fact question is answered by one sentence; averaged into a 60–100 word
    passage vector, that sentence's signal is diluted by its neighbours.
    """
    out = np.array(passage_scores, dtype=np.float32)
    query_vector = np.asarray(query_vector, dtype=np.float32)
    for i, row in enumerate(rows):
        span = index.sentence_rows(int(row))
        if len(span):
            out[i] = float((index.sentence_vectors[span.start:span.stop].astype(np.float32) @ query_vector).max())
    return out


def candidates(index: LoadedIndex, query_vector: np.ndarray, lexical: LexicalScores, depth: int,
               query_lang: str, sentence_weight: float) -> Scored:
    """The union of each retriever's top ``depth``, scored by both, so fusion sees every strong candidate."""
    dense_rows, _ = dense_top(index, query_vector, depth)
    rows = np.unique(np.concatenate([dense_rows, lexical_top(lexical.bm25, depth)]).astype(np.int64))
    passages = index.passages.many(rows)
    passage = dense_scores_of(index, query_vector, rows)
    sentence = best_sentence_scores(index, query_vector, rows, passage)
    dense = (passage + sentence_weight * sentence) / (1 + sentence_weight)
    same = np.array([p.lang == query_lang for p in passages], dtype=bool)
    return Scored(rows, passages, dense, lexical.bm25[rows], lexical.coverage[rows], same)


def to_hits(scored: Scored, ranking: np.ndarray, groups: list[tuple[int, list[int]]]) -> list[Hit]:
    """Hits in ``groups`` order: each a candidate and the near-duplicates folded into it."""
    return [
        Hit(scored.passages[i], float(ranking[i]), rank, int(scored.rows[i]),
            float(scored.dense[i]), float(scored.coverage[i]),
            tuple(scored.passages[j] for j in twins))
        for rank, (i, twins) in enumerate(groups, 1)
    ]
