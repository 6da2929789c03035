"""Should an answer skip a sentence that restates one it already quotes? Swept on dev sets only.

    .venv/bin/python bench/restatements.py [--work DIR] [--out docs/results/restatements-dev.json]

An answer has five sentences and 800 characters. Some answers spend two of
them on one fact: "Сам Касым-Жомарт Токаев ... подтвердил, что разговор с
Путиным носил доверительный и обстоятельный характер." beside the subheading
"Матвиенко подтвердила, что разговор с Путиным носил доверительный и
обстоятельный характер". ``select_sentences`` skips a sentence whose
``overlap`` with a chosen one (``Engine.overlap``: cosine of the sentences
embedded alone, the build's mean direction taken away) reaches ``restates``;
the place goes to the next sentence that fits, unless it holds a number the
chosen one lacks (a parallel sentence of another fact). Swept over ``TAUS`` on the
answer sweep's five dev sets (gold, names, dev_paraphrase, followups_dev,
KazQAD's dev half; their mean is the objective), dev_terms, dev_terms2 and
dev_topics scored beside them. The rule, fixed before the first run (commit
b199498; the number guard's, 9baa6cf): the lowest τ whose mean is at least the
unskipped one's (``None``) and at which no set of the eight loses more than one
question; 0.8 ships (``answer.RESTATES``). Printed
too: answers changed, sentences skipped as restatements, median answer length.
``containment_rows``: a second reading on top of the shipped one, measured
and not shipped (rule 69631a6): a sentence whose lexical tokens are a share
``SHARES`` of a chosen one's restates it too.
The frozen test splits are not read.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from answer_sweep import answer_sets, prepared  # noqa: E402
from dev_indexes import dev_indexes, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

from index.answer import RESTATES, select_sentences  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluate import load_gold  # noqa: E402
from index.text import fold  # noqa: E402

TAUS: tuple[float | None, ...] = (None, 0.8, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45)
# A second reading, measured and not shipped (rule 69631a6): a sentence also restates a chosen one when this
# share of its lexical tokens (the analyzer's, scripts folded) is in it, on top of RESTATES.
SHARES: tuple[float | None, ...] = (None, 1.0, 0.9, 0.8, 0.7)
CHECKS = ("dev_terms", "dev_terms2", "dev_topics")  # scored, not in the objective
ROOT = Path(__file__).resolve().parents[1]


def answers(items: list, restates: float | None, contains: float | None = None,
            words: Callable[[str], list[str]] | None = None) -> list[list[str] | None]:
    out = []
    for item in items:
        if item is None:
            out.append(None)
            continue
        candidates, similarity, found, coverage, _, overlap, bonus = item
        if contains is not None and overlap is not None and restates is not None:
            overlap = np.where(containment([set(words(c.text)) for c in candidates]) >= contains, 1.0, overlap)
        out.append([c.text for c in select_sentences(candidates, similarity, found, coverage,
                                                      overlap=overlap, restates=restates, bonus=bonus)])
    return out


def containment(tokens: list[set[str]]) -> np.ndarray:
    """[i, j]: the share of sentence i's tokens that sentence j holds."""
    return np.array([[len(a & b) / len(a) if a else 0.0 for b in tokens] for a in tokens])


def score(sets: dict[str, list], restates: float | None, before: dict[str, list], contains: float | None = None,
          words: Callable[[str], list[str]] | None = None) -> dict:
    row: dict = {"restates": restates, "contains": contains}
    changed, skipped, lengths = 0, 0, []
    for name, items in sets.items():
        chosen = answers(items, restates, contains, words)
        row[name] = round(sum(any(p in fold(" ".join(texts)) for p in item[4])
                              for item, texts in zip(items, chosen) if texts is not None) / len(items), 4)
        row[f"{name}_hits"] = sum(any(p in fold(" ".join(texts)) for p in item[4])
                                  for item, texts in zip(items, chosen) if texts is not None)
        for texts, old in zip(chosen, before[name]):
            if texts is None:
                continue
            changed += texts != old
            skipped += len(set(old) - set(texts))
            lengths.append(sum(len(t) for t in texts))
    row["mean"] = round(float(np.mean([row[n] for n in sets if n not in CHECKS])), 4)
    row["answers_changed"] = changed
    row["sentences_dropped"] = skipped
    row["median_chars"] = int(np.median(lengths))
    return row


def main() -> None:
    args = sweep_arguments(__doc__)
    built = dev_indexes(args.work)
    sets = answer_sets(built, lambda engine, gold, _name: prepared(engine, gold))
    seeds = Engine(built.encoder, built.seeds)
    for name in CHECKS:
        sets[name] = prepared(seeds, load_gold(ROOT / "tests" / "data" / f"{name}.jsonl"))
    before = {name: answers(items, None) for name, items in sets.items()}
    rows = [score(sets, tau, before) for tau in TAUS]
    shipped = {name: answers(items, RESTATES) for name, items in sets.items()}
    words = seeds.index.lexical.analyzer.tokens  # the same analyzer on both indexes (prefix5+fold+roman)
    shares = [score(sets, RESTATES, shipped, share, words) for share in SHARES]
    emit({"sets": {n: len(items) for n, items in sets.items()}, "rows": rows, "chosen": lowest(rows, "restates"),
          "containment_rows": shares, "containment_chosen": lowest(shares, "contains")}, args.out)


def lowest(rows: list[dict], knob: str) -> float | None:
    """The rule: the lowest setting whose mean is at least the first row's and at which no set loses more
    than one question; None if none does."""
    base = rows[0]
    passing = [r for r in rows[1:] if r["mean"] >= base["mean"]
               and all(r[n] >= base[n] - 1 for n in base if n.endswith("_hits"))]
    return min(r[knob] for r in passing) if passing else None


if __name__ == "__main__":
    main()
