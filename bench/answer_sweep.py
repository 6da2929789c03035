"""How many sentences, how close to the best, in how many characters, how spread? Swept on dev sets only.

    .venv/bin/python bench/answer_sweep.py [--out docs/results/answer-dev-sweep.json]

Retrieves once per question with the production engine, then re-runs
``index.answer.select_sentences`` over a grid of its margin, sentence count,
character budget, the penalty for a second sentence of a quoted passage
(``spread``) and the prior for the passage's rank (``rank_prior``), scoring ``answer_hit`` (the composed answer states a
gold phrase) on the dev questions alone: the seeds' gold.jsonl, names.jsonl,
dev_paraphrase.jsonl and followups_dev.jsonl, and KazQAD's dev half (whose
gold phrase is the benchmark's answer span). The frozen test splits are not
read. The grid point kept is the best mean over the five sets, the shorter
median answer breaking a tie. Declines (not found, does not say) do not
depend on these settings and count as misses, as in ``corpusbot eval``.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import dev_indexes, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

from index.answer import select_sentences  # noqa: E402
from index.engine import ANSWER_HISTORY_WEIGHT, Engine  # noqa: E402
from index.evaluate import load_gold  # noqa: E402
from index.lang import detect_language  # noqa: E402
from index.text import fold  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MARGINS = (0.03, 0.05, 0.08, 0.12, 0.2, 1.0)
COUNTS = (3, 4, 5)
BUDGETS = (500, 600, 700, 800)
SPREADS = (0.0, 0.01, 0.02, 0.05)
RANK_PRIORS = (0.0, 0.003, 0.005, 0.01)


def prepared(engine: Engine, gold: list) -> list[tuple]:
    """Per answerable question: its candidates, their scores' inputs, the gold phrases, the candidates'
    overlap (``Engine.overlap``: which restate which) and what each gains beyond its closeness as the product
    scores it (``production_bonus``), or None if declined. A message asking two things is taken whole."""
    out = []
    for q in (q for q in gold if q.answerable):
        hits = engine.retrieve(q.question, 10, history=q.history)[:5]
        reply = engine.compose(q.question, hits, history=q.history)
        phrases = [fold(p) for p in q.answers or [r.contains for r in q.relevant if r.contains]]
        if reply.verdict != "answer":
            out.append(None)
            continue
        text = " ".join(q.question.split())
        candidates, similarity, coverage = engine.sentence_inputs(text, hits, q.history)
        out.append((candidates, similarity, hits, coverage, phrases, engine.overlap(candidates),
                    production_bonus(engine, text, hits, candidates)))
    return out


def production_bonus(engine: Engine, text: str, hits: list, candidates: list) -> np.ndarray | None:
    """``Engine.sentence_bonus`` as ``Engine._compose`` gives it: the subject of a "who is / what about X?"
    question, and the same-language penalty. A sweep without it scores another sentence choice than the product's."""
    return engine.sentence_bonus(candidates, hits, engine.subject(text), detect_language(text))


def answer_sets(built, items: Callable[[Engine, list, str], list]) -> dict[str, list]:
    """``items(engine, gold, name)`` for each of the five dev answer sets (seeds gold, names,
    dev_paraphrase, followups_dev; KazQAD's dev half), each on its own index."""
    seeds, kazqad = Engine(built.encoder, built.seeds), Engine(built.encoder, built.kazqad)
    data = ROOT / "tests" / "data"
    sets = {name: items(seeds, load_gold(data / f"{name}.jsonl"), name)
            for name in ("gold", "names", "dev_paraphrase", "followups_dev")}
    sets["kazqad_dev"] = items(kazqad, load_gold(built.kazqad_dev), "kazqad_dev")
    return sets


def sentence_cosines(engine: Engine, question, candidates: list, centred: bool = True) -> tuple:
    """The question as the product embeds it (follow-ups read with their history), and each candidate
    sentence's cosine with it: late-chunked, and embedded alone (the late one where the build has none).

    ``centred`` as sentence choice scores them (answer.SentenceCentres, where the build has them);
    without, the plain cosines."""
    text = " ".join(question.question.split())
    embedded = engine.query(text, engine.follow_up(text, question.history), ANSWER_HISTORY_WEIGHT)
    centres = engine.centres if centred else None
    vector = {which: embedded.vector if centres is None else centres.query(embedded.vector, which)
              for which in ("late", "alone")}
    rows = np.array([c.row for c in candidates], dtype=np.int64)
    late = engine.index.sentence_vectors.rows(rows) @ vector["late"]
    alone = engine.index.sentences_alone.rows(rows) @ vector["alone"] if engine.index.sentences_alone is not None else late
    return embedded, np.asarray(late, float), np.asarray(alone, float)


def cosine_items(engine: Engine, gold: list, centred: bool = True) -> list[tuple | None]:
    """Per answerable question, None where the reply declines, else its ``prepared`` item followed by
    ``sentence_cosines`` of its candidates: the inputs of every sentence-signal sweep."""
    answerable = [q for q in gold if q.answerable]
    return [None if item is None else (item, *sentence_cosines(engine, q, item[0], centred))
            for q, item in zip(answerable, prepared(engine, gold))]


def score(items: list[tuple], **params) -> tuple[float, list[int]]:
    hits, lengths = 0, []
    for item in items:
        if item is None:
            continue
        candidates, similarity, found, coverage, phrases, overlap, bonus = item
        chosen = select_sentences(candidates, similarity, found, coverage, overlap=overlap, bonus=bonus, **params)
        text = fold(" ".join(c.text for c in chosen))
        hits += any(p in text for p in phrases)
        lengths.append(sum(len(c.text) for c in chosen))
    return round(hits / len(items), 4), lengths


def main() -> None:
    args = sweep_arguments(__doc__)
    built = dev_indexes(args.work)
    sets = answer_sets(built, lambda engine, gold, _name: prepared(engine, gold))
    rows = []
    for margin, count, budget, spread, prior in itertools.product(MARGINS, COUNTS, BUDGETS, SPREADS, RANK_PRIORS):
        params = {"margin": margin, "max_sentences": count, "max_chars": budget, "spread": spread,
                  "rank_prior": prior}
        row: dict = dict(params)
        lengths: list[int] = []
        for name, items in sets.items():
            row[name], chars = score(items, **params)
            lengths += chars
        row["mean"] = round(float(np.mean([row[n] for n in sets])), 4)
        row["median_chars"] = int(np.median(lengths))
        rows.append(row)
    best = max(rows, key=lambda r: (r["mean"], -r["median_chars"]))
    best_at = {budget: max((r for r in rows if r["max_chars"] == budget), key=lambda r: (r["mean"], -r["median_chars"]))
               for budget in BUDGETS}
    emit({"sets": {n: len(items) for n, items in sets.items()}, "chosen": best, "best_per_budget": best_at,
          "rows": sorted(rows, key=lambda r: -r["mean"])[:40]}, args.out)


if __name__ == "__main__":
    main()
