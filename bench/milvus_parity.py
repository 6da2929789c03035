"""KazQAD through both stores: the same metrics from Milvus as from FAISS, and the latency of each.

The KazQAD validation pool (bench/kazqad.py) is built twice with ``corpusbot
index build``, once into FAISS files and once into a Milvus collection on a
real Milvus engine (milvus-lite 2.5.1's native server, started here on
127.0.0.1), and ``corpusbot eval`` scores the dev and test halves in every
mode through each. The Milvus build reuses the FAISS build's embedding cache,
so both index the very same vectors. Latency is ``eval``'s per-question
retrieval time (embedding included), warm. Prints one JSON object.

    python bench/milvus_parity.py --out docs/results/milvus-parity.json
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from kazqad import MODES, SPLITS, corpusbot, prepare  # noqa: E402
from milvus_server import milvus_server  # noqa: E402
from report import emit  # noqa: E402

METRICS = ("recall@1", "recall@5", "recall@10", "mrr@10")


def evaluate_store(corpus_dir: Path, index_dir: Path, gold: Path) -> dict:
    out: dict = {}
    for mode in MODES:
        out[mode] = {}
        for half in SPLITS:
            result = corpusbot("eval", "--gold", str(gold.with_name(f"gold-{half}.jsonl")), "--mode", mode,
                               "--corpus", str(corpus_dir), "--index-dir", str(index_dir))
            out[mode][half] = {k: result[k] for k in ("n", *METRICS, "latency_ms")}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench" / "milvus-parity")
    parser.add_argument("--smoke", type=int, default=None, help="only this many questions")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    corpus_dir, gold, pool, questions = prepare(args.work, args.smoke)
    faiss_dir, milvus_dir = args.work / "index-faiss", args.work / "index-milvus"
    for name in ("VECTOR_STORE", "MILVUS_URI", "MILVUS_TOKEN", "MILVUS_COLLECTION"):
        os.environ.pop(name, None)
    faiss_build = corpusbot("index", "build", "--corpus", str(corpus_dir), "--index-dir", str(faiss_dir))
    report: dict = {"benchmark": "milvus-parity-kazqad", "contexts": pool, "questions": questions,
                    "passages": faiss_build["passages"], "stores": {}}
    report["stores"]["faiss"] = evaluate_store(corpus_dir, faiss_dir, gold)
    shutil.copytree(faiss_dir / "cache", milvus_dir / "cache")  # the same vectors, not embedded again
    with milvus_server(args.work / "milvus") as engine:
        os.environ.update({"VECTOR_STORE": "milvus", "MILVUS_URI": engine.uri, "MILVUS_COLLECTION": "kazqad"})
        build = corpusbot("index", "build", "--corpus", str(corpus_dir), "--index-dir", str(milvus_dir))
        assert build["embedded"] == 0, "the Milvus build should reuse every vector"
        report["milvus_build_seconds"] = build["seconds"]
        report["stores"]["milvus"] = evaluate_store(corpus_dir, milvus_dir, gold)
    report["faiss_build_seconds_without_embedding"] = round(faiss_build["seconds"] - faiss_build["embed_seconds"], 1)
    report["max_metric_difference"] = max(
        abs(report["stores"]["milvus"][m][h][k] - report["stores"]["faiss"][m][h][k])
        for m in MODES for h in SPLITS for k in METRICS)
    emit(report, args.out)


if __name__ == "__main__":
    main()
