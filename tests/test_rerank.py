"""The learned ranker (index/rerank.py) on the real seeds index: loaded, used in hybrid mode only, and worth it."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from conftest import ROOT
from index.engine import Engine
from index.evaluate import evaluate, load_gold
from index.fuse import FusionParams
from index.rerank import FEATURES, RANKER_FILE, load_ranker

PARAPHRASE = [q for q in load_gold(ROOT / "tests" / "data" / "dev_paraphrase.jsonl") if q.answerable]


def test_the_shipped_ranker_loads_and_says_how_it_was_fit():
    ranker = load_ranker()
    assert ranker is not None and len(ranker.weights) == len(FEATURES) and ranker.depth >= 10
    assert "no test split" in json.loads(RANKER_FILE.read_text("utf-8"))["fit"]


@pytest.mark.parametrize("content", ["", "{not json", json.dumps({"features": ["fused"], "weights": [1.0]}),
                                     json.dumps({"features": list(FEATURES), "weights": [float("nan")] * 6})],
                         ids=["empty", "not-json", "other-features", "nan-weight"])
def test_a_damaged_ranker_file_leaves_retrieval_fused(tmp_path, content):
    path = tmp_path / "ranker.json"
    path.write_text(content, "utf-8")
    assert load_ranker(path) is None
    assert load_ranker(tmp_path / "missing.json") is None


def test_the_ranker_beats_the_fused_order_on_paraphrased_questions(embedder, seed_index):
    fused = Engine(embedder, seed_index, fusion=FusionParams(ranker=None))
    learned = Engine(embedder, seed_index)
    before = evaluate(PARAPHRASE, lambda q, h: fused.retrieve(q, 10, history=h))
    after = evaluate(PARAPHRASE, lambda q, h: learned.retrieve(q, 10, history=h))
    assert after["mrr@10"] >= before["mrr@10"] + 0.03 and after["recall@5"] >= before["recall@5"], (before, after)


def test_hits_fall_with_rank_and_only_hybrid_is_reordered(embedder, seed_index):
    learned, fused = Engine(embedder, seed_index), Engine(embedder, seed_index, fusion=FusionParams(ranker=None))
    question = "Which aircraft took the Kazakh president to Moscow?"
    hits = learned.retrieve(question, 5)
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:]))
    assert len({h.row for h in hits}) == 5
    for mode in ("dense", "bm25"):
        assert [h.row for h in learned.retrieve(question, 5, mode)] == [h.row for h in fused.retrieve(question, 5, mode)]


def test_a_build_without_sentences_alone_still_ranks(embedder, seed_index):
    older = Engine(embedder, dataclasses.replace(seed_index, sentences_alone=None))
    hits = older.retrieve("Who is Samat Abish?", 5)
    assert len(hits) == 5 and np.isfinite([h.score for h in hits]).all()
