"""Would answers quote fewer hub sentences, and hold the fact more often, if a sentence's genericness counted against it? Dev only.

    .venv/bin/python bench/sentence_hubs.py [--work DIR] [--out docs/results/sentence-hubs-dev.json]

A few sentences are quoted in a large share of all answers whatever was
asked: the articles' ledes ("Жыл соңында Президент Қасым-Жомарт Тоқаев
Мәскеуге мемлекеттік сапармен барады." in 39 of 259 answered seeds dev
questions), which sit close to every question about their article. Hubness
in embedding spaces has a standard correction (CSLS): a sentence's cosine
with the question loses ``β`` times how close it sits to everything else.
Two measures of "everything else", each for the late-chunked and the alone
vector of the sentence, mixed as the answer mixes them (``ALONE_MIX``):

* ``mean``: its cosine with the mean direction of all the index's sentences;
* ``knn``: its mean cosine with its ``K`` nearest sentences of other documents.

β is swept on the answer sweep's dev sets (``mean`` at 0.5 ships: ``answer.HUB_WEIGHT``) (gold, names, dev_paraphrase,
followups_dev, KazQAD's dev half; dev_terms, dev_terms2 and dev_topics are scored
beside them, outside the mean); the frozen test splits are not read. Also
printed: how many answers quote the most quoted sentence, and the share of
answers quoting one of the five most quoted.
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from answer_sweep import answer_sets, cosine_items  # noqa: E402
from dev_indexes import dev_indexes, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

from index.answer import ALONE_MIX, SentenceCentres, select_sentences  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluate import load_gold  # noqa: E402
from index.store import LoadedIndex  # noqa: E402
from index.text import fold  # noqa: E402

BETAS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.75, 1.0)
# Scored too, not in the objective: dev sets written for the near-miss check, whose answerables carry phrases.
CHECKS = ("dev_terms", "dev_terms2", "dev_topics")
K = 10
ROOT = Path(__file__).resolve().parents[1]


def hub_scores(index: LoadedIndex) -> dict[str, np.ndarray]:
    """Per sentence row: closeness to everything else, by each measure, late and alone mixed."""
    late = index.sentence_vectors.read_all().astype(np.float32)
    alone = index.sentences_alone.read_all().astype(np.float32) if index.sentences_alone is not None else late
    starts = np.asarray(index.sentence_start)
    docs = np.array([index.passages[i].doc_id for i in range(len(starts) - 1)])
    doc_of = np.repeat(docs, np.diff(starts))
    codes = np.unique(doc_of, return_inverse=True)[1]
    centres = SentenceCentres.of(late, alone)  # the directions a build stores, from the stored rows
    out = {"mean": (1 - ALONE_MIX) * (late @ centres.late) + ALONE_MIX * (alone @ centres.alone)}
    knn = np.zeros(len(late))
    for vectors, share in ((late, 1 - ALONE_MIX), (alone, ALONE_MIX)):
        for start in range(0, len(vectors), 1024):
            block = vectors[start:start + 1024] @ vectors.T
            block[codes[start:start + 1024, None] == codes[None, :]] = -np.inf  # other documents only
            top = -np.sort(-block, axis=1)[:, :K]
            knn[start:start + 1024] += share * np.nanmean(np.where(np.isfinite(top), top, np.nan), axis=1)
    out["knn"] = np.nan_to_num(knn)
    return out


def items_with_hubs(engine: Engine, gold: list, hubs: dict[str, np.ndarray]) -> list:
    items = []
    for entry in cosine_items(engine, gold, centred=False):  # the plain cosines
        if entry is None:
            items.append(None)
            continue
        (candidates, _, hits, coverage, phrases, overlap, bonus), _, late, alone = entry
        rows = np.array([c.row for c in candidates], dtype=np.int64)
        items.append((candidates, (1 - ALONE_MIX) * late + ALONE_MIX * alone, hits, np.asarray(coverage, float),
                      phrases, {name: h[rows] for name, h in hubs.items()}, overlap, bonus))
    return items


def score(sets: dict[str, list], measure: str, beta: float) -> dict:
    row: dict = {"measure": measure, "beta": beta}
    quoted: collections.Counter = collections.Counter()
    answers = 0
    for name, items in sets.items():
        hits = 0
        for item in items:
            if item is None:
                continue
            candidates, similarity, found, coverage, phrases, hubs, overlap, bonus = item
            chosen = select_sentences(candidates, similarity - beta * hubs[measure], found, coverage, overlap=overlap,
                                      bonus=bonus)
            hits += any(p in fold(" ".join(c.text for c in chosen)) for p in phrases)
            if name != "kazqad_dev":
                answers += 1
                quoted.update({c.text for c in chosen})
        row[name] = round(hits / len(items), 4)
    row["mean"] = round(float(np.mean([row[n] for n in sets if n not in CHECKS])), 4)
    top = quoted.most_common(5)
    row["seeds_answers"] = answers
    row["most_quoted"] = top[0][1] if top else 0
    row["answers_quoting_top5"] = sum(c for _, c in top)
    return row


def main() -> None:
    args = sweep_arguments(__doc__)
    built = dev_indexes(args.work)
    hubs = {"seeds": hub_scores(built.seeds), "kazqad": hub_scores(built.kazqad)}
    sets = answer_sets(built, lambda engine, gold, name: items_with_hubs(
        engine, gold, hubs["kazqad" if name == "kazqad_dev" else "seeds"]))
    seeds = Engine(built.encoder, built.seeds)
    for name in CHECKS:
        sets[name] = items_with_hubs(seeds, load_gold(ROOT / "tests" / "data" / f"{name}.jsonl"), hubs["seeds"])
    rows = [score(sets, measure, beta) for measure in ("mean", "knn") for beta in BETAS]
    emit({"sets": {n: len(items) for n, items in sets.items()}, "k": K, "rows": rows}, args.out)


if __name__ == "__main__":
    main()
