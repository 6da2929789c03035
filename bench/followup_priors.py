"""Would a follow-up rank better with what its anchor question found? Three priors, on followups_dev only.

    .venv/bin/python bench/followup_priors.py [--out docs/results/followup-priors-dev.json]

A follow-up ("What did he call the escort?") is read with the earlier question
it leans on (``Engine.follow_up``). The chat also knows what that
question retrieved, which an analyst's follow-up is usually about. Each prior is
added to the hybrid ranking of a follow-up that leans, before spreading over
documents; standalone questions and topic changes are untouched:

* ``document``: +beta for passages of the anchor's top 1 or 2 documents;
* ``passage``: +beta for the anchor's top 1 or 3 passages themselves;
* ``anchor_vector``: the anchor's own vector as a third part of the mix
  (question + pair + w * anchor, to unit length), no ranking bonus.

Scored on tests/data/followups_dev.jsonl's follow-ups; the test split is not read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import index.engine as engine_module  # noqa: E402
from dev_indexes import seeds_engine  # noqa: E402
from report import emit  # noqa: E402

from index.conversation import mix  # noqa: E402
from index.evaluate import evaluate, load_gold  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
BETAS = [0.005, 0.01, 0.02, 0.04, 0.08]
METRICS = ("recall@1", "recall@5", "mrr@10")


class Prior:
    """The bonus the next ranking gets: passage ids or document ids favoured, and by how much."""

    def __init__(self) -> None:
        self.beta, self.docs, self.passages = 0.0, set(), set()

    def rank(self, scored, mode, params):
        ranking = RANK(scored, mode, params)
        if self.beta:
            favoured = [scored.passages[i].doc_id in self.docs or scored.passages[i].passage_id in self.passages
                        for i in range(len(ranking))]
            ranking = ranking + self.beta * np.asarray(favoured, dtype=np.float64)
        return ranking


RANK = engine_module.rank
PRIOR = Prior()
engine_module.rank = PRIOR.rank


def with_prior(engine, kind: str, size: int, beta: float):
    def retrieve(question: str, history):
        follow_up = engine.follow_up(question, history)
        PRIOR.beta, PRIOR.docs, PRIOR.passages = 0.0, set(), set()
        if follow_up.leans:
            found = engine.retrieve(follow_up.anchor, 5)
            if kind == "document":
                PRIOR.docs = set(list(dict.fromkeys(h.passage.doc_id for h in found))[:size])
            else:
                PRIOR.passages = {h.passage.passage_id for h in found[:size]}
            PRIOR.beta = beta
        try:
            return engine.retrieve(question, 10, history=history)
        finally:
            PRIOR.beta = 0.0
    return retrieve


def with_anchor_vector(engine, weight: float):
    def retrieve(question: str, history):
        follow_up = engine.follow_up(question, history)
        if not follow_up.leans:
            return engine.retrieve(question, 10, history=history)
        vector = mix(engine.query_vector(question, follow_up), engine.query_vector(follow_up.anchor), weight)
        return engine.retrieve(question, 10, history=history, vector=vector)
    return retrieve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    engine = seeds_engine()
    gold = [q for q in load_gold(DATA / "followups_dev.jsonl") if q.kind == "follow_up"]
    score = lambda retrieve: {k: evaluate(gold, retrieve)[k] for k in METRICS}  # noqa: E731
    rows = [{"prior": "none", **score(lambda q, h: engine.retrieve(q, 10, history=h))}]
    for kind, sizes in (("document", (1, 2)), ("passage", (1, 3))):
        rows += [{"prior": kind, "top": size, "beta": beta, **score(with_prior(engine, kind, size, beta))}
                 for size in sizes for beta in BETAS]
    rows += [{"prior": "anchor_vector", "weight": w, **score(with_anchor_vector(engine, w))} for w in (0.1, 0.25, 0.5)]
    emit({"benchmark": "follow-up priors, followups_dev only", "follow_ups": len(gold), "sweep": rows}, args.out)


if __name__ == "__main__":
    main()
