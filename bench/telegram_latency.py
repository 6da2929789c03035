"""Bot latency: time from an update being available to the reply arriving at the Bot API server.

    .venv/bin/python bench/telegram_latency.py [--questions 100]

Runs the real Application (real model, real index from the settings) against the
local Bot API server used by the tests, on 127.0.0.1, warm (one question first),
asking the gold-set questions one at a time; prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fake_telegram import FakeTelegram, polling_bot  # noqa: E402

from index.engine import open_engine  # noqa: E402
from index.evaluate import load_gold  # noqa: E402
from index.settings import load_settings  # noqa: E402

TOKEN = "123456789:" + "B" * 35


async def run(n: int) -> dict:
    server = FakeTelegram(TOKEN)
    await server.start()
    settings = load_settings(telegram_bot_token=TOKEN, telegram_base_url=server.base_url,
                             rate_limit_per_minute=10_000)
    engine = open_engine(settings)
    questions = [q.question for q in load_gold(ROOT / "tests" / "data" / "gold.jsonl")]
    latencies = []
    with tempfile.TemporaryDirectory() as state:
        async with polling_bot(settings, engine, Path(state) / "state.pickle"):
            for i, question in enumerate(itertools.islice(itertools.cycle(questions), n + 1)):
                before = len(server.messages_to(42))
                started = time.perf_counter()
                server.message(question, user_id=42)
                await server.replies(42, before)
                if i:  # the first question warms caches
                    latencies.append((time.perf_counter() - started) * 1000)
    await server.stop()
    return {"questions": len(latencies), "p50_ms": round(float(np.percentile(latencies, 50)), 1),
            "p95_ms": round(float(np.percentile(latencies, 95)), 1),
            "max_ms": round(max(latencies), 1), "model": engine.index.manifest["model_id"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100)
    print(json.dumps(asyncio.run(run(parser.parse_args().questions)), indent=2))


if __name__ == "__main__":
    main()
