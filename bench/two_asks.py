"""Messages that ask two things in one sentence: read whole, or as two questions (message.two_asks). Dev and test.

    .venv/bin/python bench/two_asks.py [--work DIR] [--out docs/results/two-asks.json]

"Когда Токаев прибыл в Москву и что он там подписал?" embedded whole lands
between its asks. tests/data/dev_two_asks.jsonl and test_two_asks.jsonl (24
each, six per language, most cross-lingual, written together before any
output on them; the test set frozen then) list each question's two aspects
as phrases the reply must state (``aspects``, which ``corpusbot eval`` scores
as ``answer_complete``). Each question is asked as ``ask`` asks it,
once with the product's reading and once with ``two_asks`` switched off (the
sentence read whole, as before it). Scored: ``answer_complete`` (the reply
states a phrase of every aspect), ``answer_hit`` (of some aspect),
``answer_lead_hit`` (its first sentence states one), declined. Both
decisions were taken on dev, each by a rule committed before its check: the
split itself (4b193c0) and the whole sentence mixed into each ask's vector
(45a3e20, ``engine.WITHIN_WEIGHT``); the test rows were run once after each.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import dev_indexes, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

import index.message  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluate import GoldQuestion, answer_complete, answer_hit, lead_hit, load_gold  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# dev_yes_no: a yes/no first ask (not split: its rule failed, docs/benchmarks.md §1); test_yes_no is kept unread
# for a later form of that reading.
SETS = ("dev_two_asks", "test_two_asks", "dev_yes_no")


@contextmanager
def read_whole_sentences():
    """The reading before ``two_asks``: every sentence one question (``read_message`` finds it in the module)."""
    split = index.message.two_asks
    index.message.two_asks = lambda sentence: [sentence]
    try:
        yield
    finally:
        index.message.two_asks = split


def score(engine: Engine, gold: list[GoldQuestion]) -> dict:
    per: dict[str, dict] = {}
    for q in gold:
        reply = engine.ask(q.question)
        per[q.id] = {"lang": q.lang, "complete": answer_complete(reply, q), "hit": answer_hit(reply, q),
                     "lead": lead_hit(reply, q), "declined": reply.verdict != "answer", "parts": len(reply.parts) or 1,
                     "answer": reply.answer}
    share = lambda key, ids: round(sum(per[i][key] for i in ids) / len(ids), 4) if ids else None  # noqa: E731
    ids = list(per)
    report = {"n": len(ids), **{name: share(key, ids) for name, key in (
        ("answer_complete", "complete"), ("answer_hit", "hit"), ("answer_lead_hit", "lead"), ("declined", "declined"))}}
    report["by_lang"] = {lang: {"n": len(of), "answer_complete": share("complete", of), "answer_hit": share("hit", of)}
                         for lang in sorted({p["lang"] for p in per.values()})
                         for of in [[i for i in ids if per[i]["lang"] == lang]]}
    report["incomplete"] = [i for i in ids if not per[i]["complete"]]
    report["questions"] = per
    return report


def main() -> None:
    args = sweep_arguments(__doc__, lambda parser: parser.add_argument(
        "--dev-only", action="store_true", help="the dev set alone (the run a decision is taken on)"))
    built = dev_indexes(args.work)
    engine = Engine(built.encoder, built.seeds)
    out: dict = {}
    for name in [n for n in SETS if n.startswith("dev")] if args.dev_only else SETS:
        gold = load_gold(ROOT / "tests" / "data" / f"{name}.jsonl")
        with read_whole_sentences():
            whole = score(engine, gold)
        out[name] = {"read_whole": whole, "two_asks": score(engine, gold)}
        print(name, {k: (v["answer_complete"], v["answer_hit"]) for k, v in out[name].items()}, file=sys.stderr)
    emit(out, args.out)


if __name__ == "__main__":
    main()
