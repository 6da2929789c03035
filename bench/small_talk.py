"""Small talk ("hi", «спасибо», "Кто ты?") read before retrieval, against the reply before the reading. Dev; --test.

    .venv/bin/python bench/small_talk.py [--test] [--work DIR] [--out docs/results/small-talk.json]

tests/data/dev_small_talk.jsonl (43: 31 small talk, 12 controls) and
test_small_talk.jsonl (54: 38 and 16, frozen) were written together, before
any output of the reading (rule 715d1b1); dev_small_talk2 and test_small_talk2
(13 and 14, acknowledgements such as "ok" or «жарайды» and questions opening
with one) before the acknowledgements were read (rule ee8b86e). A control is a question holding small
talk's words ("What did Tokayev thank Putin for?", «Сәлем! Тоқаев Мәскеуге
қашан барады?») and must be answered as before. Each message is asked as
``ask`` asks it, once with the reading and once with it switched off. Scored:
small talk read as its kind, in its language; what the reply was before
(citations on a greeting); controls read as small talk, and controls whose
reply changed. ``gold`` counts the questions and histories of every other gold
file, and KazQAD's questions, read as small talk (the rule asks none).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import dev_indexes, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

import index.engine  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.small_talk import small_talk  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


@contextmanager
def without_small_talk():
    """The engine before the reading: every message goes to retrieval (``ask`` finds the reading in its module)."""
    reading = index.engine.small_talk
    index.engine.small_talk = lambda _message: None
    try:
        yield
    finally:
        index.engine.small_talk = reading


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def score(engine: Engine, rows: list[dict]) -> dict:
    with without_small_talk():
        before = {r["id"]: engine.ask(r["message"]) for r in rows}
    after = {r["id"]: engine.ask(r["message"]) for r in rows}
    talk = [r for r in rows if r["talk"]]
    controls = [r for r in rows if not r["talk"]]
    read = {r["id"]: after[r["id"]].talk for r in rows}
    share = lambda n, of: round(n / len(of), 4) if of else None  # noqa: E731
    return {
        "n": len(rows), "small_talk": len(talk), "controls": len(controls),
        "kind_read": share(sum(1 for r in talk if read[r["id"]] and read[r["id"]].kind == r["talk"]), talk),
        "kind_and_language_read": share(sum(1 for r in talk if read[r["id"]]
                                            and (read[r["id"]].kind, read[r["id"]].lang) == (r["talk"], r["lang"])),
                                        talk),
        "before_verdicts": dict(Counter(before[r["id"]].verdict for r in talk)),
        "before_cited_on_small_talk": sum(1 for r in talk if before[r["id"]].citations),
        "controls_read_as_small_talk": [r["id"] for r in controls if read[r["id"]]],
        "controls_changed": [r["id"] for r in controls if before[r["id"]].answer != after[r["id"]].answer],
        "missed": [r["id"] for r in talk if not read[r["id"]] or read[r["id"]].kind != r["talk"]],
        "messages": {r["id"]: {"message": r["message"], "expected": r["talk"], "lang": r["lang"],
                               "read": None if read[r["id"]] is None else [read[r["id"]].kind, read[r["id"]].lang],
                               "before": before[r["id"]].verdict, "reply": after[r["id"]].answer[:160]}
                     for r in rows},
    }


def gold_read_as_small_talk() -> dict:
    texts = [t for path in sorted(DATA.glob("*.jsonl")) if "small_talk" not in path.name
             for row in _rows(path) for t in (row.get("question"), *row.get("history", ())) if t]
    kazqad = [row["question"] for path in sorted((ROOT / "bench" / "data" / "kazqad").glob("*.jsonl"))
              for row in _rows(path)]
    return {"tests_data_texts": len(texts), "tests_data_read": [t for t in texts if small_talk(t)],
            "kazqad_questions": len(kazqad), "kazqad_read": [q for q in kazqad if small_talk(q)]}


def main() -> None:
    args = sweep_arguments(__doc__, lambda parser: parser.add_argument(
        "--test", action="store_true", help="also the frozen test set"))
    built = dev_indexes(args.work)
    engine = Engine(built.encoder, built.seeds)
    out: dict = {"gold": gold_read_as_small_talk()}
    dev, test = ("dev_small_talk", "dev_small_talk2"), ("test_small_talk", "test_small_talk2")
    for name in (*dev, *test) if args.test else dev:
        out[name] = score(engine, _rows(DATA / f"{name}.jsonl"))
        print(name, {k: out[name][k] for k in ("kind_and_language_read", "controls_read_as_small_talk",
                                                "controls_changed", "before_verdicts")}, file=sys.stderr)
    emit(out, args.out)


if __name__ == "__main__":
    main()
