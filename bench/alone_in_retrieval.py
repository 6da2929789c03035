"""Would the sentences embedded alone help retrieval too, not only answers? Dev sets only.

    .venv/bin/python bench/alone_in_retrieval.py [--out docs/results/alone-retrieval-dev.json]

Answers rank sentences by a mix of the late-chunked and the alone cosine
(``answer.ALONE_MIX``). Retrieval scores a passage by its best sentence's
late-chunked cosine (``search.best_sentence_scores``). Here the index's
sentence vectors are replaced, in memory, by ``(1 - a) * late + a * alone``
(``renorm``: scaled back to unit length), so retrieval and the no-answer
threshold see the mix (answers mix the alone cosine in once more, as they
ship); a = 0 is the shipped system. Each row is the dev sets' retrieval,
answer_hit and declining. The frozen test splits are not read.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import OBJECTIVE, dev_indexes, objective, retrieval_sets, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

from index.engine import Engine  # noqa: E402
from index.evaluate import evaluate, load_gold  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MIXES = ((0.0, False), (0.25, False), (0.5, False), (0.5, True), (0.75, False))


def main() -> None:
    args = sweep_arguments(__doc__)
    built = dev_indexes(args.work)
    indexes = {"seeds": built.seeds, "kazqad": built.kazqad}
    late = {name: index.sentence_vectors.read_all() for name, index in indexes.items()}
    alone = {name: index.sentences_alone.read_all() for name, index in indexes.items()}
    sets = retrieval_sets(built)
    near = load_gold(ROOT / "tests" / "data" / "dev_nearmiss.jsonl")
    rows = []
    for mix, renorm in MIXES:
        for name, index in indexes.items():
            mixed = (1 - mix) * late[name] + mix * alone[name]
            if renorm:
                mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
            index.sentence_vectors._all = mixed.astype(np.float16).astype(np.float32)  # as a build would store it
        row: dict = {"mix": mix, "renorm": renorm}
        for set_name, (which, gold) in {**sets, "seeds_nearmiss": ("seeds", near)}.items():
            engine = Engine(built.encoder, indexes[which])
            report = evaluate(gold, lambda q, h, e=engine: e.retrieve(q, 10, history=h),
                              answer=lambda q, hits, h, e=engine: e.compose(q, hits[:5], history=h))
            row[set_name] = {k: report.get(k) for k in ("recall@1", "recall@5", "mrr@10", "answer_hit")}
            row[set_name]["unanswerables_declined"] = report["abstention"]["recall"]
            row[set_name]["answerables_declined"] = report["abstention"]["declined_answerable"]
        row["objective"] = objective(row, sets)
        row["mean_answer_hit"] = round(float(np.mean([row[s]["answer_hit"] for s in sets])), 4)
        rows.append(row)
    emit({"objective": OBJECTIVE, "rows": rows}, args.out)


if __name__ == "__main__":
    main()
