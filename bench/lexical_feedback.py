"""Would lexical pseudo-relevance feedback lift the passages the top ones neighbour? A sweep on dev sets only.

    .venv/bin/python bench/lexical_feedback.py [--work DIR] [--out docs/results/lexical-feedback-dev.json]

RM3 in its simplest form, on the hybrid ranking: the tokens of the top ``m``
fused candidates that the question lacks, weighted by their IDF summed over
those passages; the best ``t`` of them scored by BM25 over every candidate; and
``beta`` times that score (over its maximum) added to the fused score, before
spreading and the learned ranker. A feedback passage that dense retrieval found
across languages would lift the passages of its own language sharing its words.
Scored on the four sets every retrieval sweep scores (dev_indexes.retrieval_sets);
the test splits are not read. Not shipped: no setting beats the product by more
than a question or two (docs/benchmarks.md §1).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import index.engine as engine_module  # noqa: E402
from dev_indexes import OBJECTIVE, dev_indexes, objective, retrieval_sets, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

from index.engine import Engine  # noqa: E402
from index.evaluate import evaluate  # noqa: E402
from index.fuse import FusionParams, Mode, rank  # noqa: E402
from index.search import Scored  # noqa: E402
from index.store import LoadedIndex  # noqa: E402

GRID = [(0, 0, 0.0)] + [(m, t, beta) for m in (2, 3) for t in (5, 10, 20) for beta in (0.01, 0.02, 0.04)]
KEYS = ("recall@1", "recall@5", "recall@10", "mrr@10")


def with_feedback(index: LoadedIndex, question_tokens: Callable[[], set[str]], m: int, t: int, beta: float):
    """``rank`` plus the feedback term, for one index; ``question_tokens`` gives the current question's tokens."""
    lexical = index.lexical
    vocab = lexical.retriever.vocab_dict

    def ranked(scored: Scored, mode: Mode, params: FusionParams = FusionParams()) -> np.ndarray:
        fused = rank(scored, mode, params)
        if mode != "hybrid" or not beta or len(fused) == 0:
            return fused
        asked = question_tokens()
        weight: dict[str, float] = {}
        for i in np.argsort(-fused, kind="stable")[:m]:
            for token in lexical.analyzer.token_set(scored.passages[i].text):
                if token not in asked and token in vocab:
                    weight[token] = weight.get(token, 0.0) + float(lexical.idf[vocab[token]])
        terms = sorted(weight, key=lambda token: -weight[token])[:t]
        if not terms:
            return fused
        bm25 = np.asarray(lexical.retriever.get_scores_from_ids([vocab[w] for w in terms]), dtype=np.float64)
        feedback = bm25[scored.rows]
        top = feedback.max()
        return fused + beta * feedback / top if top > 0 else fused

    return ranked


def main() -> None:
    args = sweep_arguments(__doc__)
    built = dev_indexes(args.work)
    indexes = {"kazqad": built.kazqad, "seeds": built.seeds}
    sets = retrieval_sets(built)
    rows = []
    for m, t, beta in GRID:
        row: dict = {"feedback_passages": m, "terms": t, "beta": beta}
        for name, (which, gold) in sets.items():
            engine = Engine(built.encoder, indexes[which])
            asked: set[str] = set()
            engine_module.rank = with_feedback(indexes[which], lambda: asked, m, t, beta)

            def retrieve(question: str, history=(), engine=engine, asked=asked):
                asked.clear()
                asked.update(engine.index.lexical.analyzer.tokens(question))
                return engine.retrieve(question, 10, history=history)

            report = evaluate(gold, retrieve, engine.confident, engine.min_score)
            row[name] = {k: report.get(k) for k in KEYS}
        row["objective"] = objective(row, sets)
        rows.append(row)
        print(row, file=sys.stderr)
    engine_module.rank = rank
    emit({"sets": {n: len(g) for n, (_, g) in sets.items()}, "objective": OBJECTIVE, "without": rows[0]["objective"],
          "best": max(rows, key=lambda r: r["objective"]), "rows": rows}, args.out)


if __name__ == "__main__":
    main()
