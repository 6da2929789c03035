"""The two retrievers over one index: dense (FAISS) and lexical (bm25s), each returning scored rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
    dense: np.ndarray  # passage cosine blended with its best sentence's cosine
    bm25: np.ndarray
    coverage: np.ndarray
    same_language: np.ndarray  # passage in the question's language


def dense_top(index: LoadedIndex, query_vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows and cosines of the ``k`` nearest passages (inner product of unit vectors)."""
    k = min(k, index.vectors.ntotal)
    if k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    scores, rows = index.vectors.search(np.asarray(query_vector, dtype=np.float32).reshape(1, -1), k)
    keep = rows[0] >= 0
    return rows[0][keep], scores[0][keep]


def dense_scores_of(index: LoadedIndex, query_vector: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Exact cosines for given rows (candidates the lexical side found beyond the dense top)."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.float32)
    vectors = index.vectors.reconstruct_batch(np.asarray(rows, dtype=np.int64))
    return vectors @ np.asarray(query_vector, dtype=np.float32)


def best_sentence_scores(index: LoadedIndex, query_vector: np.ndarray, rows: np.ndarray,
                         passage_scores: np.ndarray) -> np.ndarray:
    """Per row, the cosine of its closest sentence (late-chunked vectors); the passage's own if it has none.

    A fact question is answered by one sentence; averaged into a 60–100 word
    passage vector, that sentence's signal is diluted by its neighbours.
    """
    out = np.array(passage_scores, dtype=np.float32)
    for i, row in enumerate(rows):
        span = index.sentence_rows(int(row))
        if len(span):
            out[i] = float((index.sentence_vectors[span.start:span.stop] @ query_vector).max())
    return out


def candidates(index: LoadedIndex, query_vector: np.ndarray, lexical: LexicalScores, depth: int,
               query_lang: str, sentence_weight: float) -> Scored:
    """The union of each retriever's top ``depth``, scored by both, so fusion sees every strong candidate."""
    dense_rows, _ = dense_top(index, query_vector, depth)
    lexical_rows = np.argsort(-lexical.bm25, kind="stable")[:depth]
    lexical_rows = lexical_rows[lexical.bm25[lexical_rows] > 0]
    rows = np.unique(np.concatenate([dense_rows, lexical_rows]).astype(np.int64))
    passage = dense_scores_of(index, query_vector, rows)
    sentence = best_sentence_scores(index, query_vector, rows, passage)
    dense = (passage + sentence_weight * sentence) / (1 + sentence_weight)
    same = np.array([index.passages[int(r)].lang == query_lang for r in rows], dtype=bool)
    return Scored(rows, dense, lexical.bm25[rows], lexical.coverage[rows], same)


def to_hits(index: LoadedIndex, scored: Scored, ranking: np.ndarray, groups: list[tuple[int, list[int]]]) -> list[Hit]:
    """Hits in ``groups`` order: each a candidate and the near-duplicates folded into it."""
    return [
        Hit(index.passages[int(scored.rows[i])], float(ranking[i]), rank, int(scored.rows[i]),
            float(scored.dense[i]), float(scored.coverage[i]),
            tuple(index.passages[int(scored.rows[j])] for j in twins))
        for rank, (i, twins) in enumerate(groups, 1)
    ]
