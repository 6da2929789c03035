"""Incremental rebuild vs full rebuild of the KazQAD pool, and the bot's index swap time, as JSON.

    .venv/bin/python bench/incremental.py [--out docs/results/incremental.json]

Copies the pooled KazQAD corpus (697 documents), builds it once, edits one
document, and times ``build_index`` (what ``corpusbot index build`` runs)
incrementally, then with ``--full``. The swap is timed with the bot's own
reloader: loading the new build off the event loop and switching engines.
``cli_*``: ``corpusbot index build`` itself, in a fresh process, when nothing
changed and after one more edit: what an operator's cron job waits for, model
loading included (a build loads the model only when it has text to embed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kazqad import prepare  # noqa: E402
from report import emit  # noqa: E402

from bot.reload import IndexReloader  # noqa: E402
from index.build import build_index  # noqa: E402
from index.embed import load_embedder  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.settings import load_settings  # noqa: E402
from index.store import load_index  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def timed_build(corpus: Path, index_dir: Path, embedder, full: bool = False) -> dict:
    started = time.perf_counter()
    report = build_index(corpus, index_dir, embedder, full=full)
    return {"seconds": round(time.perf_counter() - started, 2), "embedded": report.embedded,
            "reused": report.reused, "changes": report.changes.to_dict()}


async def swap_ms(engine: Engine, index_dir: Path) -> float:
    holder = {"engine": engine}
    reloader = IndexReloader(lambda: holder["engine"], lambda e: holder.update(engine=e), index_dir, 0)
    reloader.seen = None  # treat the current build as new
    await reloader.check()
    return round(reloader.last_swap_ms or 0.0, 1)


def cli_build(corpus: Path, index_dir: Path) -> dict:
    started = time.perf_counter()
    command = [str(ROOT / ".venv" / "bin" / "corpusbot"), "index", "build", "--json",
               "--corpus", str(corpus), "--index-dir", str(index_dir)]
    run = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    report = json.loads(run.stdout)
    return {"seconds": round(time.perf_counter() - started, 2), "embedded": report["embedded"]}


def edit(pool: Path, line: int, sentence: str) -> None:
    lines = pool.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[line])
    record["text"] += sentence
    lines[line] = json.dumps(record, ensure_ascii=False)
    pool.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench" / "incremental")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    settings = load_settings()
    embedder = load_embedder(settings.embedding_model, settings.model_cache_dir, settings.embed_batch_size)
    corpus, _, contexts, _ = prepare(args.work)
    index_dir = args.work / "index"
    first = timed_build(corpus, index_dir, embedder)  # a no-op when the work dir is already built
    pool = corpus / "kazqad.jsonl"
    edit(pool, 100, " Бұл мәтін қосымша сөйлеммен толықтырылды.")
    incremental = timed_build(corpus, index_dir, embedder)
    cli_unchanged = cli_build(corpus, index_dir)
    edit(pool, 200, " Бұл мәтін де толықтырылды.")
    cli_edited = cli_build(corpus, index_dir)
    engine = Engine(embedder, load_index(index_dir, embedder.fingerprint))
    swap = asyncio.run(swap_ms(engine, index_dir))
    full = timed_build(corpus, index_dir, embedder, full=True)
    report = {"documents": contexts, "first_build": first, "incremental_after_one_edit": incremental,
              "full_rebuild": full, "bot_swap_ms": swap, "cli_nothing_changed": cli_unchanged,
              "cli_after_one_edit": cli_edited,
              "speedup": round(full["seconds"] / incremental["seconds"], 1)}
    emit(report, args.out)


if __name__ == "__main__":
    main()
