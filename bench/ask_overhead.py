"""What a warm ``ask`` adds to embedding the question, step by step, and how the ratio moves with the encoder.

    .venv/bin/python bench/ask_overhead.py [--rounds 2] [--out docs/results/ask-overhead.json]

``bench/speed.py`` reports ``ask`` over the ONNX encoder alone as one ratio (issue 9 asks
for ≤ 1.3×). This splits the difference: each seeds question (gold, dev_paraphrase and
test, as speed.py asks them) is asked on a fresh engine per round and embedded alone,
alternately first. Then, in rounds of their own (the timers cost a little), each step of
``ask`` is timed in place, after the encoder, as it runs for real, and the latent-terms
head twice: straight after the encoder (its weights cold) and again at once (warm).
Run it alone on the machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import seeds_engine  # noqa: E402
from report import emit  # noqa: E402

from index import engine  # noqa: E402
from index.evaluate import load_gold  # noqa: E402

# The steps of ``ask`` besides the encoder, timed where the engine module calls them.
STEPS = ("candidates", "rank", "spread_documents", "head_features", "reorder", "collapse_near_duplicates", "to_hits",
         "question_terms", "weigh", "candidate_sentences", "select_sentences", "compose_answer")
METHODS = ("read", "follow_up", "sentence_inputs", "overlap", "sentence_bonus", "subject")


def timed(spent: dict[str, float], name: str, function):
    def run(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - started
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--index-dir", type=Path, default=ROOT / "var" / "bench" / "seeds-index",
                        help="the seeds' index, built or brought up to date first")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    production = seeds_engine(args.index_dir)  # the ONNX question encoder, as ask and serve use it
    encoder, index = production.embedder, production.index
    questions = [q.question for name in ("gold", "dev_paraphrase", "test")
                 for q in load_gold(ROOT / "tests" / "data" / f"{name}.jsonl")]
    head = encoder.head
    skip = 1 + encoder._prompt_tokens  # the head's input, as encode_queries_with_terms gives it
    warm_up = engine.Engine(encoder, index)
    for q in questions[:20]:
        warm_up.ask(q)

    times: dict[str, list[float]] = {"ask": [], "alone": []}
    for _ in range(args.rounds):
        fresh = engine.Engine(encoder, index)  # nothing cached: every question is embedded again
        for i, q in enumerate(questions):
            runs = {"ask": lambda: fresh.ask(q), "alone": lambda: encoder.encode_queries([q])}  # noqa: B023
            for name in (("ask", "alone") if i % 2 else ("alone", "ask")):
                started = time.perf_counter()
                runs[name]()
                times[name].append(time.perf_counter() - started)
    asks, alone = times["ask"], times["alone"]

    spent: dict[str, float] = defaultdict(float)
    for name in STEPS:
        setattr(engine, name, timed(spent, name, getattr(engine, name)))
    for name in METHODS:
        setattr(engine.Engine, name, timed(spent, name, getattr(engine.Engine, name)))
    rows, head_cold, head_warm = [], [], []
    for _ in range(args.rounds):
        fresh = engine.Engine(encoder, index)
        for q in questions:
            spent.clear()
            fresh.ask(q)
            rows.append(dict(spent))
            tokens, ids, _mask = encoder._hidden([encoder.spec.query_prompt + q], encoder._session)
            states = tokens[0, skip:len(ids[0]) - 1]
            for heads in (head_cold, head_warm):
                started = time.perf_counter()
                head(states)
                heads.append(time.perf_counter() - started)
    ms = lambda values: round(float(np.percentile(values, 50)) * 1000, 3)  # noqa: E731
    names = sorted(set().union(*rows))
    steps = {name: ms([row.get(name, 0.0) for row in rows]) for name in names}
    report = {"benchmark": "ask_overhead", "questions": len(questions) * args.rounds,
              "ask_p50_ms": ms(asks), "encoder_alone_p50_ms": ms(alone),
              "added_p50_ms": round(ms(asks) - ms(alone), 3), "ratio_p50": round(ms(asks) / ms(alone), 3),
              "head_after_encoder_p50_ms": ms(head_cold), "head_warm_p50_ms": ms(head_warm),
              "steps_p50_ms": dict(sorted(steps.items(), key=lambda item: -item[1])),
              "ratio_if_the_encoder_took_ms": {str(e): round((e + ms(asks) - ms(alone)) / e, 3)
                                               for e in (4.5, 5.5, 6.7)}}
    emit(report, args.out)


if __name__ == "__main__":
    main()
