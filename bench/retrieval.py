"""Seeds gold set: dense, bm25 and hybrid side by side in one run, as JSON.

    .venv/bin/python bench/retrieval.py [--out docs/results/seeds.json]

Builds (or reuses) the index of the seeds, then scores the gold questions
(tests/data/gold.jsonl) and the name/number set (tests/data/names.jsonl) in
each mode with the production engine: recall@1/5/10, MRR@10, recall@5 per
language and on the cross-lingual questions alone, and recall@k for k = 1…20
(for the plot).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from index.build import build_index
from index.engine import Engine
from index.embed import load_embedder
from index.evaluate import evaluate, load_gold
from index.fuse import MODES
from index.settings import load_settings
from index.store import load_index

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from report import emit  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index-dir", type=Path, default=ROOT / "var" / "bench" / "seeds-index")
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    args = parser.parse_args()

    settings = load_settings()
    embedder = load_embedder(settings.embedding_model, settings.model_cache_dir, settings.embed_batch_size)
    build_index(ROOT / "seeds", args.index_dir, embedder)
    engine = Engine(embedder, load_index(args.index_dir, embedder.fingerprint))
    gold = load_gold(ROOT / "tests" / "data" / "gold.jsonl")
    names = load_gold(ROOT / "tests" / "data" / "names.jsonl")
    langs = {d.doc_id: d.lang for d in engine.index.documents}
    cross = [q for q in gold if q.answerable and all(langs[r.doc] != q.lang for r in q.relevant)]

    report: dict = {"benchmark": "seeds-gold", "questions": sum(q.answerable for q in gold),
                    "cross_lingual_questions": len(cross), "name_questions": len(names), "modes": {}}
    for mode in MODES:
        def retrieve(q: str, mode: str = mode) -> list:
            return engine.retrieve(q, 20, mode)

        main_report = evaluate(gold, retrieve, engine.confident, engine.min_score, depth=20)
        report["modes"][mode] = {
            **{k: main_report[k] for k in ("recall@1", "recall@5", "recall@10", "mrr@10")},
            "recall@5_by_lang": {lang: m["recall@5"] for lang, m in main_report["by_lang"].items()},
            "cross_lingual_recall@5": evaluate(cross, retrieve)["recall@5"],
            "names_recall@5": evaluate(names, retrieve)["recall@5"],
            "no_answer_accuracy": main_report.get("no_answer_accuracy"),
            "misses": main_report["misses"],
            "recall_curve": main_report["recall_curve"],
        }
    emit(report, args.out)


if __name__ == "__main__":
    main()
