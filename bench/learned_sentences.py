"""Would a sentence scorer learned from the dev questions choose the answer's sentences better? Dev only.

    .venv/bin/python bench/learned_sentences.py [--out docs/results/learned-sentences-dev.json]

The shipped sentence score is hand-weighted (index/answer.py: 0.85 × the
similarity mix + 0.15 × the passage cosine + 0.1 × coverage − 0.005 × rank,
swept by bench/answer_sweep.py). Here the same kind of pairwise logistic
ranker as bench/learned_ranking.py scores each candidate sentence of the
five cited passages (label: the sentence states a gold phrase), and the
greedy selection of ``select_sentences`` runs on the learned score, its
margin and passage spread chosen with the weights. Held out one dev set at a time (gold, names,
dev_paraphrase, followups_dev, KazQAD dev): weights, margin and spread are fit
on the other four, answer_hit is measured on the fifth. No test split is read.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from answer_sweep import answer_sets, prepared, sentence_cosines  # noqa: E402
from dev_indexes import dev_indexes, sweep_arguments  # noqa: E402
from learned_ranking import _fit  # noqa: E402
from report import emit  # noqa: E402

from index.answer import select_sentences  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.lang import detect_language  # noqa: E402
from index.text import fold  # noqa: E402

NAMES = ("late", "alone", "passage", "coverage", "log_rank", "position", "log_chars", "same_language",
         "has_digit")
# In units of the learned score's spread (its standard deviation over the question's candidates).
MARGINS = (1.0, 2.0, 3.0, 100.0)
SPREADS = (0.0, 0.5, 1.0, 2.0)  # what a further sentence of an already quoted passage pays
C_VALUES = (0.01, 1.0)


def with_features(engine: Engine, gold: list) -> list:
    """``prepared`` items, each with a feature row and a label per candidate sentence."""
    items = prepared(engine, gold)
    out = []
    for q, item in zip((q for q in gold if q.answerable), items):
        if item is None:
            out.append(None)
            continue
        candidates, similarity, hits, coverage, phrases, _, _ = item
        _, late, alone = sentence_cosines(engine, q, candidates)
        lang = detect_language(" ".join(q.question.split()))
        position, seen = [], {}
        for c in candidates:
            position.append(seen.get(c.hit, 0))
            seen[c.hit] = seen.get(c.hit, 0) + 1
        table = np.column_stack([
            late - late.max(), alone - alone.max(),
            np.array([hits[c.hit].dense or 0.0 for c in candidates]), coverage,
            np.log1p([c.hit for c in candidates]), np.log1p(position),
            np.log([max(len(c.text), 1) for c in candidates]),
            np.array([hits[c.hit].passage.lang == lang for c in candidates], dtype=float),
            np.array([any(ch.isdigit() for ch in c.text) for c in candidates], dtype=float),
        ])
        labels = np.array([any(p in fold(c.text) for p in phrases) for c in candidates])
        out.append((item, table, labels))
    return out


def answer_hit(items: list, weights: np.ndarray | None, margin: float = 0.0, spread: float = 0.0) -> float:
    """Share of the set's answerable questions whose answer states a gold phrase (declines count as misses)."""
    hits = 0
    for entry in items:
        if entry is None:
            continue
        (candidates, similarity, found, coverage, phrases, overlap, bonus), table, _ = entry
        if weights is None:  # the product's choice
            chosen = select_sentences(candidates, similarity, found, coverage, overlap=overlap, bonus=bonus)
        else:
            scores = table @ weights
            unit = float(scores.std()) or 1.0
            chosen = select_sentences(candidates, similarity, found, coverage, scores=scores / unit,
                                      margin=margin, spread=spread, rank_prior=0.0, overlap=overlap)
        text = fold(" ".join(c.text for c in chosen))
        hits += any(p in text for p in phrases)
    return round(hits / len(items), 4)


def main() -> None:
    args = sweep_arguments(__doc__)
    built = dev_indexes(args.work)
    sets = answer_sets(built, lambda engine, gold, _name: with_features(engine, gold))
    training = {n: [(t, lab, 1.0 / max(1, sum(e is not None for e in items)))
                    for e in items if e is not None for _, t, lab in [e]] for n, items in sets.items()}
    report: dict = {"features": list(NAMES),
                    "ceiling": {n: round(sum(1 for e in items if e is not None and e[2].any()) / len(items), 4)
                                for n, items in sets.items()},
                    "shipped": {n: answer_hit(items, None) for n, items in sets.items()}}
    report["shipped"]["mean"] = round(float(np.mean(list(report["shipped"].values()))), 4)
    grid = [(m, s) for m in MARGINS for s in SPREADS]
    for c in C_VALUES:
        held: dict = {}
        for name in sets:  # weights, margin and spread fit on the other four sets
            weights, _ = _fit([i for n in sets if n != name for i in training[n]], c)
            margin, spread = max(grid, key=lambda g: np.mean([answer_hit(sets[n], weights, *g)
                                                              for n in sets if n != name]))
            held[name] = {"answer_hit": answer_hit(sets[name], weights, margin, spread), "margin": margin,
                          "spread": spread}
        held["mean"] = round(float(np.mean([held[n]["answer_hit"] for n in sets])), 4)
        weights, _ = _fit([i for n in sets for i in training[n]], c)
        report[f"C={c}"] = {"leave_one_set_out": held, "weights_on_all": dict(zip(NAMES, np.round(weights, 4).tolist())),
                            "in_sample_best": max(round(float(np.mean([answer_hit(sets[n], weights, *g) for n in sets])), 4)
                                                  for g in grid)}
    emit(report, args.out)


if __name__ == "__main__":
    main()
