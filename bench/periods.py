"""Questions scoped by when their articles came out, read with and without index/period.py. Dev; ``--test`` adds test.

    .venv/bin/python bench/periods.py [--test] [--work DIR] [--out docs/results/periods.json]

"What was written in September about Tokayev's trip?", «Что писали о Назарбаеве в
октябре 2025 года?»: tests/data/dev_periods.jsonl (16) and test_periods.jsonl (20),
written together from the documents before the reading existed (rule 4c46f00), the
test set frozen then; in each language one question names a period no article of the
corpus is dated in (``relevant: []``). Each question is asked as ``ask`` asks it, on
the seeds, once with the reading and once with it off (``Engine(periods=False)``).
Scored over the answerable ones: recall@1/5, MRR@10 (retrieval as ``ask`` ranks it),
answer_hit, declined; over the out-of-period ones: declined. ``--test`` reads the
frozen test set; it was run once for the rule's go/no-go.

Periods said from the day asked ("What was written last month about …?", «Былтыр …
эмне жазылган?»): tests/data/dev_relative.jsonl (16) and test_relative.jsonl (20),
written with rule e21a10f before the reading existed; each question carries the day it
is asked (``asked``) and is asked on it (``Engine.asked_on``).

Ranges ("What has been written since November about …?", «с октября по декабрь 2025 года»,
«қыркүйектен қарашаға дейін»): tests/data/dev_ranges.jsonl (12) and test_ranges.jsonl (16),
rule f3cc065, read and unread like the sets above. The start, middle or end of a month or
year («в начале сентября», «желтоқсанның соңында», "at the end of 2025"), read as the whole:
tests/data/dev_month_parts.jsonl (8) and test_month_parts.jsonl (12), rule aa126ac.

Periods in a chat ("What was written in November about …?" then "And in September?", or
"How did he address Putin?"): tests/data/dev_period_followups.jsonl (16) and
test_period_followups.jsonl (20), rule 128941c, each asked after its history, by the engine
without the chat's period (``period_history=()``), with the word of publishing carried
(``cue``), with the scope kept (``scope``) and with both (as shipped); scored over all
rows and per kind (``switch`` and ``near_miss`` for cue, ``inherit`` for scope).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import ROOT, dev_indexes, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

from index.engine import Engine  # noqa: E402
from index.evaluate import GoldQuestion, _metrics, answer_hit, first_hit_rank, load_gold  # noqa: E402


def score(engine: Engine, gold: list[GoldQuestion], by_kind: bool = False) -> dict:
    answerable = [q for q in gold if q.answerable]
    ranks, hit, declined, per = [], 0, 0, {}
    for q in answerable:
        on = engine.asked_on(q.asked)
        rank = first_hit_rank(on.retrieve(q.question, 10, history=q.history), q.relevant)
        reply = on.ask(q.question, history=q.history)
        holds = bool(answer_hit(reply, q))
        ranks.append(rank)
        hit += holds
        declined += reply.verdict != "answer"
        per[q.id] = {"rank": rank, "verdict": reply.verdict, "period": reply.period and reply.period.label("en"),
                     "hit": holds}
    out_of_period = [q for q in gold if not q.answerable]
    replies = {q.id: engine.asked_on(q.asked).ask(q.question, history=q.history) for q in out_of_period}
    per.update({i: {"verdict": r.verdict, "period": r.period and r.period.label("en")} for i, r in replies.items()})
    kinds = {}
    if by_kind:  # recall and answers per kind of answerable row
        for kind in sorted({q.kind for q in answerable}):
            rows = [q for q in answerable if q.kind == kind]
            kinds[kind] = {**_metrics([per[q.id]["rank"] for q in rows]),
                           "answer_hit": round(sum(bool(per[q.id]["hit"]) for q in rows) / len(rows), 4)}
    return {**_metrics(ranks), **({"by_kind": kinds} if kinds else {}), "answer_hit": round(hit / len(answerable), 4),
            "answerables_declined": round(declined / len(answerable), 4),
            "out_of_period": len(out_of_period),
            "out_of_period_declined": round(sum(r.verdict != "answer" for r in replies.values())
                                            / len(out_of_period), 4),
            "questions": per}


def main() -> None:
    def extra(parser) -> None:
        parser.add_argument("--test", action="store_true",
                            help="also the frozen tests/data/test_periods.jsonl, test_relative.jsonl, "
                                 "test_ranges.jsonl, test_month_parts.jsonl and test_period_followups.jsonl")

    args = sweep_arguments(__doc__, extra)
    built = dev_indexes(args.work)
    sets = ["dev_periods", "dev_relative", "dev_ranges", "dev_month_parts"] + (
        ["test_periods", "test_relative", "test_ranges", "test_month_parts"] if args.test else [])
    report: dict = {"benchmark": "periods"}
    for name in sets:
        gold = load_gold(ROOT / "tests" / "data" / f"{name}.jsonl")
        report[name] = {"read": score(Engine(built.encoder, built.seeds), gold),
                        "unread": score(Engine(built.encoder, built.seeds, periods=False), gold)}
    for name in ["dev_period_followups"] + (["test_period_followups"] if args.test else []):
        gold = load_gold(ROOT / "tests" / "data" / f"{name}.jsonl")
        report[name] = {label: score(Engine(built.encoder, built.seeds, period_history=readings), gold, by_kind=True)
                        for label, readings in (("without", ()), ("cue", ("cue",)), ("scope", ("scope",)),
                                                ("both", ("cue", "scope")))}
    emit(report, args.out)


if __name__ == "__main__":
    main()
