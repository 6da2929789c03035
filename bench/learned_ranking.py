"""Would a ranker learned from the dev questions order the top 30 better than the hand-set fusion? Dev only.

    .venv/bin/python bench/learned_ranking.py [--out docs/results/learned-ranking-dev.json]

The shipped hybrid score is a hand-weighted sum (fuse.py), each weight chosen
by a one-dimensional sweep. Recall@10 sits far above recall@1, so the right
passage is usually among the top ten and out-ranked by neighbours whose
cosines differ in the third decimal. A linear ranker over the signals the
index already holds, fit pairwise (relevant minus non-relevant candidate of
the same question, logistic loss), might weigh them better than the sweeps.

Features of each of the fused ranking's top ``DEPTH`` candidates, scores taken
relative to the question's best candidate: the ones the product ships
(index/rerank.py ``FEATURES``: the fused score, its best late-chunked
sentence, its best sentence embedded alone, IDF coverage, written in the
question's language, log rank) and seventeen measured and left out (``EXTRAS``:
passage cosine, BM25 over the best, latent-term match, the best cosine of
its neighbouring passages and the best sentence among them, its document's
best cosine among the candidates and how many of them it has, whether it is
written in the question's sister language: Kazakh for Kyrgyz or the reverse,
the question's word pairs found in it, and its best sentence as answers score
sentences, genericness taken away: ``centred_sentence``; whether it is written in the
question's script, Cyrillic or Latin: ``same_script``; the fused score less the mean of the head's candidates in
its language: ``language_centred``; BM25 over character 4-grams, bench/ngram_lexical.py's best form, over
its best over the index: ``ngram``; the coverage and that BM25 counted only for a candidate in the
question's language: ``same_coverage``, ``same_bm25``; the largest share of the question's IDF mass one
of its sentences holds: ``sentence_coverage``). ``TEN`` is the subset backward
elimination kept; it was tried in the product and lost on the test splits. ``--added NAME``
scores only the shipped six against the six and NAME, held out, with the paired bootstrap.

Scored by the same objective as every sweep (dev_indexes.OBJECTIVE), two ways
of holding questions out: leave one dev set out (fit on the other three:
questions of a kind the ranker never saw, the honest case) and 5-fold within
the pooled sets. No test split is read. ``--write`` writes the ranker fit on
every dev set (``SHIPPED_C``, the shipped features) to index/data/ranker.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_indexes import OBJECTIVE, ROOT, dev_indexes, retrieval_sets, sweep_arguments  # noqa: E402
from ngram_lexical import NgramBM25, ngram_indexes  # noqa: E402
from report import emit  # noqa: E402

from index.answer import Candidate  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluate import is_hit, load_gold  # noqa: E402
from index.lang import detect_language  # noqa: E402
from index.search import best_sentence_scores  # noqa: E402
from index.rerank import FEATURES, RANKER_FILE, Ranker, head_features  # noqa: E402

DEPTH = 30
# Seeds dev sets written after the ranker was fit; --more adds them to its training sets as one set.
MORE = ("dev_terms", "dev_terms2", "dev_topics", "dev_entities", "dev_places", "dev_places2")
# The shipped ranker's features (index/rerank.py) first, then those measured and left out.
EXTRAS = ("passage", "bm25", "latent", "neighbour", "document_best", "document_count", "kin_language",
          "bigram", "skip_bigram", "neighbour_sentence", "centred_sentence", "same_script", "language_centred",
          "ngram", "same_coverage", "same_bm25", "sentence_coverage")
SCRIPT = {"en": "latin", "ru": "cyrillic", "kk": "cyrillic", "ky": "cyrillic"}  # of each corpus language
KIN = {"kk": "ky", "ky": "kk"}  # Kazakh and Kyrgyz: close enough that e5 and the lexical side treat them as one
NAMES = FEATURES + EXTRAS
# Chosen from NAMES by backward elimination on the held-out objective; better held out, lost on the test
# splits, not shipped (docs/benchmarks.md §1).
TEN = ("sentence", "alone", "coverage", "same_language", "log_rank", "bm25", "latent", "document_best",
       "kin_language", "neighbour_sentence")
C_VALUES = (0.01, 0.1, 1.0)
SHIPPED_C = 0.01


def features(engine: Engine, question: str, history: tuple[str, ...],
             ngram: NgramBM25 | None = None) -> tuple[np.ndarray, list]:
    """The fused top ``DEPTH`` candidates' passages, and one feature row each (``NAMES``).

    The shipped features come from the product's own ``head_features`` on the
    fused order (``learned=False``), so the ranker is fit on what it will see.
    ``ngram``: the index's BM25 over character 4-grams (``ngram_indexes``); without it that column is 0.
    """
    index = engine.index
    ranked = engine.ranked(question, DEPTH, history=history, learned=False)
    scored, head = ranked.scored, ranked.order[:DEPTH]
    core = head_features(index, ranked.vector, scored, ranked.order, ranked.ranking, DEPTH)
    rows = scored.rows[head]
    hits = [scored.passages[i] for i in head]
    vector = ranked.vector.astype(np.float32)
    passage = index.passage_vectors.rows(rows) @ vector
    top_bm25 = float(scored.bm25.max(initial=0.0)) or 1.0
    latent = scored.latent[head] if scored.latent is not None else np.zeros(len(rows))
    docs = [p.doc_id for p in hits]
    total = len(index.passages)
    neighbour = np.array(passage, dtype=np.float64)
    near = sorted({int(r) + d for r in rows for d in (-1, 1) if 0 <= int(r) + d < total})
    if near:
        near_cos = dict(zip(near, index.passage_vectors.rows(np.array(near)) @ vector))
        near_doc = dict(zip(near, (p.doc_id for p in index.passages.many(near))))
        for j, r in enumerate(rows):
            around = [near_cos[n] for n in (int(r) - 1, int(r) + 1) if near_doc.get(n) == docs[j]]
            neighbour[j] = max(around, default=passage[j])
    lang = detect_language(question)
    kin = KIN.get(lang)
    bigram, skip_bigram = _pair_matches(index.lexical, question, lang, hits)
    own_sentence = scored.sentence[head].astype(np.float64)
    neighbour_sentence = own_sentence.copy()
    if near:
        near_rows = np.array(near)
        near_best = dict(zip(near, best_sentence_scores(index, vector, near_rows,
                                                        index.passage_vectors.rows(near_rows) @ vector)))
        for j, r in enumerate(rows):
            around = [near_best[n] for n in (int(r) - 1, int(r) + 1) if near_doc.get(n) == docs[j]]
            neighbour_sentence[j] = max(around, default=own_sentence[j])
    ngram_score = np.zeros(len(rows))
    if ngram is not None:  # on the lexical query the product scores BM25 on (a follow-up's carries names)
        every = ngram.scores(engine.follow_up(question, history).lexical_query(question))
        ngram_score = every[rows] / (float(every.max(initial=0.0)) or 1.0)
    best_of: dict[str, float] = {}
    for j, d in enumerate(docs):
        best_of[d] = max(best_of.get(d, -1.0), float(passage[j]))
    extras = np.column_stack([
        passage - passage.max(), scored.bm25[head] / top_bm25, latent, neighbour - passage.max(),
        np.array([best_of[d] for d in docs]) - passage.max(), np.log1p([docs.count(d) for d in docs]),
        np.array([p.lang == kin for p in hits], dtype=np.float64), bigram, skip_bigram,
        neighbour_sentence - own_sentence.max(), _centred_best(engine, vector, rows),
        np.array([SCRIPT.get(p.lang) == SCRIPT.get(lang) for p in hits], dtype=np.float64),
        _language_centred(np.asarray(ranked.ranking[head], dtype=np.float64), [p.lang for p in hits]),
        ngram_score,
        core[:, FEATURES.index("coverage")] * core[:, FEATURES.index("same_language")],
        scored.bm25[head] / top_bm25 * core[:, FEATURES.index("same_language")],
        _sentence_coverage(engine, question, history, hits, lang),
    ])
    return np.hstack([core, extras]), hits


def _sentence_coverage(engine: Engine, question: str, history: tuple[str, ...], hits: list, lang: str) -> np.ndarray:
    """Per candidate, the largest share of the question's IDF mass one of its sentences holds, less the best's."""
    query = engine.follow_up(question, history).lexical_query(question)
    best = np.array([max(engine.index.lexical.text_coverage(query, [p.text[a:b] for a, b in p.sentences] or [p.text],
                                                            lang), default=0.0) for p in hits])
    return best - best.max(initial=0.0)


def _centred_best(engine: Engine, vector: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Each candidate's best sentence as answers score sentences (answer.SentenceCentres: genericness taken
    away, late-chunked and alone mixed), relative to the head's best; a passage without sentences gets the
    head's lowest."""
    index = engine.index
    candidates = [Candidate(0, "", r) for row in rows for r in index.sentence_rows(int(row))]
    if not candidates:
        return np.zeros(len(rows))
    scores = engine.similarity(vector, candidates, engine.centres)
    counts = np.array([len(index.sentence_rows(int(row))) for row in rows])
    best = np.full(len(rows), -np.inf)
    has = counts > 0
    best[has] = np.maximum.reduceat(scores, np.concatenate([[0], np.cumsum(counts[has])[:-1]]))
    best[~has] = best[has].min() if has.any() else 0.0
    return best - best.max()


def _language_centred(fused: np.ndarray, langs: list[str]) -> np.ndarray:
    """Each candidate's fused score less the mean of the head's candidates in its language: e5's lift of a
    question's own language, taken away per question instead of by a fixed weight fit on a mix of questions."""
    out = np.array(fused, dtype=np.float64)
    for lang in set(langs):
        mask = np.array([x == lang for x in langs])
        out[mask] -= fused[mask].mean()
    return out


def _pairs_within(tokens: list[str], reach: int) -> set[tuple[str, str]]:
    return {(a, b) for i, a in enumerate(tokens) for b in tokens[i + 1:i + 1 + reach] if a != b}


def _pair_matches(lexical, question: str, lang: str, hits: list) -> tuple[np.ndarray, np.ndarray]:
    """IDF-weighted share of the question's adjacent (and within-three) token pairs the passage holds as such.

    BM25 scores words one by one; a question that keeps its passage's phrasing
    shares word pairs with it that neighbouring passages of the same article,
    sharing the words, do not. Tokenising 30 passages costs about 1.3 ms a
    question, a third of what the whole ranking may add.
    """
    idf = lexical._query_idf(question, lang)
    tokens = lexical.analyzer.tokens(question, lang)
    out = []
    for reach in (1, 3):
        weight = {p: idf[p[0]] + idf[p[1]] for p in _pairs_within(tokens, reach)}
        total = sum(weight.values()) or 1.0
        held = [_pairs_within(lexical.analyzer.tokens(h.text, h.lang), reach) for h in hits]
        out.append(np.array([sum(w for p, w in weight.items() if p in pairs) / total for pairs in held]))
    return out[0], out[1]


def _metrics(ranks: list[int | None]) -> dict:
    n = len(ranks)
    return {"n": n,
            "recall@1": round(sum(1 for r in ranks if r and r <= 1) / n, 4),
            "recall@5": round(sum(1 for r in ranks if r and r <= 5) / n, 4),
            "recall@10": round(sum(1 for r in ranks if r and r <= 10) / n, 4),
            "mrr@10": round(sum(1 / r for r in ranks if r and r <= 10) / n, 4)}


def _rank_of(scores: np.ndarray, labels: np.ndarray) -> int | None:
    order = np.argsort(-scores, kind="stable")
    found = np.flatnonzero(labels[order])
    return int(found[0]) + 1 if len(found) else None


def _pairs(items: list[tuple[np.ndarray, np.ndarray, float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Differences relevant − other within each question (and their negatives), weighted per question."""
    xs, ys, ws = [], [], []
    for table, labels, weight in items:
        good, bad = np.flatnonzero(labels), np.flatnonzero(~labels)
        if not len(good) or not len(bad):
            continue
        diff = (table[good][:, None, :] - table[bad][None, :, :]).reshape(-1, table.shape[1])
        w = weight / len(diff)
        xs += [diff, -diff]
        ys += [np.ones(len(diff)), np.zeros(len(diff))]
        ws += [np.full(len(diff), w), np.full(len(diff), w)]
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(ws)


def _fit(items, c: float) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    x, y, w = _pairs(items)
    scale = x.std(0) + 1e-9
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=2000)
    model.fit(x / scale, y, sample_weight=w * len(w) / w.sum())
    return model.coef_[0] / scale, scale


def _ranks(items, weights: np.ndarray | None) -> list[int | None]:
    """Each question's rank of its first relevant candidate; fused order where ``weights`` is None."""
    return [_rank_of(table @ weights if weights is not None else -np.arange(len(labels), dtype=float), labels)
            for table, labels, _ in items]


def _score(items, weights: np.ndarray | None) -> dict:
    return _metrics(_ranks(items, weights))


def _objective(report: dict) -> float:
    return round(sum(r["recall@5"] + r["mrr@10"] for r in report.values()) / (2 * len(report)), 4)


def _columns(data: dict, names: tuple[str, ...]) -> dict:
    keep = [NAMES.index(n) for n in names]
    return {n: [(t[:, keep], lab, w) for t, lab, w in rows] for n, rows in data.items()}


def _held_out_ranks(data: dict, c: float) -> dict[str, list[int | None]]:
    """Each question's rank under a ranker fit on the other sets."""
    sets = list(data)
    out = {}
    for n in sets:
        weights = _fit([i for m in sets if m != n for i in data[m]], c)[0]
        out[n] = _ranks(data[n], weights)
    return out


def _summary(ranks: dict[str, list[int | None]]) -> dict:
    held = {n: _metrics(r) for n, r in ranks.items()}
    held["objective"] = _objective(held)
    return held


def _held_out(data: dict, c: float) -> dict:
    """Each set scored by a ranker fit on the other sets."""
    return _summary(_held_out_ranks(data, c))


def _with_more(data: dict, c: float) -> dict:
    """Each set held out, ranked by a fit on the other sets with ``seeds_more`` among them, against the same
    set ranked as the shipped configuration would (a fit on the original sets but itself)."""
    original = [n for n in data if n != "seeds_more"]
    before = _held_out_ranks({n: data[n] for n in original}, c)
    before["seeds_more"] = _ranks(data["seeds_more"], _fit([i for n in original for i in data[n]], c)[0])
    after = _held_out_ranks(data, c)
    return {"original_sets_only": _summary(before), "with_seeds_more": _summary(after),
            "bootstrap": _paired_bootstrap(before, after)}


def _paired_bootstrap(base: dict[str, list], other: dict[str, list], rounds: int = 2000) -> dict:
    """How far the objective's difference between two rankings moves when other questions are drawn.

    Questions are resampled within each set, the same draw for both rankings,
    so the interval is what a test split of the dev sets' size and kind would
    likely show: a held-out gain whose interval spans zero is not yet a result.
    """
    def value(r: int | None) -> float:
        return ((1.0 if r and r <= 5 else 0.0) + (1.0 / r if r and r <= 10 else 0.0)) / 2

    rng = np.random.default_rng(0)
    gaps = np.zeros(rounds)
    for n in base:
        a = np.array([value(r) for r in base[n]])
        b = np.array([value(r) for r in other[n]])
        draws = rng.integers(0, len(a), (rounds, len(a)))
        gaps += (b[draws] - a[draws]).mean(1) / len(base)
    low, high = np.percentile(gaps, [2.5, 97.5])
    return {"difference": round(float(gaps.mean()), 4), "interval_95": [round(float(low), 4), round(float(high), 4)],
            "share_of_draws_not_better": round(float((gaps <= 0).mean()), 4), "rounds": rounds}


def _five_fold(data: dict, c: float) -> dict:
    sets = list(data)
    rng = np.random.default_rng(0)
    assign = {n: rng.integers(0, 5, len(data[n])) for n in sets}
    scored: dict = {n: [] for n in sets}
    for fold in range(5):
        weights, _ = _fit([i for n in sets for i, a in zip(data[n], assign[n]) if a != fold], c)
        for n in sets:
            scored[n] += [_rank_of(t @ weights, lab) for (t, lab, _), a in zip(data[n], assign[n]) if a == fold]
    out = {n: _metrics(scored[n]) for n in sets}
    out["objective"] = _objective(out)
    return out


def _by_language(data: dict, gold: dict, doc_lang: dict, c: float) -> dict:
    """Seeds sets held out, split by whether the question shares a relevant document's language."""
    sets = list(data)
    out = {}
    for n, questions in gold.items():
        weights, _ = _fit([i for m in sets if m != n for i in data[m]], c)
        same = [any(doc_lang.get(r.doc) == detect_language(q.question) for r in q.relevant) for q in questions]
        for flag, label in ((True, "same_language"), (False, "cross_lingual")):
            items = [item for item, s in zip(data[n], same) if s == flag]
            out[f"{n}/{label}"] = {"fused": _score(items, None), "learned": _score(items, weights)}
    return out


def _added(data: dict, shipped: dict, name: str, sets: list[str]) -> dict:
    """The shipped six against the six and ``name``, held out (leave one set out, ``SHIPPED_C``), with the
    paired bootstrap of the difference, and the seven's weights fit on every set."""
    seven = _columns(data, FEATURES + (name,))
    base, added = _held_out_ranks(shipped, SHIPPED_C), _held_out_ranks(seven, SHIPPED_C)
    weights, _ = _fit([i for n in sets for i in seven[n]], SHIPPED_C)
    return {"objective": OBJECTIVE, "c": SHIPPED_C, "shipped": _summary(base), f"shipped_and_{name}": _summary(added),
            "bootstrap": _paired_bootstrap(base, added),
            "fit_on_every_dev_set": dict(zip(FEATURES + (name,), (round(float(w), 4) for w in weights)))}


def main() -> None:
    def extra(parser) -> None:
        parser.add_argument("--write", action="store_true", help=f"write the ranker fit on every dev set to {RANKER_FILE}")
        parser.add_argument("--added", choices=EXTRAS, default=None,
                            help="only the shipped six against the six and this one: held out, bootstrap, the fit")
        parser.add_argument("--more", action="store_true",
                            help=f"also fit on the newer seeds dev sets, pooled as one ({', '.join(MORE)})")

    args = sweep_arguments(__doc__, extra)
    built = dev_indexes(args.work)
    engines = {"seeds": Engine(built.encoder, built.seeds), "kazqad": Engine(built.encoder, built.kazqad)}
    by_lexical = ngram_indexes(built)
    ngram = {name: by_lexical[id(engine.index.lexical)] for name, engine in engines.items()}
    data: dict[str, list] = {}
    gold: dict[str, list] = {}
    sets_read = retrieval_sets(built)
    if args.more:
        sets_read["seeds_more"] = ("seeds", [q for name in MORE for q in load_gold(ROOT / "tests" / "data" / f"{name}.jsonl")])
    for name, (which, questions) in sets_read.items():
        answerable = [q for q in questions if q.answerable]
        rows = []
        for q in answerable:
            table, hits = features(engines[which], q.question, tuple(q.history), ngram[which])
            labels = np.array([is_hit(p, q.relevant) for p in hits])
            rows.append((table, labels, 1.0 / len(answerable)))
        data[name] = rows
        if which == "seeds":
            gold[name] = answerable
    sets = list(data)
    seeds = built.seeds
    doc_lang = {p.doc_id: p.lang for p in seeds.passages.many(range(len(seeds.passages)))}
    shipped = _columns(data, FEATURES)
    if args.added:
        emit(_added(data, shipped, args.added, sets), args.out)
        return
    report: dict = {"objective": OBJECTIVE, "depth": DEPTH, "shipped_features": list(FEATURES),
                    "shipped_c": SHIPPED_C, "fused": {n: _score(data[n], None) for n in sets}}
    report["fused"]["objective"] = _objective({n: report["fused"][n] for n in sets})
    shipped_ranks = {c: _held_out_ranks(shipped, c) for c in C_VALUES}
    for c in C_VALUES:
        report[f"shipped_features_C={c}"] = {"leave_one_set_out": _summary(shipped_ranks[c]),
                                             "five_fold": _five_fold(shipped, c)}
    ten = _columns(data, TEN)
    ten_ranks = _held_out_ranks(ten, SHIPPED_C)
    report[f"ten_features_C={SHIPPED_C}"] = {
        "features": list(TEN), "leave_one_set_out": _summary(ten_ranks), "five_fold": _five_fold(ten, SHIPPED_C),
        "against_shipped_leave_one_set_out_bootstrap": _paired_bootstrap(shipped_ranks[SHIPPED_C], ten_ranks)}
    report[f"shipped_features_C={SHIPPED_C}"]["against_fused_leave_one_set_out_bootstrap"] = _paired_bootstrap(
        {n: _ranks(data[n], None) for n in sets}, shipped_ranks[SHIPPED_C])
    every = _columns(data, NAMES)
    report[f"every_feature_C={SHIPPED_C}"] = {"leave_one_set_out": _held_out(every, SHIPPED_C)}
    report[f"every_feature_but_one_leave_one_set_out_C={SHIPPED_C}"] = {
        name: _held_out(_columns(data, tuple(n for n in NAMES if n != name)), SHIPPED_C)["objective"]
        for name in NAMES}
    report[f"added_to_shipped_leave_one_set_out_C={SHIPPED_C}"] = {
        name: _held_out(_columns(data, FEATURES + (name,)), SHIPPED_C)["objective"] for name in EXTRAS}
    if args.more:
        report[f"with_seeds_more_C={SHIPPED_C}"] = _with_more(shipped, SHIPPED_C)
    report["seeds_by_language_leave_one_set_out"] = _by_language(shipped, gold, doc_lang, SHIPPED_C)
    weights, _ = _fit([i for n in sets for i in shipped[n]], SHIPPED_C)
    ranker = Ranker(tuple(float(w) for w in weights), DEPTH)
    report["ranker_fit_on_every_dev_set"] = ranker.to_dict()
    if args.write:
        RANKER_FILE.write_text(json.dumps({**ranker.to_dict(), "fit": (
            f"bench/learned_ranking.py --write: pairwise logistic regression, C={SHIPPED_C}, on the answerable "
            f"questions of {', '.join(sets)} (each set weighing the same); no test split read")},
            indent=2) + "\n", encoding="utf-8")
    emit(report, args.out)


if __name__ == "__main__":
    main()
