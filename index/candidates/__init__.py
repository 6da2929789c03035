"""Candidates: the step of the walk where a store proposes passages and scores them both ways.

Whatever holds the vectors (FAISS and bm25s files in the build folder, or a
Milvus collection), it answers one question: for this query vector and these
query terms, which passages are worth fusing, with their exact cosine, their
BM25 and the share of the query's IDF mass they contain. Fusion, folding of
near-duplicates, answers and abstention run on that ``Proposal`` and never
know which store made it, so both stores give the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class QueryTerms:
    """The analysed lexical query: its distinct tokens with their IDF, unknown tokens included in the total."""

    idf: dict[str, float]  # known tokens only (the corpus has them)
    total_idf: float  # all distinct tokens, an unknown one at the highest IDF


@dataclass(frozen=True)
class Proposal:
    """Candidate rows of the build (ascending) and their scores from both retrievers."""

    rows: np.ndarray  # int64
    cosine: np.ndarray  # float32, exact passage cosine with the query vector
    bm25: np.ndarray  # float64
    coverage: np.ndarray  # float64, in [0, 1]

    @classmethod
    def empty(cls) -> "Proposal":
        return cls(np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0), np.zeros(0))


class CandidateSource(Protocol):
    """What a store must do for retrieval; ``depth`` is each retriever's share of the candidates."""

    kind: str

    def propose(self, query_vector: np.ndarray, query: str, lang: str, depth: int,
                dated: tuple[tuple[str, str], ...] = ()) -> Proposal:
        """``dated``: date ranges a question is scoped by (period.py); each retriever's top ``depth`` among the
        passages of documents dated within them is proposed too, so that a large archive's other years cannot
        crowd that period's passages out of the candidates."""
