"""Kazakh (and Kyrgyz) typed without their own letters, as on a Russian keyboard, read with and without
index/kazakh_letters.py. Dev by default; ``--test`` adds the frozen test splits, for the claim.

    .venv/bin/python bench/kazakh_letters.py [--work DIR] [--test] [--out docs/results/kazakh-letters.json]

Every Kazakh and Kyrgyz question of the seeds dev sets (``dev_answers.SEEDS_SETS``) is asked as
written, then with its letters folded (ә ғ қ ң ө ұ ү һ і → а г к н о у у х и; its history too), once
as the product reads it and once with the letters left unread (``written_back`` off); and with every second
word that holds such a letter folded (``some_letters_missing``), as someone who has the letters types in a
hurry. Per language:
recall@1/5/10, MRR@10 and answer_hit of the answerables, the shares of answerables and near misses
declined, how many messages the reading rewrote, and how many it read as their own language (the
reply's language). With ``--test``, the same for the Kazakh and Kyrgyz questions of test.jsonl and
followups_test.jsonl, which nothing here tunes on.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_answers import SEEDS_SETS  # noqa: E402
from dev_indexes import ROOT, dev_indexes, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

from index.engine import Engine  # noqa: E402
from index.evaluate import GoldQuestion, _metrics, answer_hit, evaluate, load_gold  # noqa: E402
from index.kazakh_letters import without_letters  # noqa: E402
from index.lang import detect_language  # noqa: E402
from index.text import LETTERS  # noqa: E402

LANGS = ("kk", "ky")
TEST_SETS = ("test", "followups_test")


def folded(q: GoldQuestion) -> GoldQuestion:
    return replace(q, question=without_letters(q.question), history=tuple(without_letters(h) for h in q.history))


def some_missing(text: str) -> str:
    """Every second word that holds one of the letters typed without them (the 2nd, 4th, …), as someone who
    has the letters types when in a hurry."""
    seen = 0

    def word(match) -> str:
        nonlocal seen
        w = match.group()
        if without_letters(w) == w:
            return w
        seen += 1
        return without_letters(w) if seen % 2 == 0 else w
    return LETTERS.sub(word, text)


def partly_folded(q: GoldQuestion) -> GoldQuestion:
    return replace(q, question=some_missing(q.question), history=tuple(some_missing(h) for h in q.history))


def score(engine: Engine, gold: list[GoldQuestion]) -> dict:
    report = evaluate(gold, lambda q, h: engine.retrieve(q, 10, history=h), engine.confident, engine.min_score,
                      answer=lambda q, hits, h: engine.compose(q, hits[:5], history=h))
    replies, ranks = report["_replies"], report["_ranks"]
    out = {}
    for lang in LANGS:
        asked = [q for q in gold if q.lang == lang]
        answerable = [q for q in asked if q.answerable]
        near = [q for q in asked if not q.answerable]
        reads = [engine.read(q.question)[0].question for q in asked]
        out[lang] = {**_metrics([ranks.get(q.id) for q in answerable]),
                     "answer_hit": round(sum(bool(answer_hit(replies[q.id], q)) for q in answerable)
                                         / len(answerable), 4),
                     "answerables_declined": round(sum(replies[q.id].verdict != "answer" for q in answerable)
                                                   / len(answerable), 4),
                     "near_misses": len(near),
                     "near_misses_declined": round(sum(replies[q.id].verdict != "answer" for q in near)
                                                   / len(near), 4) if near else None,
                     "rewritten": sum(r != " ".join(q.question.split()) for r, q in zip(reads, asked)),
                     "read_as_its_language": round(sum(detect_language(r) == lang for r in reads) / len(asked), 4)}
    return out


def variants(engine: Engine, gold: list[GoldQuestion]) -> dict:
    gold = [q for q in gold if q.lang in LANGS]
    without = [folded(q) for q in gold]
    report = {"as_written": score(engine, gold), "without_letters": score(engine, without),
              "some_letters_missing": score(engine, [partly_folded(q) for q in gold])}
    with mock.patch("index.engine.written_back", lambda text, known=None: text):
        engine.forget_vectors()
        report["without_letters_unread"] = score(engine, without)
    engine.forget_vectors()
    return report


def main() -> None:
    args = sweep_arguments(__doc__, lambda p: p.add_argument("--test", action="store_true",
                                                             help="also the frozen test splits (the claim)"))
    built = dev_indexes(args.work)
    engine = Engine(built.encoder, built.seeds)
    data = ROOT / "tests" / "data"
    report: dict = {"benchmark": "kazakh_letters",
                    "dev": variants(engine, [q for name in SEEDS_SETS for q in load_gold(data / f"{name}.jsonl")])}
    if args.test:
        report["test"] = variants(engine, [q for name in TEST_SETS for q in load_gold(data / f"{name}.jsonl")])
    emit(report, args.out)


if __name__ == "__main__":
    main()
