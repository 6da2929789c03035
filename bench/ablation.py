"""Dense-retrieval design choices on the gold set, side by side, as JSON.

    .venv/bin/python bench/ablation.py [--gold tests/data/gold.jsonl] [--corpus seeds]

Varies passage size and the language-bias correction (none; per-language
centroids of the corpus itself; projecting out the language subspace estimated
from the parallel reference set, as the index does). Everything else is the
production code path: same loader, chunker, model, and metrics.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from index.chunk import chunk_document
from index.corpus import load_corpus
from index.embed import load_embedder
from index.evaluate import _metrics, first_hit_rank, load_gold
from index.language_subspace import estimate_basis, project
from index.search import Hit
from index.settings import load_settings
from index.text import fold

SIZES = [(120, 180, 40), (80, 130, 30), (60, 100, 25), (40, 70, 15)]


def passages_for(docs, target: int, maximum: int, minimum: int):
    seen, out = set(), []
    for doc in docs:
        for p in chunk_document(doc, target, maximum, minimum):
            if fold(p.text) not in seen:
                seen.add(fold(p.text))
                out.append(p)
    return out


def score_run(gold, passages, scores_for) -> dict:
    ranks, by_lang = [], {}
    for q in gold:
        scores = scores_for(q)
        order = np.argsort(-scores)[:10]
        hits = [Hit(passages[i], float(scores[i]), r + 1) for r, i in enumerate(order)]
        rank = first_hit_rank(hits, q.relevant)
        ranks.append(rank)
        by_lang.setdefault(q.lang, []).append(rank)
    out = _metrics(ranks)
    out["recall@5_by_lang"] = {lang: _metrics(r)["recall@5"] for lang, r in sorted(by_lang.items())}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=Path("tests/data/gold.jsonl"))
    parser.add_argument("--corpus", type=Path, default=None)
    args = parser.parse_args()
    settings = load_settings(corpus_dir=args.corpus)
    embedder = load_embedder(settings.embedding_model, settings.model_cache_dir)
    docs, _ = load_corpus(settings.corpus_dir)
    gold = [q for q in load_gold(args.gold) if q.answerable]
    queries = {q.id: embedder.encode_queries([q.question])[0] for q in gold}
    basis = estimate_basis(embedder.encode_queries, embedder.encode_passages)
    rows = []
    for target, maximum, minimum in SIZES:
        passages = passages_for(docs, target, maximum, minimum)
        vectors = embedder.encode_passages([p.text for p in passages])
        langs = [p.lang for p in passages]
        centroid = {lang: vectors[[i for i, l in enumerate(langs) if l == lang]].mean(0) for lang in set(langs)}
        offsets = np.array([centroid[l] - vectors.mean(0) for l in langs])
        projected = project(vectors, basis)
        variants = {
            "none": lambda q: vectors @ queries[q.id],
            "corpus-centroids": lambda q: vectors @ queries[q.id] - 0.5 * offsets @ queries[q.id],
            "language-subspace": lambda q: projected @ project(queries[q.id], basis),
        }
        for name, fn in variants.items():
            rows.append({"passage_words": f"{target}/{maximum}", "passages": len(passages), "debias": name,
                         **score_run(gold, passages, fn)})
    print(json.dumps({"model": embedder.model_id, "questions": len(gold), "runs": rows}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
