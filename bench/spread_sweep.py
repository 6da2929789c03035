"""How much should a further passage of an already-cited document pay? A sweep on dev sets only.

    .venv/bin/python bench/spread_sweep.py [--out docs/results/spread-dev-sweep.json]

``FusionParams.document_penalty`` (index/fuse.py, ``spread_documents``) is
chosen here, on the dev questions alone: the seeds' gold.jsonl + names.jsonl,
dev_paraphrase.jsonl (written from the documents' side, in other words than
the passages use), followups_dev.jsonl, and KazQAD's dev half. The frozen
test splits (test.jsonl, followups_test.jsonl, KazQAD's test half) are not
read. The value kept is the one with the best mean of recall@5 and MRR@10
over the four retrieval sets, each set weighing the same.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import OBJECTIVE, dev_indexes, objective, retrieval_sets, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

from index.engine import Engine  # noqa: E402
from index.evaluate import evaluate  # noqa: E402
from index.fuse import FusionParams  # noqa: E402

PENALTIES = (0.0, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03)
KEYS = ("n", "recall@1", "recall@5", "recall@10", "mrr@10", "answer_hit")


def main() -> None:
    args = sweep_arguments(__doc__)
    built = dev_indexes(args.work)
    encoder, indexes = built.encoder, {"kazqad": built.kazqad, "seeds": built.seeds}
    sets = retrieval_sets(built)
    rows = []
    for penalty in PENALTIES:
        fusion = dataclasses.replace(FusionParams(), document_penalty=penalty)
        row: dict = {"document_penalty": penalty}
        for name, (which, gold) in sets.items():
            engine = Engine(encoder, indexes[which], fusion=fusion)
            answer = None if which == "kazqad" else (
                lambda q, hits, history=(), engine=engine: engine.compose(q, hits[:5], history=history))
            report = evaluate(gold, lambda q, history=(), engine=engine: engine.retrieve(q, 10, history=history),
                              engine.confident, engine.min_score, answer=answer)
            row[name] = {k: report.get(k) for k in KEYS if report.get(k) is not None}
        row["objective"] = objective(row, sets)
        rows.append(row)
        print(row, file=sys.stderr)
    best = max(rows, key=lambda r: (r["objective"], -r["document_penalty"]))
    emit({"sets": {n: len(g) for n, (_, g) in sets.items()}, "objective": OBJECTIVE,
          "chosen": best["document_penalty"], "rows": rows}, args.out)


if __name__ == "__main__":
    main()
