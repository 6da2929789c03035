"""Are passages of about 60 words (at most 100) the right size? A sweep on dev sets only.

    .venv/bin/python bench/chunking_sweep.py [--out docs/results/chunking-dev-sweep.json]

The passage size (index/chunk.py: ``TARGET_WORDS``, ``MAX_WORDS``,
``MIN_WORDS``) was set by the first build and never measured against the
system as it now ranks (late-chunked sentences, latent terms, the learned
ranker). Each size here gets its own seeds and KazQAD pool index, built from
scratch, and is scored on the dev sets every retrieval sweep uses (gold.jsonl +
names.jsonl, dev_paraphrase, followups_dev, KazQAD's dev half) with the same
objective, plus answer_hit on each. No test split is read. The learned ranker's
weights stay as fitted on today's size, which favours it: another size has to
win without a refit.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import OBJECTIVE, dev_indexes, objective, retrieval_sets, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

import index.build  # noqa: E402
from index.chunk import MAX_WORDS, MIN_WORDS, TARGET_WORDS, chunk_corpus  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluate import evaluate  # noqa: E402

SIZES = ((TARGET_WORDS, MAX_WORDS, MIN_WORDS), (30, 55, 15), (45, 75, 20), (90, 140, 35))
KEYS = ("n", "recall@1", "recall@5", "recall@10", "mrr@10", "answer_hit")


def score(built, sets: dict) -> dict:
    """Every dev set on one pair of indexes, answers composed as ``ask`` composes them."""
    indexes = {"kazqad": built.kazqad, "seeds": built.seeds}
    row: dict = {"passages": {name: len(i.passages) for name, i in indexes.items()}}
    for name, (which, gold) in sets.items():
        engine = Engine(built.encoder, indexes[which])
        report = evaluate(gold, lambda q, history=(), engine=engine: engine.retrieve(q, 10, history=history),
                          engine.confident, engine.min_score,
                          answer=lambda q, hits, history=(), engine=engine: engine.compose(q, hits[:5],
                                                                                             history=history))
        row[name] = {k: report.get(k) for k in KEYS if report.get(k) is not None}
    row["objective"] = objective(row, sets)
    return row


def main() -> None:
    args = sweep_arguments(__doc__)
    rows = []
    for target, most, least in SIZES:
        index.build.chunk_corpus = functools.partial(chunk_corpus, target_words=target, max_words=most,
                                                     min_words=least)
        built = dev_indexes(args.work / f"words-{target}-{most}-{least}")
        row = {"target_words": target, "max_words": most, "min_words": least, **score(built, retrieval_sets(built))}
        rows.append(row)
        print(row, file=sys.stderr, flush=True)
    emit({"objective": OBJECTIVE, "shipped": list(SIZES[0]), "rows": rows}, args.out)


if __name__ == "__main__":
    main()
