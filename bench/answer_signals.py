"""Would another signal choose the answer's sentences better? Two candidates, measured on dev sets only.

    .venv/bin/python bench/answer_signals.py [--out docs/results/answer-signals-dev.json]

``answer_hit`` misses on dev are mostly sentence choice: the right passage
is among the five cited, but its fact-holding sentence ranks below others
(bench/answer_sweep.py chooses the margin, count, budget and spread). Each
signal below is added to the shipped sentence score, its weight swept, on
the same dev questions as answer_sweep.py (gold + names, dev_paraphrase,
followups_dev, KazQAD's dev half); the frozen test splits are not read.

* ``latent``: the sentence's own latent terms (the head on the token states
  of its span in the passage's forward pass, as the build pools sentence
  vectors), matched with the question's: ``w * s / max(s)`` over the
  candidates. Seeds only: KazQAD is one language, where the head does not run.
* ``alone``: the sentence embedded on its own (no passage context, the
  build's ``sentences_alone.npy``), its cosine mixed into the late-chunked one:
  ``(1 - a) * late + a * alone``. Shipped at ``ALONE_MIX``; each row of the
  ``latent`` sweep uses it too.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from answer_sweep import answer_sets, cosine_items  # noqa: E402
from dev_indexes import dev_indexes, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

from index.answer import ALONE_MIX, PASSAGE_WEIGHT, select_sentences  # noqa: E402
from index.embed import load_embedder  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.store import LoadedIndex  # noqa: E402
from index.text import fold  # noqa: E402

LATENT_WEIGHTS = (0.0, 0.03, 0.05, 0.08, 0.12, 0.2)
ALONE_MIXES = (0.0, 0.25, 0.4, 0.5, 0.6, 0.75, 1.0)


def sentence_terms(embedder, index: LoadedIndex) -> dict[int, object]:
    """Latent terms of every quotable sentence, keyed by its row, pooled from its passage's token states."""
    model = embedder.model
    prompt = model.prompts.get("document", "")
    count = len(index.sentence_start) - 1
    passages = [index.passages[i] for i in range(count)]
    outputs = model.encode_document([p.text for p in passages], batch_size=16, output_value=None)
    offsets = model.tokenizer([prompt + p.text for p in passages], return_offsets_mapping=True, truncation=True,
                              max_length=model.max_seq_length)["offset_mapping"]
    out = {}
    for i, (passage, output, token_offsets) in enumerate(zip(passages, outputs, offsets)):
        tokens = output["token_embeddings"][output["attention_mask"].bool()].float().numpy()
        starts = np.array([s for s, _ in token_offsets])[: len(tokens)] - len(prompt)
        ends = np.array([e for _, e in token_offsets])[: len(tokens)] - len(prompt)
        for (a, b), row in zip(passage.sentences, index.sentence_rows(i)):
            inside = (ends > starts) & (starts >= a) & (ends <= b)
            out[row] = embedder.head(tokens[inside]) if inside.any() else None
    return out


def with_signals(engine: Engine, gold: list, terms: dict | None) -> list:
    """``prepared`` items, each with the candidates' late-chunked cosine, latent match and cosine embedded alone."""
    items = []
    for entry in cosine_items(engine, gold):
        if entry is None:
            items.append(None)
            continue
        (candidates, _, hits, coverage, phrases, overlap, bonus), embedded, late, alone = entry
        latent = np.zeros(len(candidates))
        if terms is not None and embedded.terms is not None:
            dense = embedded.terms.dense(engine.embedder.head.features)
            latent = np.array([0.0 if terms.get(c.row) is None
                               else float(dense[terms[c.row].features] @ terms[c.row].values) for c in candidates])
            latent = latent / latent.max() if latent.max() > 0 else latent
        items.append((candidates, late, hits, np.asarray(coverage, float), phrases, latent, alone, overlap, bonus))
    return items


def chosen_hit(item: tuple, latent_weight: float = 0.0, mix: float = ALONE_MIX) -> tuple[bool, int]:
    """Whether the shipped sentence choice, given the signal, states a gold phrase; and the answer's length.

    ``select_sentences`` weighs the cosine by ``1 - PASSAGE_WEIGHT``, so a term
    added to the score is added to the cosine divided by it.
    """
    candidates, similarity, hits, coverage, phrases, latent, alone, overlap, bonus = item
    cosine = (1 - mix) * similarity + mix * alone + latent_weight * latent / (1 - PASSAGE_WEIGHT)
    chosen = select_sentences(candidates, cosine, hits, coverage, overlap=overlap, bonus=bonus)
    text = fold(" ".join(c.text for c in chosen))
    return any(p in text for p in phrases), sum(len(c.text) for c in chosen)


def score(sets: dict[str, list], **params) -> dict:
    row: dict = dict(params)
    lengths: list[int] = []
    for name, items in sets.items():
        results = [chosen_hit(item, **params) for item in items if item is not None]
        row[name] = round(sum(hit for hit, _ in results) / len(items), 4)
        lengths += [length for _, length in results]
    row["mean"] = round(float(np.mean([row[n] for n in sets])), 4)
    row["median_chars"] = int(np.median(lengths))
    return row


def main() -> None:
    args = sweep_arguments(__doc__)
    built = dev_indexes(args.work)
    embedder = load_embedder()
    terms = sentence_terms(embedder, built.seeds) if embedder.head is not None else None
    sets = answer_sets(built, lambda engine, gold, name: with_signals(engine, gold, None if name == "kazqad_dev" else terms))
    shipped = score(sets)
    latent = [score(sets, latent_weight=w) for w in LATENT_WEIGHTS]
    mixed = [score(sets, mix=a) for a in ALONE_MIXES]
    emit({"sets": {n: len(items) for n, items in sets.items()}, "shipped": shipped,
          "latent": latent, "alone": mixed}, args.out)


if __name__ == "__main__":
    main()
