"""Do "hub" passages crowd the top rank? A hubness penalty swept on dev sets only.

    .venv/bin/python bench/hubness_sweep.py [--out docs/results/hubness-dev-sweep.json]

On dev_paraphrase the first passage of the Kazakh interview ranks first for
many Kazakh and Kyrgyz questions it does not answer: it is close to
everything. Cross-lingual word retrieval meets the same "hubs" and corrects
them with CSLS (Conneau et al. 2018): a candidate's score loses its mean
cosine to its own ``k`` nearest neighbours. Here each passage's hubness is
its mean cosine to its ``k`` nearest passages of *other* documents (its own
document's passages are near it by topic, not by being a hub), centred over
the build, and the hybrid ranking loses ``beta`` times it. Scored with the
usual objective on the dev sets (bench/dev_indexes.py); the test splits are
not read.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import OBJECTIVE, dev_indexes, objective, retrieval_sets, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

import index.engine as engine_module  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluate import evaluate  # noqa: E402
from index.store import LoadedIndex  # noqa: E402

NEIGHBOURS = (5, 10, "mean")  # "mean": closeness to the build's mean passage direction (answer.SentenceCentres' form)
BETAS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)
KEYS = ("recall@1", "recall@5", "mrr@10")


def hubness(index: LoadedIndex, k: int | str) -> np.ndarray:
    """Each passage's mean cosine to its ``k`` nearest passages of other documents, minus the build's mean;
    with ``k`` "mean", its cosine with the mean passage direction, minus the build's mean."""
    count = len(index.sentence_start) - 1
    vectors = index.passage_vectors.rows(np.arange(count)).astype(np.float32)
    if k == "mean":
        centre = vectors.mean(axis=0)
        score = vectors @ (centre / np.linalg.norm(centre))
        return score - score.mean()
    cosine = vectors @ vectors.T
    docs = np.array([p.doc_id for p in index.passages.many(list(range(count)))])
    cosine[docs[:, None] == docs[None, :]] = -1.0
    k = min(k, count - 1)
    near = -np.sort(-cosine, axis=1)[:, :k]
    score = near.mean(axis=1)
    return score - score.mean()


@contextmanager
def penalised(hubs: np.ndarray, beta: float) -> Iterator[None]:
    """The engine's ``rank`` with ``beta * hubness`` taken off each candidate (the confidence gate untouched)."""
    base = engine_module.rank
    engine_module.rank = lambda scored, mode, params: base(scored, mode, params) - beta * hubs[scored.rows]
    try:
        yield
    finally:
        engine_module.rank = base


def main() -> None:
    args = sweep_arguments(__doc__)
    built = dev_indexes(args.work)
    sets = retrieval_sets(built)
    indexes = {"seeds": built.seeds, "kazqad": built.kazqad}
    rows = []
    for k in NEIGHBOURS:
        hubs = {name: hubness(index, k) for name, index in indexes.items()}
        for beta in BETAS:
            row: dict = {"neighbours": k, "beta": beta}
            for name, (which, gold) in sets.items():
                engine = Engine(built.encoder, indexes[which])
                with penalised(hubs[which], beta):
                    report = evaluate(gold, lambda q, history=(), e=engine: e.retrieve(q, 10, history=history))
                row[name] = {key: report[key] for key in KEYS}
            row["objective"] = objective(row, sets)
            rows.append(row)
            print(row, file=sys.stderr)
    shipped = next(r for r in rows if r["beta"] == 0.0)
    emit({"objective": OBJECTIVE, "shipped": shipped, "best": max(rows, key=lambda r: r["objective"]),
          "rows": rows}, args.out)


if __name__ == "__main__":
    main()
