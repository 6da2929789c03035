"""Sweep the no-answer threshold (MIN_SCORE) on a gold set and print the result as JSON.

    .venv/bin/python bench/calibrate_threshold.py [--gold tests/data/gold.jsonl]

Uses the index and model named by the settings (INDEX_DIR, EMBEDDING_MODEL).
A question is answered when its top-1 score is >= the threshold; accuracy
counts answered answerable questions and abstained unanswerable ones.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from index.engine import open_engine
from index.evaluate import load_gold
from index.settings import load_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=Path("tests/data/gold.jsonl"))
    args = parser.parse_args()
    settings = load_settings()
    engine = open_engine(settings)
    gold = load_gold(args.gold)
    top = {q.id: engine.retrieve(q.question, 1)[0].score for q in gold}
    answerable = [top[q.id] for q in gold if q.answerable]
    unanswerable = [top[q.id] for q in gold if not q.answerable]
    sweep = []
    for t in np.arange(0.70, 0.90, 0.005):
        correct = sum(s >= t for s in answerable) + sum(s < t for s in unanswerable)
        sweep.append({"threshold": round(float(t), 3), "accuracy": round(correct / len(gold), 4),
                      "abstained_on_answerable": int(sum(s < t for s in answerable)),
                      "answered_unanswerable": int(sum(s >= t for s in unanswerable))})
    best = max(sweep, key=lambda r: (r["accuracy"], -r["answered_unanswerable"]))
    print(json.dumps({
        "model": engine.index.manifest["model_id"],
        "answerable_top1": {"min": round(min(answerable), 4), "p10": round(float(np.percentile(answerable, 10)), 4),
                            "median": round(float(np.median(answerable)), 4)},
        "unanswerable_top1": {"max": round(max(unanswerable), 4), "median": round(float(np.median(unanswerable)), 4)},
        "best": best,
        "in_use": engine.min_score,
        "sweep": sweep,
    }, indent=2))


if __name__ == "__main__":
    main()
