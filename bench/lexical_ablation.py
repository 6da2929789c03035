"""Which lexical analyzer and which fusion, measured: the numbers behind lexical.py and fuse.py.

For a built index and a gold file, scores every question once with the dense
retriever, then tries each analyzer (plain words, Russian Snowball, prefixes of
4–7 letters, Kazakh/Kyrgyz letter folding, romanization, Kazakh Hunspell stems) as BM25 alone and
fused with dense: plain RRF (k=60) and the evidence-weighted fusion of fuse.py
over a grid of weights. Prints JSON.

    python bench/lexical_ablation.py --gold tests/data/gold.jsonl --index-dir var/index
    python bench/kazqad.py --prepare-only var/bench/kq && corpusbot index build --corpus var/bench/kq/corpus \
        --index-dir var/bench/kq/index && python bench/lexical_ablation.py --gold var/bench/kq/gold.jsonl \
        --index-dir var/bench/kq/index
"""

from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from index.embed import load_embedder
from index.evaluate import first_hit_rank, load_gold
from index.fuse import FusionParams, rank, rrf
from index.lang import detect_language
from index.language_subspace import project
from index.lexical import Analyzer, LexicalIndex, lexical_text, own_titles
from index.search import Hit, Scored
from index.settings import load_settings
from index.store import load_index

ANALYZERS = {
    "words": Analyzer(fold=False, romanize=False, prefix=None),
    "words+fold": Analyzer(fold=True, romanize=False, prefix=None),
    "words+fold+roman": Analyzer(fold=True, romanize=True, prefix=None),
    "snowball_ru+prefix5": Analyzer(fold=False, romanize=False, prefix=5, stem_russian=True),
    "prefix4": Analyzer(fold=False, romanize=False, prefix=4),
    "prefix5": Analyzer(fold=False, romanize=False, prefix=5),
    "prefix6": Analyzer(fold=False, romanize=False, prefix=6),
    "prefix7": Analyzer(fold=False, romanize=False, prefix=7),
    "prefix5+fold": Analyzer(fold=True, romanize=False, prefix=5),
    "prefix5+fold+roman": Analyzer(fold=True, romanize=True, prefix=5),
    "prefix6+fold+roman": Analyzer(fold=True, romanize=True, prefix=6),
    # the shipped analyzer: prefix5+fold+roman after the Kazakh Hunspell stems of the corpus (stems.py)
    "prefix5+fold+roman+kazakh_stems": Analyzer(fold=True, romanize=True, prefix=5),
}
WITH_STEMS = {"prefix5+fold+roman+kazakh_stems"}
SENTENCE_WEIGHTS = (1.0,)
# (weight, power) of the lexical term for passages in the question's language, and in another
SAME = ((0.15, 0.5), (0.2, 0.5), (0.15, 1.0), (0.2, 1.0), (0.3, 1.0))
CROSS = ((0.05, 1.0), (0.1, 2.0), (0.3, 2.0))
REACH = (0.0, 2.0, 3.0)


def metrics(ranks: list[int | None], langs: list[str], cross: list[bool]) -> dict:
    def summary(sel: list[int | None]) -> dict:
        n = len(sel)
        out = {f"recall@{k}": round(sum(1 for r in sel if r and r <= k) / n, 4) for k in (1, 5, 10)}
        out["mrr@10"] = round(sum(1 / r for r in sel if r and r <= 10) / n, 4)
        return out

    out = summary(ranks)
    out["recall@5_by_lang"] = {lang: summary([r for r, l in zip(ranks, langs) if l == lang])["recall@5"]
                               for lang in sorted(set(langs))}
    if any(cross):
        out["cross_lingual_recall@5"] = summary([r for r, c in zip(ranks, cross) if c])["recall@5"]
    return out


def sentence_max(index, queries: np.ndarray, dense: np.ndarray) -> np.ndarray:
    """Per question and passage, the best cosine of any of the passage's sentences (the passage's own if none)."""
    sims = queries @ index.sentence_vectors.read_all().T
    out = dense.copy()
    for row in range(len(index.passages)):
        rows = index.sentence_rows(row)
        if len(rows):
            out[:, row] = sims[:, rows.start:rows.stop].max(axis=1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--analyzers", nargs="*", default=list(ANALYZERS))
    parser.add_argument("--titles", action="store_true", help="add a document's own title to its passages' tokens")
    args = parser.parse_args()

    settings = load_settings()
    embedder = load_embedder(settings.embedding_model, settings.model_cache_dir, settings.embed_batch_size)
    index = load_index(args.index_dir, embedder.fingerprint)
    gold = [q for q in load_gold(args.gold) if q.answerable]
    doc_lang = {d.doc_id: d.lang for d in index.documents}
    langs = [q.lang for q in gold]
    cross = [all(doc_lang.get(r.doc) != q.lang for r in q.relevant) for q in gold]
    queries = project(embedder.encode_queries([q.question for q in gold]), index.language_basis)
    all_vectors = index.vectors.reconstruct_n(0, index.vectors.ntotal)
    dense = queries @ all_vectors.T
    rows = np.arange(len(index.passages))
    sentence = sentence_max(index, queries, dense)

    def ranks_for(scores_per_q: list[np.ndarray]) -> list[int | None]:
        out = []
        for q, scores in zip(gold, scores_per_q):
            order = np.argsort(-scores, kind="stable")[:10]
            out.append(first_hit_rank([Hit(index.passages[i], 0.0, 0, i) for i in order], q.relevant))
        return out

    report: dict = {"gold": str(args.gold), "questions": len(gold), "passages": len(rows),
                    "dense": metrics(ranks_for(list(dense)), langs, cross), "analyzers": {}}
    for lam in SENTENCE_WEIGHTS:
        report[f"dense+sentence{lam}"] = metrics(ranks_for(list((dense + lam * sentence) / (1 + lam))), langs, cross)
    titles = own_titles(index.documents) if args.titles else {}
    for name in args.analyzers:
        texts, passage_langs = [lexical_text(p, titles) for p in index.passages], [p.lang for p in index.passages]
        lexical = (LexicalIndex.for_passages if name in WITH_STEMS else LexicalIndex.build)(
            texts, passage_langs, ANALYZERS[name])
        qlangs = [detect_language(q.question) for q in gold]
        lexical_scores = [lexical.score(q.question, lang) for q, lang in zip(gold, qlangs)]
        same = [np.array([p.lang == lang for p in index.passages]) for lang in qlangs]
        scored = [Scored(rows, None, dense[i], lex.bm25, lex.coverage, same[i]) for i, lex in enumerate(lexical_scores)]
        entry = {"bm25": metrics(ranks_for([s.bm25 for s in scored]), langs, cross),
                 "rrf60": metrics(ranks_for([rrf(s) for s in scored]), langs, cross), "hybrid": {}}
        for lam in (0.0, *SENTENCE_WEIGHTS):
            scored = [Scored(rows, None, (dense[i] + lam * sentence[i]) / (1 + lam), lex.bm25, lex.coverage, same[i])
                      for i, lex in enumerate(lexical_scores)]
            for (ws, ps), (wc, pc), rp in itertools.product(SAME, CROSS, REACH):
                params = replace(FusionParams(), weight_same=ws, power_same=ps, weight_cross=wc, power_cross=pc,
                                 reach_power=rp)
                entry["hybrid"][f"s{lam:g}_same{ws:g}^{ps:g}_cross{wc:g}^{pc:g}_reach{rp:g}"] = metrics(
                    ranks_for([rank(s, "hybrid", params) for s in scored]), langs, cross)
        report["analyzers"][name] = entry
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
