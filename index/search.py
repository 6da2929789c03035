"""Dense retrieval over the FAISS index."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .chunk import Passage
from .store import LoadedIndex


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float
    rank: int  # 1-based


def dense_search(index: LoadedIndex, query_vector: np.ndarray, k: int) -> list[Hit]:
    """Top ``k`` passages by inner product (cosine: both sides are normalised)."""
    k = min(k, index.vectors.ntotal)
    if k <= 0:
        return []
    scores, rows = index.vectors.search(np.asarray(query_vector, dtype=np.float32).reshape(1, -1), k)
    return [
        Hit(index.passages[row], float(score), rank)
        for rank, (score, row) in enumerate(zip(scores[0], rows[0]), 1)
        if row >= 0
    ]
