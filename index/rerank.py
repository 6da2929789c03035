"""The fused head re-ordered by a linear ranker learned from the dev questions (hybrid mode).

Fusion (fuse.py) adds hand-weighted evidence to the dense cosine, each weight
chosen by a one-dimensional sweep. Its recall@10 sits far above its
recall@1: the passage that answers is usually among the first ten, behind
neighbours whose cosines differ in the third decimal. Which of the signals
the index already holds tells them apart is learned instead, pairwise (a
relevant candidate against a non-relevant one of the same question, logistic
loss) on the dev question sets, and checked on a set held out of the fit
(bench/learned_ranking.py, docs/benchmarks.md). What it learned, in words: a
sentence that matches the question on its own as well as in its passage
counts for more than fusion gave it, and a passage in the question's own
language must earn its place by its words (e5 still leans to the question's
language).

The weights live in ``data/ranker.json``, written by the bench; a ranker
whose file is missing or damaged is not used (retrieval stays fused).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .search import Scored
    from .store import LoadedIndex

RANKER_FILE = Path(__file__).with_name("data") / "ranker.json"
# Each feature of a candidate, computed by ``feature_table``; scores are taken relative to the best candidate's.
FEATURES = ("fused", "sentence", "alone", "coverage", "same_language", "log_rank")


@dataclass(frozen=True)
class Ranker:
    weights: tuple[float, ...]  # one per FEATURES entry
    depth: int = 30  # how many of the fused head it re-orders

    def score(self, table: np.ndarray) -> np.ndarray:
        return table @ np.asarray(self.weights, dtype=np.float64)

    def to_dict(self) -> dict:
        return {"features": list(FEATURES), "weights": [round(float(w), 6) for w in self.weights],
                "depth": self.depth}

    @classmethod
    def from_dict(cls, spec: dict) -> "Ranker":
        if list(spec["features"]) != list(FEATURES):
            raise ValueError(f"features {spec['features']} are not {list(FEATURES)}")
        weights = tuple(float(w) for w in spec["weights"])
        if len(weights) != len(FEATURES) or not all(np.isfinite(weights)):
            raise ValueError("one finite weight per feature is needed")
        return cls(weights, int(spec.get("depth", 30)))


def load_ranker(path: Path = RANKER_FILE) -> Ranker | None:
    """The shipped ranker, or None when its file is missing or damaged (retrieval then stays fused)."""
    try:
        return Ranker.from_dict(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def best_alone(index: "LoadedIndex", vector: np.ndarray, rows: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Per row, the cosine of its closest sentence embedded alone; ``fallback`` where the build has none."""
    out = np.array(fallback, dtype=np.float64)
    if index.sentences_alone is None or len(rows) == 0:
        return out
    rows = np.asarray(rows, dtype=np.int64)
    starts, stops = index.sentence_start[rows], index.sentence_start[rows + 1]
    has = stops > starts
    if has.any():
        scores = index.sentences_alone.spans(starts[has], stops[has]) @ np.asarray(vector, dtype=np.float32)
        counts = (stops - starts)[has]
        out[has] = np.maximum.reduceat(scores, np.concatenate([[0], np.cumsum(counts)[:-1]]))
    return out


def feature_table(index: "LoadedIndex", vector: np.ndarray, rows: np.ndarray, fused: np.ndarray,
                  sentence: np.ndarray, coverage: np.ndarray, same_language: np.ndarray) -> np.ndarray:
    """One row of ``FEATURES`` per candidate, given in fused order (best first)."""
    fused = np.asarray(fused, dtype=np.float64)
    sentence = np.asarray(sentence, dtype=np.float64)
    alone = best_alone(index, vector, rows, sentence)
    return np.column_stack([
        _below_best(fused), _below_best(sentence), _below_best(alone),
        np.asarray(coverage, dtype=np.float64), np.asarray(same_language, dtype=np.float64),
        np.log1p(np.arange(len(fused), dtype=np.float64)),
    ])


def _below_best(scores: np.ndarray) -> np.ndarray:
    return scores - scores.max() if len(scores) else scores


def head_features(index: "LoadedIndex", vector: np.ndarray, scored: "Scored", order: np.ndarray,
                  ranking: np.ndarray, depth: int) -> np.ndarray:
    """The feature table of the first ``depth`` candidates of ``order`` (positions into ``scored``)."""
    head = order[:depth]
    return feature_table(index, vector, scored.rows[head], ranking[head], scored.sentence[head],
                         scored.coverage[head], scored.same_language[head])


def reorder(ranker: Ranker, order: np.ndarray, ranking: np.ndarray,
            table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``order`` with its head (the table's rows) re-ordered by the ranker, and the ranking with its scores.

    Candidates past the head keep their order and get scores below the head's,
    so the scores still fall with the rank.
    """
    head = len(table)
    if head < 2:
        return order, ranking
    scores = ranker.score(table)
    new = np.argsort(-scores, kind="stable")
    ranked = np.array(ranking, dtype=np.float64)
    tail = order[head:]
    ranked[tail] = scores.min() - (ranked[order[head - 1]] - ranked[tail])
    ranked[order[:head]] = scores
    return np.concatenate([order[:head][new], tail]), ranked
