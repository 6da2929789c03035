"""Is Kyrgyz the weakest language because of how e5 reads Kyrgyz? The same dev questions in Kazakh and Russian.

    .venv/bin/python bench/kyrgyz_translated.py [--out docs/results/kyrgyz-translated-dev.json]

Kyrgyz questions rank worst of the four languages on every seeds split. If the
encoder read Kazakh, its close neighbour with more text behind it, better than
Kyrgyz, a Kyrgyz question rewritten into Kazakh (which rules of sound and
suffix correspondence could approximate) would retrieve better. Each Kyrgyz
answerable question of gold.jsonl and dev_paraphrase.jsonl is asked as written
and in hand-made Kazakh and Russian translations (``bench/data/kyrgyz_dev_translated.json``),
the product as shipped, the same gold passages. Dev questions only.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import ROOT, answered, dev_indexes, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

from index.engine import Engine  # noqa: E402
from index.evaluate import load_gold  # noqa: E402

TRANSLATIONS = Path(__file__).resolve().parent / "data" / "kyrgyz_dev_translated.json"
SETS = ("gold", "dev_paraphrase")


def main() -> None:
    args = sweep_arguments(__doc__)
    built = dev_indexes(args.work)
    engine = Engine(built.encoder, built.seeds)
    translated = json.loads(TRANSLATIONS.read_text(encoding="utf-8"))
    gold = {name: [q for q in load_gold(ROOT / "tests" / "data" / f"{name}.jsonl") if q.lang == "ky" and q.answerable]
            for name in SETS}
    report: dict = {"benchmark": "kyrgyz_translated", "questions": {n: len(g) for n, g in gold.items()}}
    for form in ("ky", "kk", "ru"):
        row = {}
        for name, questions in gold.items():
            asked = questions if form == "ky" else [replace(q, question=translated[form][q.id]) for q in questions]
            row[name] = answered(engine, asked)
        report["as written" if form == "ky" else f"in {form}"] = row
    emit(report, args.out)


if __name__ == "__main__":
    main()
