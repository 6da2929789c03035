"""Seeds: dense, bm25 and hybrid side by side in one run, on the dev and the frozen test split, as JSON.

    .venv/bin/python bench/retrieval.py [--out docs/results/seeds.json]

Builds (or reuses) the index of the seeds, then scores with the production
engine (ONNX question encoder, as ``ask`` and the bot use it):

* ``splits``: the dev split (tests/data/gold.jsonl, on which every setting
  was chosen, plus the dev near misses), the second dev set
  (tests/data/dev_paraphrase.jsonl, written from the documents' side like the
  test split, tuned on since 4e16675), the dev set of translated and absent
  key terms (tests/data/dev_terms.jsonl, for the near-miss check; dev_terms2.jsonl, a second one
  written later to decide between two forms of the check), the dev set of topical
  questions ("What happened in Bishkek?", tests/data/dev_topics.jsonl), the dev set of "who is X?"
  questions (tests/data/dev_entities.jsonl) and the frozen test split
  (tests/data/test.jsonl, written before any output was seen, never tuned
  on): retrieval, ``answer_hit`` and declining, per language, in each mode;
* ``modes``: the dev gold set as before (recall@5 per language, cross-lingual,
  names, recall@k for k = 1…20 for the plot).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from index.build import build_index
from index.engine import Engine
from index.embed import load_embedder, load_query_encoder
from index.evaluate import evaluate, load_gold
from index.fuse import MODES
from index.settings import load_settings
from index.store import load_index

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from report import emit  # noqa: E402


KEYS = ("n", "recall@1", "recall@5", "recall@10", "mrr@10", "answer_hit", "answer_lead_hit")


def split_report(engine: Engine, gold: list, langs: dict[str, str]) -> dict:
    """Every mode on one split: retrieval and answer metrics overall, per language, cross-lingual, declining."""
    cross = [q for q in gold if q.answerable and all(langs[r.doc] != q.lang for r in q.relevant)]
    out: dict = {"questions": len(gold), "answerable": sum(q.answerable for q in gold),
                 "cross_lingual": len(cross), "unanswerable": sum(not q.answerable for q in gold)}
    for mode in MODES:
        def retrieve(q: str, history: tuple = (), mode: str = mode) -> list:
            return engine.retrieve(q, 10, mode, history=history)

        def answer(q: str, hits: list, history: tuple = ()) -> object:
            return engine.compose(q, hits[:5], history=history)

        full = evaluate(gold, retrieve, engine.confident, engine.min_score, answer=answer)
        out[mode] = {
            **{k: full.get(k) for k in KEYS},
            "by_lang": {lang: {k: m.get(k) for k in KEYS} for lang, m in full["by_lang"].items()},
            "by_kind": {kind: {k: m.get(k) for k in KEYS} for kind, m in full.get("by_kind", {}).items()},
            "cross_lingual": {k: v for k, v in evaluate(cross, retrieve, answer=answer).items() if k in KEYS},
            "abstention": {k: v for k, v in full["abstention"].items() if not k.endswith("_ids")},
            "ci95": full["ci95"],  # bootstrap over the questions (index/evaluate.py intervals)
            "latency_ms": full["latency_ms"],
            "recall_curve": evaluate(gold, lambda q, history=(), mode=mode: engine.retrieve(q, 20, mode, history=history),
                                     depth=20)["recall_curve"],  # recall@1..20, for the plot
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index-dir", type=Path, default=ROOT / "var" / "bench" / "seeds-index")
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    args = parser.parse_args()

    settings = load_settings()
    embedder = load_embedder(settings.embedding_model, settings.model_cache_dir, settings.embed_batch_size)
    build_index(ROOT / "seeds", args.index_dir, embedder)
    encoder = load_query_encoder(settings.embedding_model, settings.model_cache_dir)
    engine = Engine(encoder, load_index(args.index_dir, encoder.fingerprint))
    data = ROOT / "tests" / "data"
    splits = {"dev": load_gold(data / "gold.jsonl") + load_gold(data / "dev_nearmiss.jsonl"),
              "dev_paraphrase": load_gold(data / "dev_paraphrase.jsonl"),
              "dev_terms": load_gold(data / "dev_terms.jsonl"),
              "dev_terms2": load_gold(data / "dev_terms2.jsonl"),
              "dev_topics": load_gold(data / "dev_topics.jsonl"),
              "dev_entities": load_gold(data / "dev_entities.jsonl"),
              "test": load_gold(data / "test.jsonl")}
    gold = load_gold(ROOT / "tests" / "data" / "gold.jsonl")
    names = load_gold(ROOT / "tests" / "data" / "names.jsonl")
    langs = {d.doc_id: d.lang for d in engine.index.documents}
    cross = [q for q in gold if q.answerable and all(langs[r.doc] != q.lang for r in q.relevant)]

    report: dict = {"benchmark": "seeds-gold", "questions": sum(q.answerable for q in gold),
                    "cross_lingual_questions": len(cross), "name_questions": len(names),
                    "splits": {name: split_report(engine, questions, langs) for name, questions in splits.items()},
                    "modes": {}}
    for mode in MODES:
        def retrieve(q: str, history: tuple = (), mode: str = mode) -> list:
            return engine.retrieve(q, 20, mode, history=history)

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
