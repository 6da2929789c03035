"""'Tell me more' after an answer: does the continuation hold the fact the first answer missed? Dev; --test.

    .venv/bin/python bench/more.py [--test] [--work DIR] [--out docs/results/more.json]

Each answerable question is asked (the first answer), then followed by the
phrase asking for more in its language ("Tell me more", «Расскажи подробнее»,
«Толығырақ айтшы», «Кененирээк айтып берчи»), as `ask --history` asks it
(Engine.more; rule c64233d). Scored: the first answer's answer_hit; the
cumulative answer_hit (the first answer or the continuation states the fact);
continuations declined where the first answer was given; sentences the
continuation repeats from the first answer. Dev: gold.jsonl, names.jsonl and
dev_paraphrase.jsonl pooled (seeds), and KazQAD's dev half; --test adds
test.jsonl and KazQAD's test half, run once after the dev decision.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import dev_indexes, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

from index.answer import Answer, quotes  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluate import GoldQuestion, answer_hit, load_gold  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MORE = {"en": "Tell me more", "ru": "Расскажи подробнее", "kk": "Толығырақ айтшы", "ky": "Кененирээк айтып берчи"}


def sentences(answer: Answer) -> set[str]:
    return {sentence for sentence, _ in quotes(answer.answer)}


def score(engine: Engine, gold: list[GoldQuestion]) -> dict:
    rows = {}
    for q in gold:
        if not q.answerable:
            continue
        history = tuple(q.history)
        first = engine.ask(q.question, history=history)
        more = engine.ask(MORE[q.lang], history=(*history, q.question))
        rows[q.id] = {"first": bool(answer_hit(first, q)), "more": bool(answer_hit(more, q)),
                      "answered": first.verdict == "answer", "more_declined": more.verdict != "answer",
                      "repeated": len(sentences(first) & sentences(more)) if more.verdict == "answer" else 0}
    n = len(rows)
    share = lambda key: round(sum(r[key] for r in rows.values()) / n, 4) if n else None  # noqa: E731
    return {"n": n, "answer_hit_first": share("first"),
            "answer_hit_cumulative": round(sum(r["first"] or r["more"] for r in rows.values()) / n, 4) if n else None,
            "more_declined_after_an_answer": sum(r["answered"] and r["more_declined"] for r in rows.values()),
            "sentences_repeated": sum(r["repeated"] for r in rows.values()),
            "found_by_more": [i for i, r in rows.items() if r["more"] and not r["first"]],
            "questions": rows}


def main() -> None:
    args = sweep_arguments(__doc__, lambda parser: parser.add_argument(
        "--test", action="store_true", help="also the frozen test splits (run once after the dev decision)"))
    built = dev_indexes(args.work)
    seeds, kazqad = Engine(built.encoder, built.seeds), Engine(built.encoder, built.kazqad)
    data = ROOT / "tests" / "data"
    sets = {"seeds_dev": (seeds, [q for name in ("gold", "names", "dev_paraphrase")
                                  for q in load_gold(data / f"{name}.jsonl")]),
            "kazqad_dev": (kazqad, load_gold(built.kazqad_dev))}
    if args.test:
        sets["seeds_test"] = (seeds, load_gold(data / "test.jsonl"))
        sets["kazqad_test"] = (kazqad, load_gold(built.kazqad_pool / "gold-test.jsonl"))
    out = {}
    for name, (engine, gold) in sets.items():
        out[name] = score(engine, gold)
        print(name, {k: out[name][k] for k in ("n", "answer_hit_first", "answer_hit_cumulative",
                                                "more_declined_after_an_answer", "sentences_repeated")},
              file=sys.stderr)
    emit(out, args.out)


if __name__ == "__main__":
    main()
