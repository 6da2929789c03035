"""Choose the name-match threshold of the near-miss check on the dev questions only.

    .venv/bin/python bench/abstention.py [--out docs/results/abstention-dev.json]

For each threshold: the share of dev answerable questions the check would
decline (must stay small) and of dev near-miss questions it would catch.
The dev questions are tests/data/gold.jsonl, names.jsonl and
dev_nearmiss.jsonl; the frozen test split (tests/data/test.jsonl) is never
read here, so the threshold it picks can be reported on that split honestly.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import seeds_engine  # noqa: E402
from report import emit  # noqa: E402

from index.evaluate import load_gold  # noqa: E402
from index.evidence import weigh  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEV = [ROOT / "tests" / "data" / name for name in ("gold.jsonl", "names.jsonl", "dev_nearmiss.jsonl")]
THRESHOLDS = [0.84, 0.85, 0.86, 0.865, 0.87, 0.875, 0.88, 0.89, 0.9, 1.01]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    engine = seeds_engine()
    gold = [q for path in DEV for q in load_gold(path)]
    confident = {}
    retrieved = {}
    for q in gold:
        hits = engine.retrieve(q.question, 5)
        retrieved[q.id] = hits
        confident[q.id] = engine.confident(hits)
    rows = []
    for threshold in THRESHOLDS:
        declined = {q.id: (not confident[q.id]) or bool(
            weigh(q.question, retrieved[q.id], engine.index, engine.embedder.encode_queries, threshold,
                  engine.word_kind).missing)
            for q in gold}
        answerable = [q for q in gold if q.answerable]
        near = [q for q in gold if not q.answerable and q.id.startswith("d-")]
        generic = [q for q in gold if not q.answerable and not q.id.startswith("d-")]
        rows.append({
            "name_match": threshold,
            "declined_answerable": round(sum(declined[q.id] for q in answerable) / len(answerable), 4),
            "declined_near_miss": round(sum(declined[q.id] for q in near) / len(near), 4),
            "declined_generic": round(sum(declined[q.id] for q in generic) / len(generic), 4),
            "declined_answerable_ids": [q.id for q in answerable if declined[q.id]],
        })
    emit({"dev_questions": len(gold), "sweep": rows}, args.out)


if __name__ == "__main__":
    main()
