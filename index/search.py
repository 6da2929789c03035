"""From a store's candidates to what fusion ranks: the best-sentence score, languages, and hits.

The store (candidates/: FAISS + bm25s files, or Milvus) proposes rows with
their exact cosine and BM25; what is computed here is the same for every
store, so fusion and answers cannot tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .chunk import Passage
from .candidates.local import lexical_top  # noqa: F401  (tests and benches import it from here)
from .store import LoadedIndex
from .vectors.latent import LatentRows, LatentTerms


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
    latent: np.ndarray | None = None  # latent-term match over the candidates' best (latent_match); None: off
    sentence: np.ndarray | None = None  # the best sentence's cosine alone (``dense`` blends it with the passage's)


def dense_top(index: LoadedIndex, query_vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows and exact cosines of the ``k`` nearest passages of an embedded (FAISS) build."""
    return index.source.dense_top(query_vector, k)


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


def candidates(index: LoadedIndex, query_vector: np.ndarray, query: str, depth: int,
               query_lang: str, sentence_weight: float, terms: LatentTerms | None = None,
               dated: tuple[tuple[str, str], ...] = ()) -> Scored:
    """What the index's store proposes (each retriever's top ``depth``, scored by both), ready for fusion.

    With the question's latent ``terms`` (and a build that has them), each
    candidate also gets its latent-term match (``latent_match``). ``dated``: the
    date ranges of a period the question is scoped by, whose passages are proposed too.
    """
    found = index.source.propose(query_vector, query, query_lang, depth, dated)
    rows = found.rows
    sentence = best_sentence_scores(index, query_vector, rows, found.cosine)
    dense = (found.cosine + sentence_weight * sentence) / (1 + sentence_weight)
    same = np.array([lang == query_lang for lang in index.passages.langs(rows)], dtype=bool)
    latent = None if terms is None or index.latent is None else latent_match(index.latent, rows, terms)
    return Scored(rows, CandidatePassages(index, rows), dense, found.bm25, found.coverage, same, latent, sentence)


def latent_match(latent: LatentRows, rows: np.ndarray, terms: LatentTerms) -> np.ndarray:
    """Each candidate's latent-term dot product with the question over the best of all candidates, in [0, 1]."""
    scores = latent.scores(rows, terms).astype(np.float64)
    top = float(scores.max(initial=0.0))
    return scores / top if top > 0 else scores


def to_hits(scored: Scored, ranking: np.ndarray, groups: list[tuple[int, list[int]]]) -> list[Hit]:
    """Hits in ``groups`` order: each a candidate and the near-duplicates folded into it."""
    return [
        Hit(scored.passages[i], float(ranking[i]), rank, int(scored.rows[i]),
            float(scored.dense[i]), float(scored.coverage[i]),
            tuple(scored.passages[j] for j in twins))
        for rank, (i, twins) in enumerate(groups, 1)
    ]


def interleave(rankings: list[list[Hit]], k: int) -> list[Hit]:
    """Several questions' rankings as one (a message that asks more than one thing, message.py):
    each one's first passage, then each one's second…, a passage once, ranks renumbered."""
    seen: set[str] = set()
    out: list[Hit] = []
    for depth in range(max((len(r) for r in rankings), default=0)):
        for hits in rankings:
            if depth < len(hits) and hits[depth].passage.passage_id not in seen:
                seen.add(hits[depth].passage.passage_id)
                out.append(replace(hits[depth], rank=len(out) + 1))
    return out[:k]
