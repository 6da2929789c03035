"""Build throughput in one process against Ray with 1 and 2 workers, on the same KazQAD pool.

Each build is ``corpusbot index build --full --json`` into a fresh index
directory (so every passage is embedded), run in a network namespace holding
loopback alone where ``unshare -rn`` is allowed. Embedding throughput is the
build report's ``passages_per_second`` (passages embedded / embedding time,
Ray's start-up and model loading on the workers included); wall time is the
whole command.

    .venv/bin/python bench/ray_build.py [--contexts 150] [--out docs/results/ray-build.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from kazqad import prepare  # noqa: E402
from report import emit  # noqa: E402


def _loopback_only() -> list[str]:
    if shutil.which("unshare") and shutil.which("ip") and subprocess.run(
            ["unshare", "-rn", "ip", "link", "set", "lo", "up"], capture_output=True).returncode == 0:
        return ["unshare", "-rn", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"]
    return []


def build(corpus: Path, index_dir: Path, *extra: str) -> dict:
    shutil.rmtree(index_dir, ignore_errors=True)
    started = time.perf_counter()
    proc = subprocess.run([*_loopback_only(), sys.executable, "-c", "from bot.cli import main; main()", "index",
                           "build", "--full", "--json", "--corpus", str(corpus), "--index-dir", str(index_dir), *extra],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if proc.returncode != 0:
        raise SystemExit(f"build {' '.join(extra)} failed: {proc.stderr.strip()[-2000:]}")
    report = json.loads(proc.stdout)
    return {"passages": report["passages"], "embedded": report["embedded"],
            "passages_per_second": report["passages_per_second"], "wall_seconds": round(time.perf_counter() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contexts", type=int, default=150)
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench" / "ray-build")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    corpus, _, _, _ = prepare(args.work / "pool")
    lines = (corpus / "kazqad.jsonl").read_text(encoding="utf-8").splitlines()[: args.contexts]
    (corpus / "kazqad.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = {"benchmark": "ray-build", "contexts": len(lines), "cpus": os.cpu_count(),
              "local": build(corpus, args.work / "local"),
              "ray_1_worker": build(corpus, args.work / "ray1", "--ray", "--workers", "1"),
              "ray_2_workers": build(corpus, args.work / "ray2", "--ray", "--workers", "2")}
    emit(report, args.out)


if __name__ == "__main__":
    main()
