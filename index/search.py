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


class CandidatePassages:
    """The passages of candidate rows, read from the table only when something needs their text.

    Fusion needs no text; folding near-duplicates and the hits need a dozen or
    so of a few hundred candidates.
    """

    def __init__(self, index: LoadedIndex, rows: np.ndarray) -> None:
        self._table, self._rows, self._read = index.passages, rows, {}

    def prefetch(self, positions: np.ndarray) -> None:
        wanted = [int(i) for i in positions if int(i) not in self._read]
        self._read.update(zip(wanted, self._table.many([int(self._rows[i]) for i in wanted])))

    def __getitem__(self, position: int) -> Passage:
        position = int(position)
        if position not in self._read:
            self._read[position] = self._table[int(self._rows[position])]
        return self._read[position]


@dataclass(frozen=True)
class Scored:
    """Candidate rows with both retrievers' scores, the input of ranking and fusion."""

    rows: np.ndarray
    passages: CandidatePassages  # of ``rows``, by position
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
    """Exact cosines for given rows, from the stored float32 vectors."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.float32)
    return index.passage_vectors.rows(rows) @ np.asarray(query_vector, dtype=np.float32)


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
    rows = np.asarray(rows, dtype=np.int64)
    starts, stops = index.sentence_start[rows], index.sentence_start[rows + 1]
    has = stops > starts
    if has.any():  # one read and one product for all candidates' sentences, then a max per passage
        scores = index.sentence_vectors.spans(starts[has], stops[has]) @ np.asarray(query_vector, dtype=np.float32)
        counts = (stops - starts)[has]
        out[has] = np.maximum.reduceat(scores, np.concatenate([[0], np.cumsum(counts)[:-1]]))
    return out


def candidates(index: LoadedIndex, query_vector: np.ndarray, lexical: LexicalScores, depth: int,
               query_lang: str, sentence_weight: float) -> Scored:
    """The union of each retriever's top ``depth``, scored by both, so fusion sees every strong candidate."""
    dense_rows, _ = dense_top(index, query_vector, depth)
    rows = np.unique(np.concatenate([dense_rows, lexical_top(lexical.bm25, depth)]).astype(np.int64))
    passage = dense_scores_of(index, query_vector, rows)
    sentence = best_sentence_scores(index, query_vector, rows, passage)
    dense = (passage + sentence_weight * sentence) / (1 + sentence_weight)
    same = np.array([lang == query_lang for lang in index.passages.langs(rows)], dtype=bool)
    return Scored(rows, CandidatePassages(index, rows), dense, lexical.bm25[rows].astype(np.float64),
                  lexical.coverage_of(rows), same)


def to_hits(scored: Scored, ranking: np.ndarray, groups: list[tuple[int, list[int]]]) -> list[Hit]:
    """Hits in ``groups`` order: each a candidate and the near-duplicates folded into it."""
    return [
        Hit(scored.passages[i], float(ranking[i]), rank, int(scored.rows[i]),
            float(scored.dense[i]), float(scored.coverage[i]),
            tuple(scored.passages[j] for j in twins))
        for rank, (i, twins) in enumerate(groups, 1)
    ]
