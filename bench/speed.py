"""Speed on this machine, in one run so the ratios hold: indexing throughput, warm query latency, cold start.

    .venv/bin/python bench/speed.py [--contexts 300] [--out docs/results/speed.json]

1. Indexing: ``index build --full`` of a KazQAD pool (the first N contexts)
   against raw ``SentenceTransformer.encode`` of the very same passages with
   the same prompt and batch size. Overhead = 1 - build rate / raw rate.
2. Query latency inside a warm process: ``Engine.ask`` over the seeds gold
   questions and over KazQAD questions, split into query embedding, lexical
   search, dense search, fusion and answer composition, next to the time of
   embedding the query alone.
3. Cold start: ``corpusbot ask`` as a fresh process under ``/usr/bin/time -v``
   (wall time, peak RSS).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kazqad import prepare  # noqa: E402
from report import emit  # noqa: E402

from index.build import build_index  # noqa: E402
from index.chunk import chunk_corpus  # noqa: E402
from index.corpus import load_corpus  # noqa: E402
from index.embed import load_embedder  # noqa: E402
from index.engine import Engine, Timings  # noqa: E402
from index.evaluate import load_gold  # noqa: E402
from index.settings import load_settings  # noqa: E402
from index.store import load_index  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def pct(values: list[float]) -> dict:
    return {"p50": round(float(np.percentile(values, 50)), 2), "p95": round(float(np.percentile(values, 95)), 2)}


def indexing(embedder, work: Path, contexts: int) -> dict:
    corpus_dir, _, _, _ = prepare(work / "pool", smoke=None)
    lines = (corpus_dir / "kazqad.jsonl").read_text(encoding="utf-8").splitlines()[:contexts]
    (corpus_dir / "kazqad.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    passages = chunk_corpus(load_corpus(corpus_dir)[0])
    texts = [p.text for p in passages]
    model = embedder.model
    model.encode(texts[:32], prompt_name="document", batch_size=embedder.batch_size)  # warm up
    started = time.perf_counter()
    model.encode(texts, prompt_name="document", batch_size=embedder.batch_size, normalize_embeddings=True)
    raw = time.perf_counter() - started
    started = time.perf_counter()
    report = build_index(corpus_dir, work / "index", embedder, full=True)
    build = time.perf_counter() - started
    raw_rate, build_rate = len(texts) / raw, report.passages / build
    return {"contexts": len(lines), "passages": report.passages,
            "raw_encode_seconds": round(raw, 2), "raw_passages_per_second": round(raw_rate, 2),
            "build_seconds": round(build, 2), "build_passages_per_second": round(build_rate, 2),
            "build_embed_seconds": round(report.embed_seconds, 2),
            "overhead": round(1 - build_rate / raw_rate, 4)}


def latency(embedder, index_dir: Path, questions: list[str], rounds: int) -> dict:
    engine = Engine(embedder, load_index(index_dir, embedder.fingerprint))
    for q in questions[:5]:
        engine.ask(q)
    total, alone, parts = [], [], {}
    for _ in range(rounds):
        for q in questions:
            timings = Timings()
            started = time.perf_counter()
            engine.ask(q, timings=timings)
            total.append((time.perf_counter() - started) * 1000)
            for name, ms in timings.parts.items():
                parts.setdefault(name, []).append(ms)
            started = time.perf_counter()
            embedder.encode_queries([q])
            alone.append((time.perf_counter() - started) * 1000)
    return {"questions": len(questions) * rounds, "passages": len(engine.index.passages),
            "ask_ms": pct(total), "query_embedding_alone_ms": pct(alone),
            "parts_ms": {name: pct(values) for name, values in parts.items()},
            "ask_over_embedding_p50": round(float(np.percentile(total, 50) / np.percentile(alone, 50)), 3)}


def cold_start(index_dir: Path) -> dict:
    exe = Path(sys.executable).with_name("corpusbot")
    env = {**os.environ, "INDEX_DIR": str(index_dir)}
    proc = subprocess.run(["/usr/bin/time", "-v", str(exe), "ask", "Who is Samat Abish?"],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+\.\d+)", proc.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return {"exit_code": proc.returncode,
            "wall_seconds": round(int(wall.group(1) or 0) * 60 + float(wall.group(2)), 2) if wall else None,
            "peak_rss_mb": round(int(rss.group(1)) / 1024) if rss else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contexts", type=int, default=300, help="KazQAD contexts to index for throughput")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench" / "speed")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    settings = load_settings()
    embedder = load_embedder(settings.embedding_model, settings.model_cache_dir, settings.embed_batch_size)
    report = {"machine": {"cpus": os.cpu_count()}, "indexing": indexing(embedder, args.work, args.contexts)}
    seeds_index = args.work / "seeds-index"
    build_index(ROOT / "seeds", seeds_index, embedder)
    gold = [q.question for q in load_gold(ROOT / "tests" / "data" / "gold.jsonl")]
    kazqad = [q.question for q in load_gold(args.work / "pool" / "gold.jsonl")][:100]
    report["latency_seeds"] = latency(embedder, seeds_index, gold, args.rounds)
    report["latency_kazqad_pool"] = latency(embedder, args.work / "index", kazqad, 1)
    report["cold_start_ask"] = cold_start(seeds_index)
    emit(report, args.out)


if __name__ == "__main__":
    main()
