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
counts for more than fusion gave it; so do an article whose best passage is
near the question and a passage whose neighbour holds a close sentence (the
fact named in one, stated in the next); and a passage in the question's own
language, or its sister language (Kazakh for Kyrgyz), must earn its place by
its words (e5 still leans to the question's language).

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
# Each feature of a candidate, computed by ``head_features``; scores are taken relative to the best candidate's.
# The fused score itself is not one: its parts (sentence, BM25, latent terms) weigh better apart.
FEATURES = ("sentence", "alone", "coverage", "same_language", "log_rank", "bm25", "latent", "document_best",
            "kin_language", "neighbour_sentence")
KIN = {"kk": "ky", "ky": "kk"}  # Kazakh and Kyrgyz: close enough that e5 and the lexical side treat them as one


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


def _below_best(scores: np.ndarray) -> np.ndarray:
    return scores - scores.max() if len(scores) else scores


def document_best(docs: list[str], cosine: np.ndarray) -> np.ndarray:
    """Per candidate, the best passage cosine its document has among the candidates: an article that answers
    elsewhere too is more likely the one asked about."""
    best: dict[str, float] = {}
    for doc, c in zip(docs, cosine):
        best[doc] = max(best.get(doc, -np.inf), float(c))
    return np.array([best[d] for d in docs], dtype=np.float64)


def neighbour_sentence(index: "LoadedIndex", vector: np.ndarray, rows: np.ndarray, docs: list[str],
                       own: np.ndarray) -> np.ndarray:
    """Per candidate, the best sentence cosine of its adjacent passages in the same document (its own without).

    A fact is often named in one passage and stated in the next; sentence vectors are local in every store.
    """
    from .search import best_sentence_scores

    out = np.array(own, dtype=np.float64)
    total = len(index.passages)
    near = sorted({int(r) + d for r in rows for d in (-1, 1) if 0 <= int(r) + d < total})
    if not near:
        return out
    near_rows = np.array(near, dtype=np.int64)
    best = dict(zip(near, best_sentence_scores(index, vector, near_rows, np.full(len(near), -1.0))))
    doc_of = dict(zip(near, (p.doc_id for p in index.passages.many(near))))
    for j, r in enumerate(rows):
        around = [best[n] for n in (int(r) - 1, int(r) + 1) if doc_of.get(n) == docs[j]]
        if around:
            out[j] = max(around)
    return out


def head_features(index: "LoadedIndex", vector: np.ndarray, scored: "Scored", order: np.ndarray,
                  depth: int, lang: str) -> np.ndarray:
    """One row of ``FEATURES`` for each of the first ``depth`` candidates of ``order`` (positions into ``scored``).

    ``lang`` is the question's language.
    """
    head = order[:depth]
    rows = scored.rows[head]
    docs = [scored.passages[int(i)].doc_id for i in head]
    sentence = np.asarray(scored.sentence[head], dtype=np.float64)
    alone = best_alone(index, vector, rows, sentence)
    cosine = np.asarray(scored.cosine[head], dtype=np.float64)
    top_bm25 = float(scored.bm25.max(initial=0.0)) or 1.0
    latent = scored.latent[head] if scored.latent is not None else np.zeros(len(head))
    kin = KIN.get(lang)
    langs = index.passages.langs(rows)
    return np.column_stack([
        _below_best(sentence), _below_best(alone),
        np.asarray(scored.coverage[head], dtype=np.float64), np.asarray(scored.same_language[head], dtype=np.float64),
        np.log1p(np.arange(len(head), dtype=np.float64)),
        scored.bm25[head] / top_bm25, np.asarray(latent, dtype=np.float64),
        document_best(docs, cosine) - (cosine.max() if len(cosine) else 0.0),
        np.array([kin is not None and pl == kin for pl in langs], dtype=np.float64),
        neighbour_sentence(index, vector, rows, docs, sentence) - (sentence.max() if len(sentence) else 0.0),
    ])


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
