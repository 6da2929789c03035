"""KazQAD as a retrieval benchmark, run through the normal CLI.

Pools the distinct contexts of the KazQAD validation split (bench/data/kazqad/,
CC BY-SA 4.0) into one JSONL corpus, a document a context, and writes a gold
file where a hit is any passage of the question's own context (and the
composed answer must state KazQAD's answer span for ``answer_hit``), plus its two
halves: ``gold-dev.jsonl`` (tune on it) and ``gold-test.jsonl`` (report on it),
split by a hash of the context so that no passage serves both. Then
``corpusbot index build --corpus`` indexes the pool and ``corpusbot eval
--mode`` scores every question in each mode. Prints one JSON object.

    python bench/kazqad.py                      # all 764 questions (make bench)
    python bench/kazqad.py --smoke 40           # 40 questions over a 120-context pool (CI)
    python bench/kazqad.py --prepare-only DIR   # just write DIR/corpus/kazqad.jsonl and DIR/gold.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "bench" / "data" / "kazqad" / "kazqad-reading-comprehension-v1.0-kk-validation.jsonl"
MODES = ("dense", "bm25", "hybrid")
SPLITS = ("dev", "test")


def context_id(context: str) -> str:
    return "kazqad-" + hashlib.sha256(context.encode("utf-8")).hexdigest()[:12]


def prepare(out: Path, smoke: int | None = None, distractors: int = 80) -> tuple[Path, Path, int, int]:
    """Write the pooled corpus and the gold file; returns their paths and the pool/question counts.

    With ``smoke``, every n-th question is kept (spread over the split) and the
    pool is their contexts plus ``distractors`` other contexts.
    """
    rows = [json.loads(line) for line in SOURCE.read_text(encoding="utf-8").splitlines() if line.strip()]
    contexts: dict[str, dict] = {}
    for row in rows:
        contexts.setdefault(context_id(row["context"]), {"title": row["title"], "text": row["context"]})
    questions = rows
    if smoke:
        step = max(1, len(rows) // smoke)
        questions = rows[::step][:smoke]
        wanted = {context_id(r["context"]) for r in questions}
        others = [cid for cid in contexts if cid not in wanted][:: max(1, len(contexts) // distractors)][:distractors]
        contexts = {cid: contexts[cid] for cid in contexts if cid in wanted or cid in set(others)}
    corpus_dir = out / "corpus"
    corpus_dir.mkdir(parents=True, exist_ok=True)
    with open(corpus_dir / "kazqad.jsonl", "w", encoding="utf-8") as fh:
        for cid, ctx in contexts.items():
            fh.write(json.dumps({"id": cid, "title": ctx["title"], "text": ctx["text"], "lang": "kk"},
                                ensure_ascii=False) + "\n")
    gold = out / "gold.jsonl"
    halves = {half: open(out / f"gold-{half}.jsonl", "w", encoding="utf-8") for half in SPLITS}
    with open(gold, "w", encoding="utf-8") as fh:
        for row in questions:
            line = json.dumps({"id": row["id"], "question": row["question"], "lang": "kk",
                               "relevant": [{"doc": context_id(row["context"])}],
                               "answers": list(dict.fromkeys(a for a in row["answers"]["text"] if a.strip()))},
                              ensure_ascii=False) + "\n"
            fh.write(line)
            halves[split_of(row["context"])].write(line)
    for handle in halves.values():
        handle.close()
    return corpus_dir, gold, len(contexts), len(questions)


def split_of(context: str) -> str:
    """dev or test, fixed by the context's hash: every question of a context falls in the same half."""
    return SPLITS[int(hashlib.sha256(("split:" + context).encode("utf-8")).hexdigest(), 16) % 2]


def corpusbot(*args: str) -> dict:
    exe = Path(sys.executable).with_name("corpusbot")
    proc = subprocess.run([str(exe), *args, "--json"], capture_output=True, text=True, env=os.environ.copy())
    if proc.returncode != 0:
        raise SystemExit(f"corpusbot {' '.join(args)} failed: {proc.stderr.strip()}")
    return json.loads(proc.stdout)


def run(out: Path, smoke: int | None) -> dict:
    corpus_dir, gold, pool, questions = prepare(out, smoke)
    index_dir = out / "index"
    started = time.perf_counter()
    build = corpusbot("index", "build", "--full", "--corpus", str(corpus_dir), "--index-dir", str(index_dir))
    build_wall = time.perf_counter() - started
    report: dict = {"benchmark": "kazqad-validation" + (f"-smoke{smoke}" if smoke else ""),
                    "contexts": pool, "questions": questions, "passages": build["passages"],
                    "build_seconds": round(build_wall, 1), "modes": {}}
    for mode in MODES:
        result = corpusbot("eval", "--gold", str(gold), "--mode", mode, "--curve",
                           "--corpus", str(corpus_dir), "--index-dir", str(index_dir))
        report["modes"][mode] = {k: result[k] for k in ("recall@1", "recall@5", "recall@10", "mrr@10", "answer_hit",
                                                        "answer_lead_hit", "latency_ms", "recall_curve")}
        for half in SPLITS:
            args = ("eval", "--gold", str(gold.with_name(f"gold-{half}.jsonl")), "--mode", mode,
                    "--corpus", str(corpus_dir), "--index-dir", str(index_dir))
            part = corpusbot(*args)  # at the default depth, as `ask` and `eval` retrieve
            report["modes"][mode][half] = {k: part[k] for k in ("n", "recall@1", "recall@5", "recall@10", "mrr@10",
                                                                "answer_hit", "answer_lead_hit", "ci95")}
            # recall@1..20 for the plot; retrieving 20 folds a few more near-duplicates into the head, so the
            # figures above come from the run at depth 10
            report["modes"][mode][half]["recall_curve"] = corpusbot(*args, "--curve")["recall_curve"]
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "kazqad")
    parser.add_argument("--smoke", type=int, default=None, help="run only this many questions (≤ 50 for CI)")
    parser.add_argument("--prepare-only", type=Path, default=None, metavar="DIR")
    args = parser.parse_args()
    if args.prepare_only:
        corpus_dir, gold, pool, questions = prepare(args.prepare_only, args.smoke)
        print(json.dumps({"corpus": str(corpus_dir), "gold": str(gold), "contexts": pool, "questions": questions}))
        return
    out = args.out if not args.smoke else args.out.with_name(args.out.name + f"-smoke{args.smoke}")
    print(json.dumps(run(out, args.smoke), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
