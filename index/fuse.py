"""Rank candidates for each retrieval mode; fuse dense and lexical evidence for ``hybrid``.

Plain reciprocal-rank fusion trusts the lexical ranking as much as the dense
one. Across languages that is wrong: an English question shares almost no
tokens with a Kazakh passage, so BM25 ranks a few stray matches as
confidently as real ones, and RRF (k=60) then *lowers* recall (measured in
docs/benchmarks.md). Here the lexical side only adds to the dense cosine in
proportion to its evidence: the share of the question's IDF mass a passage
actually contains (``coverage``). A passage that holds the question's rare
name and number is lifted; one that shares a stray token is not.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import AbstractSet, Callable, Literal

import numpy as np

from .rerank import Ranker, load_ranker
from .search import Scored

Mode = Literal["dense", "bm25", "hybrid"]
MODES: tuple[Mode, ...] = ("dense", "bm25", "hybrid")


@dataclass(frozen=True)
class FusionParams:
    """Chosen on the seeds gold set and KazQAD together (bench/lexical_ablation.py, docs/benchmarks.md).

    The lexical term is ``weight * coverage ** power * bm25 / max_bm25``, with
    separate values for a passage in the question's own language (lexical
    matches are real evidence: KazQAD wants a strong term) and in another
    language (only a near-complete match of rare names and numbers counts:
    the high power silences partial, accidental overlap).
    """

    weight_same: float = 0.2
    power_same: float = 1.0
    weight_cross: float = 0.3
    power_cross: float = 2.0
    reach_power: float = 3.0  # same-language weight *= reach ** power (see ``lexical_reach``)
    reach_depth: int = 20
    sentence_weight: float = 1.0  # dense score = (passage cosine + w * best sentence cosine) / (1 + w)
    depth: int = 100  # each retriever's candidates handed to fusion
    duplicate_jaccard: float = 0.8  # passages whose token sets overlap this much collapse to one
    # Hybrid only: each further passage of a document already ranked higher pays this much (``spread_documents``);
    # chosen on the dev sets alone (bench/spread_sweep.py, docs/results/spread-dev-sweep.json).
    document_penalty: float = 0.005
    document_window: int = 30  # how many of the best candidates are re-ordered
    # Hybrid only: + latent_weight * the candidate's latent-term match (search.latent_match), in full for another
    # language, scaled by 1 - reach ** reach_power in the question's own (``rank``);
    # chosen on the dev sets alone (bench/latent_terms_sweep.py, docs/results/latent-terms-dev-sweep.json).
    latent_weight: float = 0.05
    # Hybrid only: the fused head re-ordered by the ranker learned on the dev sets (rerank.py); None: fused order.
    ranker: Ranker | None = field(default_factory=load_ranker)


def rank(scored: Scored, mode: Mode, params: FusionParams = FusionParams()) -> np.ndarray:
    """One score per candidate row, higher is better."""
    if mode == "dense":
        return scored.dense.astype(np.float64)
    if mode == "bm25":
        return scored.bm25.astype(np.float64)
    top = float(scored.bm25.max(initial=0.0))
    lexical = scored.bm25 / top if top > 0 else np.zeros_like(scored.bm25)
    coverage = scored.coverage
    reach = lexical_reach(scored, params.reach_depth)
    weight = np.where(scored.same_language, params.weight_same * reach ** params.reach_power, params.weight_cross)
    power = np.where(scored.same_language, params.power_same, params.power_cross)
    fused = scored.dense + weight * coverage ** power * lexical
    if scored.latent is not None and params.latent_weight:
        # Latent terms vouch for what word overlap cannot: every passage in another language, and a
        # passage in the question's own language as far as ``lexical_reach`` silenced its words.
        vouched = np.where(scored.same_language, 1.0 - reach ** params.reach_power, 1.0)
        fused = fused + params.latent_weight * vouched * scored.latent
    return fused


def lexical_reach(scored: Scored, depth: int) -> float:
    """Share of the dense top ``depth`` written in the question's language.

    Word overlap can only vouch for passages in the question's language. When
    most of what the dense side finds relevant is in other languages (an
    English question over a mostly Kazakh and Russian corpus), boosting the
    few same-language passages would bring back the language bias the dense
    side had removed, so the boost shrinks with this share. On a corpus in
    the question's language (KazQAD) it is 1 and lexical evidence counts fully.
    """
    if len(scored.rows) == 0:
        return 0.0
    top = np.argsort(-scored.dense, kind="stable")[:depth]
    return float(scored.same_language[top].mean())


def rrf(scored: Scored, k: int = 60) -> np.ndarray:
    """Plain reciprocal-rank fusion, kept as the baseline the benchmarks compare against."""
    out = np.zeros(len(scored.rows))
    for scores in (scored.dense, scored.bm25):
        order = np.argsort(-scores, kind="stable")
        out[order] += 1.0 / (k + np.arange(1, len(order) + 1))
    return out


def spread_documents(order: np.ndarray, ranking: np.ndarray, docs: list[str],
                     penalty: float) -> tuple[np.ndarray, np.ndarray]:
    """``order`` with its head re-ranked greedily, each passage paying ``penalty`` per better-ranked sibling.

    Returns the new order and the ranking with the head's scores as paid, so
    the scores shown with the citations still fall with their rank.

    ``docs`` are the document ids of ``order``'s first ``len(docs)`` entries. A
    long article has many passages near the question in meaning, and the
    e5 cosines of a dozen candidates sit within a few thousandths of each
    other, so without this the five citations are often five paragraphs of
    the article in the question's own language while the one that answers,
    in another language's article, ranks sixth. A small penalty lets a close
    passage of another document through and leaves a clear winner alone.
    """
    head = len(docs)
    if penalty <= 0 or head < 2:
        return order, ranking
    # Greedy best-first with lazy updates: a penalty only ever lowers a score, so an entry whose
    # document gained a sibling since it was pushed is re-pushed at its new score instead of
    # rescoring the whole head at every step (this runs for every question).
    heap = [(-float(ranking[order[i]]), i, 0) for i in range(head)]
    heapq.heapify(heap)
    seen: dict[str, int] = {}
    picked: list[int] = []
    paid = np.array(ranking, dtype=np.float64)
    while heap:
        negative, i, siblings = heapq.heappop(heap)
        now = seen.get(docs[i], 0)
        if now != siblings:
            heapq.heappush(heap, (-(float(ranking[order[i]]) - penalty * now), i, now))
            continue
        picked.append(i)
        seen[docs[i]] = now + 1
        paid[order[i]] = -negative
    return np.concatenate([order[:head][picked], order[head:]]), paid


def collapse_near_duplicates(order: np.ndarray, tokens_of: Callable[[int], AbstractSet[str]], threshold: float,
                             k: int) -> list[tuple[int, list[int]]]:
    """The first ``k`` of ``order``, each with the later candidates that nearly repeat it folded into it.

    Syndicated news repeats a story across sites with a changed word or two,
    and encyclopaedias keep near-identical revisions; showing the text twice
    wastes a citation slot, so the repeat rides along with the first copy
    ("also in …") instead of taking a rank of its own.
    """
    kept: list[tuple[int, list[int]]] = []
    kept_tokens: list[AbstractSet[str]] = []
    for i in order:
        tokens = tokens_of(int(i))
        twin = next((n for n, other in enumerate(kept_tokens) if _jaccard(tokens, other) >= threshold), None)
        if twin is not None:
            kept[twin][1].append(int(i))
            continue
        if len(kept) == k:
            break
        kept.append((int(i), []))
        kept_tokens.append(tokens)
    return kept


def _jaccard(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)  # the union's size without building the union


def first_where(order: np.ndarray, ranking: np.ndarray, head: int, keep: Callable[[int], bool],
                close: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``order`` with its first ``head`` candidates for which ``keep`` holds moved before the others, each group
    in its order: a facet the question states (its source's language, its topic), so no weight.

    The others' scores (and the tail's) are lowered just below the last moved one, so
    the scores shown with the citations still fall with their rank. ``close`` (per
    candidate: near enough to the question to answer it): a facet never turns an
    answer into "not found", so when no moved candidate is close and another is, the
    order stays as it was.
    """
    top = [int(i) for i in order[:head]]
    moved = [i for i in top if keep(i)]
    if not moved or len(moved) == len(top):
        return order, ranking
    if close is not None and not close[moved].any() and close[top].any():
        return order, ranking
    rest = [i for i in top if not keep(i)]
    paid = np.array(ranking, dtype=np.float64)
    shift = float(paid[rest].max() - paid[moved].min())
    if shift >= 0:
        tail = np.asarray(order[head:], dtype=np.int64)
        paid[rest] -= shift + 1e-6
        paid[tail] -= shift + 1e-6
    return np.concatenate([np.array(moved + rest, dtype=np.int64), np.asarray(order[head:], dtype=np.int64)]), paid
