"""Write the gold sets of questions as people type them in a chat: without capitals or a question mark.

    .venv/bin/python bench/typed_sets.py

``tests/data/dev_lowercase.jsonl`` is the dev sets' questions (gold, dev_nearmiss, dev_paraphrase, dev_entities,
dev_places) and ``test_lowercase.jsonl`` the frozen test sets' (test, test_mentions, test_positions), each in
lower case with its closing "?" or "." dropped, its id prefixed "lc-", everything else as it was.
``dev_english_lowercase.jsonl`` and ``test_english_lowercase.jsonl`` are the English-names sets' questions
(Trump, whom the corpus writes «Трамп») retyped the same way.
``dev_no_mark.jsonl`` and ``test_no_mark.jsonl`` are the same questions with their capitals, only the closing
"?" dropped, ids prefixed "nm-". ``dev_contracted.jsonl`` and ``test_contracted.jsonl`` are the English questions of
those and more sets that ask with "who is", "what are" and the like, the two words contracted as people type them
("Who's", "What're"; every second one with a typographic apostrophe, as phones write it), ids prefixed "ct-".
"""

from __future__ import annotations

import json
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
DEV = ("gold", "dev_nearmiss", "dev_paraphrase", "dev_entities", "dev_places")
TEST = ("test", "test_mentions", "test_positions")
SETS = {"dev_lowercase": DEV, "test_lowercase": TEST, "dev_no_mark": DEV, "test_no_mark": TEST,
        "dev_english_lowercase": ("dev_english_names", "dev_english_names2"),
        "test_english_lowercase": ("test_english_names", "test_english_names2")}
CONTRACTED = {"dev_contracted": (*DEV, "dev_positions", "dev_who_absent", "dev_fronted_names", "dev_topics",
                                 "dev_mentions", "dev_attributes", "followups_dev"),
              "test_contracted": (*TEST, "test_who_absent", "test_fronted_names", "test_attributes", "followups_test")}
_ASKING = re.compile(r"\b(who|what|where|when|why|how) (is|are)\b", re.IGNORECASE)


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


def contracted(question: str, apostrophe: str = "'") -> str:
    """``question``'s first "who is", "what are" (…) contracted: "Who's", "What're"; unchanged if it has none."""
    return _ASKING.sub(lambda m: m.group(1) + apostrophe + ("s" if m.group(2).lower() == "is" else "re"), question, 1)


def _rows(sources: tuple[str, ...]) -> list[dict]:
    return [json.loads(line) for source in sources for line in (DATA / f"{source}.jsonl").open(encoding="utf-8")]


def _write(name: str, rows: list[dict]) -> None:
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    (DATA / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(name, len(lines))


def main() -> None:
    for name, sources in SETS.items():
        prefix, retyped = ("lc-", typed) if "lowercase" in name else ("nm-", unmarked)
        _write(name, [{**row, "id": prefix + row["id"], "question": retyped(row["question"])}
                      for row in _rows(sources)])
    for name, sources in CONTRACTED.items():
        rows = [row for row in _rows(sources) if row["lang"] == "en" and contracted(row["question"]) != row["question"]]
        _write(name, [{**row, "id": "ct-" + row["id"], "question": contracted(row["question"], "'’"[i % 2])}
                      for i, row in enumerate(rows)])


if __name__ == "__main__":
    main()
