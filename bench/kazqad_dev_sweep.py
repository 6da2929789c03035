"""Could BM25's parameters or the same-language fusion weights lift KazQAD? A sweep on the dev half only.

    .venv/bin/python bench/kazqad_dev_sweep.py [--out docs/results/kazqad-dev-sweep.json]

Builds (or reuses) the KazQAD pool index, then scores KazQAD's dev half
(``gold-dev.jsonl``, never the test half) and the seeds dev gold set for
BM25 variants (k1, b, bm25s' methods; the lexical index is rebuilt in memory,
embeddings untouched) and for the same-language fusion weight, power and the
best-sentence weight. The current settings stay unless a variant is better
on both dev sets by more than noise.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import dev_indexes, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

from index.engine import Engine  # noqa: E402
from index.evaluate import evaluate, load_gold  # noqa: E402
from index.fuse import FusionParams  # noqa: E402
from index.lexical import LexicalIndex, lexical_text, own_titles  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BM25 = [(1.5, 0.75, "lucene"), (1.2, 0.75, "lucene"), (0.9, 0.4, "lucene"), (1.2, 0.5, "lucene"),
        (2.0, 0.75, "lucene"), (1.5, 0.9, "lucene"), (1.2, 0.75, "bm25+"), (1.2, 0.75, "bm25l")]


def main() -> None:
    import bm25s

    args = sweep_arguments(__doc__)
    built = dev_indexes(args.work)
    encoder, kazqad, seeds = built.encoder, built.kazqad, built.seeds
    kazqad_dev = load_gold(built.kazqad_dev)
    seeds_dev = load_gold(ROOT / "tests" / "data" / "gold.jsonl")

    def score(index, gold, fusion: FusionParams) -> dict:
        engine = Engine(encoder, index, fusion=fusion)
        report = evaluate(gold, lambda q, h: engine.retrieve(q, 10, history=h))
        return {"recall@10": report["recall@10"], "mrr@10": report["mrr@10"]}

    titles = own_titles(kazqad.documents)
    texts = [lexical_text(p, titles) for p in kazqad.passages]
    tokens = [kazqad.lexical.analyzer.tokens(t, p.lang) for t, p in zip(texts, kazqad.passages)]
    base = FusionParams()
    rows = {"current": {"kazqad_dev": score(kazqad, kazqad_dev, base), "seeds_dev": score(seeds, seeds_dev, base)},
            "bm25": [], "fusion": []}
    for k1, b, method in BM25:
        retriever = bm25s.BM25(k1=k1, b=b, method=method)
        retriever.index(tokens, show_progress=False)
        variant = copy.copy(kazqad)
        variant.lexical = LexicalIndex(retriever, kazqad.lexical.analyzer)
        rows["bm25"].append({"k1": k1, "b": b, "method": method, "kazqad_dev": score(variant, kazqad_dev, base)})
    for weight, power, sentence in itertools.product([0.1, 0.2, 0.35, 0.5, 0.8], [0.5, 1.0, 2.0], [0.5, 1.0, 2.0]):
        fusion = dataclasses.replace(base, weight_same=weight, power_same=power, sentence_weight=sentence)
        rows["fusion"].append({"weight_same": weight, "power_same": power, "sentence_weight": sentence,
                               "kazqad_dev": score(kazqad, kazqad_dev, fusion),
                               "seeds_dev": score(seeds, seeds_dev, fusion)})
    emit(rows, args.out)


if __name__ == "__main__":
    main()
