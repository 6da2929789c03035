"""The embedded store: a FAISS index proposes dense candidates, bm25s lexical ones, both from the build folder.

Whatever proposes a candidate, every candidate is scored exactly by both: its
cosine from the stored float32 vectors, its BM25 from the lexical index. An
approximate FAISS index (ann.py) therefore changes which passages are looked
at, never how they are scored or fused.
"""

from __future__ import annotations

import faiss
import numpy as np

from .. import ann
from ..lexical import LexicalIndex
from ..row_file import RowFile
from . import Proposal


class LocalCandidates:
    kind = "faiss"

    def __init__(self, vectors: faiss.Index, passage_vectors: RowFile, lexical: LexicalIndex,
                 spec: ann.AnnSpec) -> None:
        self.vectors, self.passage_vectors, self.lexical, self.spec = vectors, passage_vectors, lexical, spec

    def propose(self, query_vector: np.ndarray, query: str, lang: str, depth: int) -> Proposal:
        """The union of each retriever's top ``depth``, scored by both."""
        lexical = self.lexical.score(query, lang)
        dense_rows, _ = self.dense_top(query_vector, depth)
        rows = np.unique(np.concatenate([dense_rows, lexical_top(lexical.bm25, depth)]).astype(np.int64))
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

    def dense_scores_of(self, query_vector: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Exact cosines for given rows, from the stored float32 vectors."""
        if len(rows) == 0:
            return np.zeros(0, dtype=np.float32)
        return self.passage_vectors.rows(rows) @ np.asarray(query_vector, dtype=np.float32)


def lexical_top(bm25: np.ndarray, k: int) -> np.ndarray:
    """Rows of the ``k`` best BM25 scores above zero, best first; linear in the corpus, not n log n."""
    nonzero = np.flatnonzero(bm25 > 0)
    if len(nonzero) > k:  # the same rows a stable full sort would keep, ties going to the lower row
        kth = np.partition(bm25[nonzero], len(nonzero) - k)[len(nonzero) - k]
        above = nonzero[bm25[nonzero] > kth]
        nonzero = np.concatenate([above, nonzero[bm25[nonzero] == kth][:k - len(above)]])
    return nonzero[np.lexsort((nonzero, -bm25[nonzero]))]
