"""Does cleaning remove page furniture and nothing else? Measured on the seeds and on news-like pages.

    .venv/bin/python bench/cleaning.py [--out docs/results/cleaning.json]

* seeds: how many paragraphs each seed page loses, and what they are (the
  known clutter: tickers, by-lines, calls to action, comment widgets, captions);
* tests/data/cleaning.jsonl: real news sentences in four languages that use
  the words clutter filters love (casino, betting, donate, sign up,
  newsletter, реклама, subscribe, comments…) and page furniture, laid out as a
  page (ticker and by-line on top, furniture between and after the
  paragraphs). Reports real paragraphs kept and furniture removed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import emit  # noqa: E402

from index.clean import clean_page  # noqa: E402
from index.corpus import load_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["USD 1.7000", "Рауф Керимли, собкор", "01:44 646"]


def news_like_page(rows: list[dict]) -> tuple[list[str], list[str], list[str]]:
    """A page: the header furniture, each real paragraph followed by a piece of furniture, cycling."""
    real = [r["text"] for r in rows if not r["furniture"]]
    furniture = [r["text"] for r in rows if r["furniture"] and r["text"] not in HEADER]
    page = list(HEADER)
    for i, paragraph in enumerate(real):
        page += [paragraph, furniture[i % len(furniture)]]
    page += furniture[len(real) % len(furniture):]
    return page, real, HEADER + furniture


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    seeds = {d.doc_id: {"kept": len(d.text.split("\n\n")), "removed": len(d.removed),
                        "removed_paragraphs": list(d.removed)}
             for d in load_corpus(ROOT / "seeds")[0]}
    rows = [json.loads(line) for line in (ROOT / "tests" / "data" / "cleaning.jsonl").read_text("utf-8").splitlines()]
    page, real, furniture = news_like_page(rows)
    kept, _ = clean_page(page)
    kept_set = set(kept)
    emit({
        "seeds": seeds,
        "news_like": {
            "real_paragraphs": len(real), "real_kept": sum(t in kept_set for t in real),
            "furniture_paragraphs": len(furniture), "furniture_removed": sum(t not in kept_set for t in furniture),
            "real_lost": [t for t in real if t not in kept_set],
            "furniture_kept": [t for t in furniture if t in kept_set],
        },
    }, args.out)


if __name__ == "__main__":
    main()
