"""Search, fusion and the answer at the seeds' size, with the question's embedding left out.

Guards "at the seeds' size nothing gets slower": the same script runs on two
checkouts (``--root``), so a store change is timed against the code before it
on the same machine and index contents.

    .venv/bin/python bench/seeds_latency.py [--root CHECKOUT] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(args.root))
    from index.build import build_index
    from index.embed import load_embedder, load_query_encoder
    from index.engine import Engine, Timings
    from index.evaluate import load_gold
    from index.store import load_index

    questions = [q.question for name in ("gold", "test") for q in load_gold(args.root / "tests" / "data" / f"{name}.jsonl")]
    with tempfile.TemporaryDirectory() as work:
        build_index(args.root / "seeds", Path(work), load_embedder())
        encoder = load_query_encoder()
        t = time.perf_counter()
        engine = Engine(encoder, load_index(Path(work), encoder.fingerprint))
        load_ms = (time.perf_counter() - t) * 1000
        vectors = {q: engine.embed_question(q) for q in questions}  # embedded once: not what is timed
        parts: dict[str, list[float]] = {}
        totals = []
        for _ in range(args.rounds):
            for q in questions:
                timings = Timings()
                t = time.perf_counter()
                hits = engine.retrieve(q, 5, timings=timings, vector=vectors[q])
                engine.compose(q, hits, timings)
                totals.append((time.perf_counter() - t) * 1000)
                for name, ms in timings.parts.items():
                    parts.setdefault(name, []).append(ms)
    print(json.dumps({"root": str(args.root), "questions": len(questions), "rounds": args.rounds,
                      "load_ms": round(load_ms, 1),
                      "p50_ms": round(float(np.percentile(totals, 50)), 3),
                      "p95_ms": round(float(np.percentile(totals, 95)), 3),
                      "parts_p50_ms": {k: round(float(np.percentile(v, 50)), 3) for k, v in parts.items()}}))


if __name__ == "__main__":
    main()
