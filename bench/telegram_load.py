"""Load with faults: 100 chats ask at once while the Bot API answers 429s, 5xx and drops connections.

    .venv/bin/python bench/telegram_load.py [--chats 100] [--out docs/results/telegram-load.json]

The real Application, model and index, against the local Bot API server of
the tests on 127.0.0.1. Every chat sends one question at the same moment; the
server fails the first 30 sendMessage calls (429, 500, dropped connection,
502, 503, dropped, repeated) and 20 sendChatAction calls. Reports answers
received, lost answers (none may be), and the time from the question to its
answer, p50/p95/max.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from fake_telegram import DROP, FakeTelegram, polling_bot  # noqa: E402
from report import emit  # noqa: E402

from index.engine import open_engine  # noqa: E402
from index.settings import load_settings  # noqa: E402

TOKEN = "123456789:" + "B" * 35
QUESTION = "How many civilians died in the January 2022 protests?"


async def run(chats: int) -> dict:
    server = FakeTelegram(TOKEN)
    await server.start()
    settings = load_settings(telegram_bot_token=TOKEN, telegram_base_url=server.base_url)
    engine = open_engine(settings)
    users = list(range(1000, 1000 + chats))
    with tempfile.TemporaryDirectory() as state:
        async with polling_bot(settings, engine, Path(state) / "state.pickle"):
            server.message(QUESTION, user_id=1)  # warm up
            await server.replies(1, 0)
            server.failures["sendMessage"].extend([429, 500, DROP, 502, 503, DROP] * 5)
            server.failures["sendChatAction"].extend([500, DROP] * 10)
            started = time.perf_counter()
            for user in users:
                server.message(QUESTION, user_id=user)
            waits = await asyncio.gather(*(_answered(server, user, started) for user in users))
    await server.stop()
    got = [w for w in waits if w is not None]
    return {"chats": chats, "answered": sum(1 for w in waits if w is not None),
            "lost": sum(1 for w in waits if w is None),
            "injected": {"sendMessage": 30, "sendChatAction": 20},
            "seconds_to_answer": {"p50": round(float(np.percentile(got, 50)), 2),
                                  "p95": round(float(np.percentile(got, 95)), 2),
                                  "max": round(max(got), 2)} if got else None,
            "all_answers_hold_the_fact": all("238" in m.result["text"] for u in users for m in server.messages_to(u))}


async def _answered(server: FakeTelegram, user: int, started: float) -> float | None:
    try:
        await server.replies(user, 0, timeout=120)
    except AssertionError:
        return None
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    emit(asyncio.run(run(args.chats)), args.out)


if __name__ == "__main__":
    main()
