"""Does the sentence embedded alone tell a near miss from an answer better than the top cosine? Dev only.

    .venv/bin/python bench/decline_signals.py [--out docs/results/decline-signals-dev.json]

A near miss ("Where did Samat Abish study?") names what the corpus knows and
asks for a fact it lacks; its passages are close in meaning, so the top
cosine barely separates it from an answerable question. The sentence embedded
on its own (``sentences_alone.npy``) says what that sentence itself holds, not
its passage's topic: if the fact is absent, its best sentence might sit lower.
So might the best sentence once its genericness is taken away, as answers
choose sentences (``best_centred_sentence``; a near miss's best is often a lede).
Each signal is scored by its AUC (answerable above unanswerable) on the seeds'
dev questions: gold.jsonl, names.jsonl, dev_nearmiss.jsonl, dev_paraphrase.jsonl.
``near_misses`` counts only the near misses (not the off-topic questions).
The frozen test split is not read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import seeds_engine  # noqa: E402
from report import emit  # noqa: E402

from index.answer import candidate_sentences  # noqa: E402
from index.evaluate import load_gold  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
SETS = ("gold.jsonl", "names.jsonl", "dev_nearmiss.jsonl", "dev_paraphrase.jsonl")


def signals(engine, question: str) -> dict[str, float]:
    """The candidate signals of one question over its five retrieved passages."""
    hits = engine.retrieve(question, 5)
    vector = engine.query_vector(question)
    candidates = candidate_sentences(hits, engine.index)
    rows = np.array([c.row for c in candidates], dtype=np.int64)
    late = engine.index.sentence_vectors.rows(rows) @ vector
    alone = engine.index.sentences_alone.rows(rows) @ vector
    ranked = np.sort(alone)[::-1]
    centred = engine.similarity(vector, candidates, engine.centres)  # as answers choose (answer.SentenceCentres)
    return {"top_passage_cosine": max(h.dense or 0.0 for h in hits), "best_late_sentence": float(late.max()),
            "best_alone_sentence": float(alone.max()), "best_mixed_sentence": float(((late + alone) / 2).max()),
            "alone_gap_1_to_5": float(ranked[0] - ranked[min(4, len(ranked) - 1)]),
            "best_centred_sentence": float(centred.max())}


def auc(positive: list[float], negative: list[float]) -> float:
    """P(a random answerable question scores above a random unanswerable one), ties counting half."""
    pos, neg = np.asarray(positive)[:, None], np.asarray(negative)[None, :]
    return round(float((pos > neg).mean() + 0.5 * (pos == neg).mean()), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    engine = seeds_engine()
    rows = [(name, q, signals(engine, q.question)) for name in SETS for q in load_gold(DATA / name)]
    answerable = [s for _, q, s in rows if q.answerable]
    unanswerable = [s for _, q, s in rows if not q.answerable]
    near = [s for name, q, s in rows if not q.answerable and (q.id.startswith("d-") or name == SETS[3])]
    report = {"benchmark": "decline signals, seeds dev sets only", "sets": list(SETS),
              "answerable": len(answerable), "unanswerable": len(unanswerable), "near_misses": len(near),
              "auc": {key: {"all_unanswerable": auc([s[key] for s in answerable], [s[key] for s in unanswerable]),
                            "near_misses": auc([s[key] for s in answerable], [s[key] for s in near])}
                      for key in answerable[0]}}
    emit(report, args.out)


if __name__ == "__main__":
    main()
