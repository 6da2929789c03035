"""Would BM25 over character n-grams serve Kazakh better than five-letter prefixes? KazQAD dev half and seeds dev.

    .venv/bin/python bench/ngram_lexical.py [--work DIR] [--out docs/results/ngram-lexical-dev.json]

The lexical side cuts each word to five letters after folding and romanizing (lexical.py), a
crude stemmer for agglutinative Kazakh. Character n-grams are the other classic answer to
rich morphology: each word folded and romanized as the analyzer does, framed as ^word$, split
into overlapping n-grams, with its five-letter prefix kept beside them. Three measurements:
BM25 alone on KazQAD's dev half (n = 3, 4, 5, with and without the prefix); how often the union
of dense's and BM25's top k holds the right context (the ceiling fusion works under); and the
product with the n-gram BM25 in place of the shipped one (coverage stays the analyzer's, since the
near-miss check and the ranker read it), on KazQAD dev and the ranker's three seeds dev sets, at the
shipped same-language weight and at 0.4 and 1.0. No test split is read.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from unittest import mock

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import ROOT, answered, dev_indexes, sweep_arguments  # noqa: E402
from report import emit  # noqa: E402

from index.engine import Engine  # noqa: E402
from index.evaluate import _metrics, first_hit_rank, load_gold  # noqa: E402
from index.fuse import FusionParams  # noqa: E402
from index.lang import detect_language  # noqa: E402
from index.lexical import _WORD, LexicalIndex, LexicalScores, _normalise, lexical_text, own_titles  # noqa: E402
from index.search import Hit  # noqa: E402

SEEDS_SETS = ("gold", "dev_paraphrase", "followups_dev")
SAME_WEIGHTS = (0.2, 0.4, 1.0)


def ngrams(n: int, prefix: bool):
    """An analyzer: each word folded and romanized, as ^word$ cut into ``n``-grams, with its prefix beside them."""
    def tokens(text: str) -> list[str]:
        out = []
        for word in _WORD.findall(text.lower()):
            if word.isdigit():
                out.append(word)
                continue
            w = _normalise(word, True, True, True)
            if prefix and len(w[:5]) > 1:
                out.append("p:" + w[:5])
            framed = f"^{w}$"
            out += [framed] if len(framed) <= n else [framed[i:i + n] for i in range(len(framed) - n + 1)]
        return out
    return tokens


class NgramBM25:
    """bm25s over one analyzer's tokens, in passage row order."""

    def __init__(self, texts: list[str], tokens) -> None:
        import bm25s

        self.tokens = tokens
        self.retriever = bm25s.BM25()
        self.retriever.index([tokens(t) for t in texts], show_progress=False)
        self.size = len(texts)

    def scores(self, query: str) -> np.ndarray:
        vocab = self.retriever.vocab_dict
        ids = [vocab[t] for t in set(self.tokens(query)) if t in vocab]
        return np.asarray(self.retriever.get_scores_from_ids(ids), dtype=np.float32) if ids else np.zeros(self.size)


def bm25_alone(index, gold, shipped: LexicalIndex, texts: list[str], dense: np.ndarray) -> dict:
    def rank_of(scores: np.ndarray, q) -> int | None:
        order = np.argsort(-scores, kind="stable")[:10]
        return first_hit_rank([Hit(index.passages[int(i)], 0.0, 0, int(i)) for i in order], q.relevant)

    def union(lexical: list[np.ndarray], k: int) -> float:
        held = 0
        for q, d, lex in zip(gold, dense, lexical):
            rows = dict.fromkeys([*np.argsort(-d)[:k], *np.argsort(-lex)[:k]])
            held += any(first_hit_rank([Hit(index.passages[int(r)], 0.0, 0, int(r))], q.relevant) for r in rows)
        return round(held / len(gold), 4)

    shipped_scores = [shipped.score(q.question, detect_language(q.question)).bm25 for q in gold]
    report = {"shipped (prefix5+fold+roman+kazakh_stems)":
              _metrics([rank_of(s, q) for s, q in zip(shipped_scores, gold)])}
    unions = {"shipped": {k: union(shipped_scores, k) for k in (5, 10, 20)}}
    for n in (3, 4, 5):
        for prefix in (False, True):
            name = f"ngram{n}" + ("+prefix5" if prefix else "")
            bm25 = NgramBM25(texts, ngrams(n, prefix))
            scores = [bm25.scores(q.question) for q in gold]
            report[name] = _metrics([rank_of(s, q) for s, q in zip(scores, gold)])
            if n == 4 and prefix:
                unions[name] = {k: union(scores, k) for k in (5, 10, 20)}
    return {"bm25_alone": report, "union_of_dense_and_bm25_top_k": unions}


def ngram_indexes(built) -> dict[int, NgramBM25]:
    """The ``ngram4+prefix5`` BM25 of each dev index, by its lexical index (what ``LexicalIndex.score`` is asked of)."""
    extra = {}
    for index in (built.seeds, built.kazqad):
        titles = own_titles(index.documents)
        extra[id(index.lexical)] = NgramBM25([lexical_text(p, titles) for p in index.passages], ngrams(4, True))
    return extra


def product(built, sets: dict, extra: dict[int, NgramBM25] | None, weight_same: float) -> dict:
    """Each set answered by the engine, its BM25 from ``extra`` (``ngram_indexes``) when given."""
    original = LexicalIndex.score

    def score(self, query: str, lang: str = "") -> LexicalScores:
        found = original(self, query, lang)
        bm25 = extra.get(id(self))
        return found if bm25 is None else LexicalScores(bm25.scores(query), found.postings, found.total_idf)

    report = {}
    with mock.patch.object(LexicalIndex, "score", score if extra else original):
        for name, (index, gold) in sets.items():
            fusion = replace(FusionParams(), weight_same=weight_same)
            report[name] = answered(Engine(built.encoder, index, fusion=fusion), gold)
    return report


def main() -> None:
    args = sweep_arguments(__doc__)
    built = dev_indexes(args.work)
    index = built.kazqad
    gold = [q for q in load_gold(built.kazqad_dev) if q.answerable]
    titles = own_titles(index.documents)
    texts = [lexical_text(p, titles) for p in index.passages]
    vectors = index.vectors.reconstruct_n(0, index.vectors.ntotal)
    dense = built.encoder.encode_queries([q.question for q in gold]) @ vectors.T  # one language: no projection
    report: dict = {"benchmark": "ngram_lexical", "kazqad_dev": len(gold),
                    **bm25_alone(index, gold, index.lexical, texts, dense)}
    sets = {name: (built.seeds, load_gold(ROOT / "tests" / "data" / f"{name}.jsonl")) for name in SEEDS_SETS}
    sets["kazqad_dev"] = (built.kazqad, load_gold(built.kazqad_dev))
    report["product"] = {"shipped": product(built, sets, None, 0.2)}
    extra = ngram_indexes(built)
    for weight in SAME_WEIGHTS:
        report["product"][f"ngram4+prefix5, same-language weight {weight:g}"] = product(built, sets, extra, weight)
    emit(report, args.out)


if __name__ == "__main__":
    main()
