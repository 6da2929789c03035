"""Write the gold sets of questions as people type them in a chat: without capitals or a question mark.

    .venv/bin/python bench/typed_sets.py

``tests/data/dev_lowercase.jsonl`` is the dev sets' questions (gold, dev_nearmiss, dev_paraphrase, dev_entities,
dev_places) and ``test_lowercase.jsonl`` the frozen test sets' (test, test_mentions, test_positions), each in
lower case with its closing "?" or "." dropped, its id prefixed "lc-", everything else as it was.
``dev_no_mark.jsonl`` and ``test_no_mark.jsonl`` are the same questions with their capitals, only the closing
"?" dropped, ids prefixed "nm-".
"""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
DEV = ("gold", "dev_nearmiss", "dev_paraphrase", "dev_entities", "dev_places")
TEST = ("test", "test_mentions", "test_positions")
SETS = {"dev_lowercase": DEV, "test_lowercase": TEST, "dev_no_mark": DEV, "test_no_mark": TEST}


def typed(question: str) -> str:
    """``question`` as typed in a hurry: lower case, no closing question mark or full stop."""
    text = question.strip().lower()
    while text and text[-1] in "?？.":
        text = text[:-1].rstrip()
    return text


def unmarked(question: str) -> str:
    """``question`` as typed without its question mark, capitals kept."""
    text = question.strip()
    while text and text[-1] in "?？":
        text = text[:-1].rstrip()
    return text


def main() -> None:
    for name, sources in SETS.items():
        rows = [json.loads(line) for source in sources for line in (DATA / f"{source}.jsonl").open(encoding="utf-8")]
        prefix, retyped = ("lc-", typed) if "lowercase" in name else ("nm-", unmarked)
        lines = [json.dumps({**row, "id": prefix + row["id"], "question": retyped(row["question"])}, ensure_ascii=False)
                 for row in rows]
        (DATA / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(name, len(lines))


if __name__ == "__main__":
    main()
