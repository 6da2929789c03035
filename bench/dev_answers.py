"""Every dev question's verdict, rank and answer, to see what a change did question by question. Dev only.

    .venv/bin/python bench/dev_answers.py [--work DIR] --out var/bench/dev-answers/before.json
    .venv/bin/python bench/dev_answers.py --compare var/bench/dev-answers/before.json var/bench/dev-answers/after.json
    .venv/bin/python bench/dev_answers.py --without-latent-terms --out var/bench/dev-answers/no-latent.json
    .venv/bin/python bench/dev_answers.py --summary var/bench/dev-answers/before.json var/bench/dev-answers/no-latent.json

A change's effect on the aggregate figures hides which questions moved, and
the decision rules of this project ("no dev question loses its answer, no
near miss is answered") are stated per question. The dump answers every
question of the dev sets (the seeds' ``SEEDS_SETS`` and KazQAD's dev half) with the
production engine on the dev indexes (``dev_indexes``), as ``eval`` does;
``--compare`` lists the questions whose verdict, rank, hit or answer text
differ between two dumps, and the counts by set. The frozen test splits are
not read. ``--without-latent-terms`` answers with the latent terms' weight at zero, which is
what the latent-terms head buys for its share of an ``ask`` (docs/benchmarks.md §4); ``--summary``
prints recall@1/5/10, MRR@10 and answer_hit per set and over the seeds sets, for each dump named.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import ROOT, dev_indexes, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

from index.engine import Engine  # noqa: E402
from index.fuse import FusionParams  # noqa: E402
from index.evaluate import _metrics, answer_hit, evaluate, lead_hit, load_gold  # noqa: E402

SEEDS_SETS = ("gold", "names", "dev_nearmiss", "dev_paraphrase", "followups_dev", "dev_terms", "dev_terms2",
              "dev_topics", "dev_entities", "dev_places", "dev_places2", "dev_types", "dev_yes_no", "dev_when", "dev_sources",
              "dev_absent_places", "dev_absent_places2", "dev_topics2", "dev_topics3", "dev_names_en", "dev_names2",
              "dev_adjectives", "dev_acronyms", "dev_acronyms2", "dev_fullnames",
              "dev_acronyms3", "dev_acronyms4", "dev_acronyms5", "dev_acronyms6",
              "dev_acronyms7", "dev_acronyms8", "dev_institutions", "dev_institutions2",
              "dev_institutions3", "dev_acronyms9", "dev_capitals",
              "dev_acronyms10", "dev_institutions4", "dev_acronyms11", "dev_periods")
FIELDS = ("verdict", "rank", "answer_hit", "lead_hit", "answer")


def dump(work: Path, options: dict | None = None) -> dict:
    """``{set: {question id: row}}`` for every dev question, answered as ``ask`` answers it (``options``: the
    engine's keyword arguments, for a bench that measures one)."""
    built = dev_indexes(work)
    data = ROOT / "tests" / "data"
    # dev_relative's questions are asked on their own days; other benches read SEEDS_SETS on today's clock
    sets = {name: (built.seeds, load_gold(data / f"{name}.jsonl")) for name in (*SEEDS_SETS, "dev_relative")}
    sets["kazqad_dev"] = (built.kazqad, load_gold(built.kazqad_dev))
    out: dict = {}
    for name, (index, gold) in sets.items():
        engine = Engine(built.encoder, index, **(options or {}))
        report = evaluate(gold, lambda q, h, asked=None, e=engine: e.asked_on(asked).retrieve(q, 10, history=h),
                          engine.confident, engine.min_score,
                          answer=lambda q, hits, h, asked=None, e=engine: e.asked_on(asked).compose(q, hits[:5],
                                                                                                    history=h))
        replies, ranks = report["_replies"], report["_ranks"]
        out[name] = {q.id: {"answerable": q.answerable, "verdict": replies[q.id].verdict,
                            "rank": ranks.get(q.id), "answer_hit": answer_hit(replies[q.id], q) if q.answerable else None,
                            "lead_hit": lead_hit(replies[q.id], q) if q.answerable else None,
                            "answer": replies[q.id].answer}
                     for q in gold}
        print(name, len(gold), file=sys.stderr, flush=True)
    return out


def compare(before: dict, after: dict) -> dict:
    """Per set: how many questions changed in each field, and the changed rows side by side."""
    report: dict = {}
    for name in before:
        rows = []
        counts = dict.fromkeys(FIELDS, 0)
        for qid, old in before[name].items():
            new = after.get(name, {}).get(qid)
            if new is None:
                continue
            moved = [f for f in FIELDS if old[f] != new[f]]
            for f in moved:
                counts[f] += 1
            if moved:
                rows.append({"id": qid, "answerable": old["answerable"],
                             **{f: [old[f], new[f]] for f in moved if f != "answer"},
                             **({"answer": [old["answer"][:300], new["answer"][:300]]} if "answer" in moved else {})})
        report[name] = {"changed": counts, "rows": rows}
    return report


def summary(answers: dict) -> dict:
    """Per set, and over every seeds set together: recall@1/5/10, MRR@10 and answer_hit of its answerables."""
    def figures(rows: list[dict]) -> dict:
        return {**_metrics([r["rank"] for r in rows]),
                "answer_hit": round(sum(bool(r["answer_hit"]) for r in rows) / len(rows), 4)}
    answerable = {name: [r for r in rows.values() if r["answerable"]] for name, rows in answers.items()}
    report = {name: figures(rows) for name, rows in answerable.items() if rows}
    report["seeds_sets"] = figures([r for name, rows in answerable.items() if name != "kazqad_dev" for r in rows])
    return report


def main() -> None:
    def extra(parser) -> None:
        parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
        parser.add_argument("--summary", nargs="+", type=Path, metavar="DUMP")
        parser.add_argument("--without-latent-terms", action="store_true")

    args = sweep_arguments(__doc__, extra)
    if args.compare:
        before, after = (json.loads(p.read_text("utf-8")) for p in args.compare)
        emit(compare(before, after), args.out)
    elif args.summary:
        emit({path.stem: summary(json.loads(path.read_text("utf-8"))) for path in args.summary}, args.out)
    else:
        options = {"fusion": replace(FusionParams(), latent_weight=0.0)} if args.without_latent_terms else None
        emit(dump(args.work, options), args.out)


if __name__ == "__main__":
    main()
