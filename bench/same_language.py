"""What the learned ranker's same-language weight does to questions whose answer is in their own language. Dev only.

    .venv/bin/python bench/same_language.py [--out docs/results/same-language-dev.json]

The ranker (index/data/ranker.json) pays -2.61 x "written in the question's language":
e5 puts a passage in the question's language nearer than its meaning alone would, and the
dev sets it was fit on are mostly cross-lingual (the issue asked two thirds of the test
split to be). A newsroom's users may ask mostly about articles in their own language. This
splits the standalone answerables (no history) of every seeds dev set bench/dev_answers.py
answers (``SEEDS_SETS``; the frozen test splits are not among them) by whether a gold document is in the question's language, and scores
retrieval with the shipped weight and with that one weight at zero. ``break_even_share``
is the share of same-language questions above which the weight costs MRR on the whole.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_answers import SEEDS_SETS  # noqa: E402
from dev_indexes import seeds_engine  # noqa: E402
from report import emit  # noqa: E402

from index.engine import Engine  # noqa: E402
from index.evaluate import _metrics, first_hit_rank, load_gold  # noqa: E402
from index.rerank import FEATURES  # noqa: E402

DATA = ROOT / "tests" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index-dir", type=Path, default=ROOT / "var" / "bench" / "seeds-index",
                        help="the seeds' index, built or brought up to date first")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    shipped = seeds_engine(args.index_dir)
    encoder, index = shipped.embedder, shipped.index
    doc_langs: dict[str, set[str]] = {}
    for passage in index.passages:
        doc_langs.setdefault(passage.doc_id, set()).add(passage.lang)
    questions = [q for name in SEEDS_SETS for q in load_gold(DATA / f"{name}.jsonl") if q.answerable and not q.history]
    ranker = shipped.fusion.ranker
    at = list(FEATURES).index("same_language")
    weights = {"shipped": ranker.weights[at], "zero": 0.0}
    report: dict = {"benchmark": "same_language", "dev_sets": "every seeds dev set, standalone answerables",
                    "same_language_weight": weights}
    for label, weight in weights.items():
        engine = Engine(encoder, index)
        engine.fusion = replace(engine.fusion, ranker=replace(
            ranker, weights=tuple(weight if i == at else w for i, w in enumerate(ranker.weights))))
        groups: dict[str, list[int | None]] = {"same_language": [], "cross_lingual": []}
        for q in questions:
            own = any(q.lang in doc_langs.get(r.doc, set()) for r in q.relevant)
            groups["same_language" if own else "cross_lingual"].append(
                first_hit_rank(engine.retrieve(q.question, 10), q.relevant))
        report[label] = {name: _metrics(ranks) for name, ranks in groups.items()}
    same, cross = (report["zero"][g]["mrr@10"] - report["shipped"][g]["mrr@10"]
                   for g in ("same_language", "cross_lingual"))
    # shipped beats zero on the whole while share·same < (1 − share)·(−cross), cross being negative
    report["break_even_share"] = round(-cross / (same - cross), 3) if same - cross else None
    emit(report, args.out)


if __name__ == "__main__":
    main()
