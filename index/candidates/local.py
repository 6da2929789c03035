"""The embedded store: a FAISS index proposes dense candidates, bm25s lexical ones, both from the build folder.

Whatever proposes a candidate, every candidate is scored exactly by both: its
cosine from the stored float32 vectors, its BM25 from the lexical index. An
approximate FAISS index (ann.py) therefore changes which passages are looked
at, never how they are scored or fused.
"""

from __future__ import annotations

from typing import Callable

import faiss
import numpy as np

from .. import ann
from ..lexical import LexicalIndex
from ..recent import RecentVectors
from ..row_file import RowFile
from . import Proposal

# A period's passages are scored exactly from their stored vectors up to this many (a read per row: 6,668 rows
# cost 20 ms of a question at 100,000 passages); beyond, the FAISS index searches with only them selected.
EXACT_AMONG = 2_000
SELECTORS_REMEMBERED = 4


class LocalCandidates:
    kind = "faiss"

    def __init__(self, vectors: faiss.Index, passage_vectors: RowFile, lexical: LexicalIndex,
                 spec: ann.AnnSpec, rows_dated: Callable[[tuple[tuple[str, str], ...]], np.ndarray] | None = None,
                 ) -> None:
        self.vectors, self.passage_vectors, self.lexical, self.spec = vectors, passage_vectors, lexical, spec
        self.rows_dated = rows_dated  # the passage table's lookup of a period's rows; None: no period proposals
        # A period's rows as FAISS selects them: a hash of the rows, built once a period (tens of ms for a third of a
        # million rows).
        self._selectors: RecentVectors[tuple[tuple[str, str], ...], faiss.IDSelector] = RecentVectors(
            SELECTORS_REMEMBERED)

    def propose(self, query_vector: np.ndarray, query: str, lang: str, depth: int,
                dated: tuple[tuple[str, str], ...] = ()) -> Proposal:
        """The union of each retriever's top ``depth`` (and of their top ``depth`` among ``dated``), scored by both."""
        lexical = self.lexical.score(query, lang)
        dense_rows, _ = self.dense_top(query_vector, depth)
        proposed = [dense_rows, lexical_top(lexical.bm25, depth)]
        allowed = self.rows_dated(dated) if dated and self.rows_dated is not None else np.zeros(0, np.int64)
        if len(allowed):
            proposed += [self.dense_top_among(query_vector, depth, allowed, dated),
                         lexical_top_among(lexical.bm25, depth, allowed)]
        rows = np.unique(np.concatenate(proposed).astype(np.int64))
        return Proposal(rows, self.dense_scores_of(query_vector, rows), lexical.bm25[rows].astype(np.float64),
                        lexical.coverage_of(rows))

    def dense_top(self, query_vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows and exact cosines of the ``k`` nearest passages (inner product of unit vectors).

        An approximate index is asked for more rows than ``k`` and they are re-ranked
        by their exact cosine, which recovers most of what its coarse codes misorder.
        """
        wanted = min(ann.candidates_wanted(self.spec, k), self.vectors.ntotal)
        if wanted <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores, rows = self.vectors.search(np.asarray(query_vector, dtype=np.float32).reshape(1, -1), wanted)
        rows = rows[0][rows[0] >= 0]
        if self.spec.kind == "flat":
            return rows, scores[0][:len(rows)]
        exact = self.dense_scores_of(query_vector, rows)
        top = np.argsort(-exact, kind="stable")[:k]
        return rows[top], exact[top]

    def dense_top_among(self, query_vector: np.ndarray, k: int, allowed: np.ndarray,
                        dated: tuple[tuple[str, str], ...] = ()) -> np.ndarray:
        """Rows of the ``k`` nearest passages among ``allowed`` rows (those of the period ``dated``): exact over their
        stored vectors when they are few, else the FAISS index searched with only them selected (an approximate
        index's recall, as always)."""
        if len(allowed) <= EXACT_AMONG:
            scores = self.dense_scores_of(query_vector, allowed)
            return allowed[np.argsort(-scores, kind="stable")[:k]]
        selector = self._selectors.get([dated], lambda _: [
            faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))])[0]
        if self.spec.kind == "ivf":
            params = faiss.SearchParametersIVF(sel=selector, nprobe=self.spec.nprobe)
        elif self.spec.kind == "hnsw":
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=self.spec.ef_search)
        else:
            params = faiss.SearchParameters(sel=selector)
        _, rows = self.vectors.search(np.asarray(query_vector, dtype=np.float32).reshape(1, -1),
                                      min(k, len(allowed)), params=params)
        return rows[0][rows[0] >= 0]

    def dense_scores_of(self, query_vector: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Exact cosines for given rows, from the stored float32 vectors."""
        if len(rows) == 0:
            return np.zeros(0, dtype=np.float32)
        return self.passage_vectors.rows(rows) @ np.asarray(query_vector, dtype=np.float32)


def lexical_top_among(bm25: np.ndarray, k: int, allowed: np.ndarray) -> np.ndarray:
    """Rows of the ``k`` best BM25 scores above zero among ``allowed`` rows."""
    return allowed[lexical_top(bm25[allowed], k)]


def lexical_top(bm25: np.ndarray, k: int) -> np.ndarray:
    """Rows of the ``k`` best BM25 scores above zero, best first; linear in the corpus, not n log n."""
    nonzero = np.flatnonzero(bm25 > 0)
    if len(nonzero) > k:  # the same rows a stable full sort would keep, ties going to the lower row
        kth = np.partition(bm25[nonzero], len(nonzero) - k)[len(nonzero) - k]
        above = nonzero[bm25[nonzero] > kth]
        nonzero = np.concatenate([above, nonzero[bm25[nonzero] == kth][:k - len(above)]])
    return nonzero[np.lexsort((nonzero, -bm25[nonzero]))]
