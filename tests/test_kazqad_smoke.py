"""A CI-sized slice of the KazQAD benchmark (40 questions over a 120-context pool); `make bench` runs it all."""

from __future__ import annotations

import pytest

from index.engine import Engine
from index.evaluate import evaluate, load_gold
from index.fuse import MODES
from index.store import load_index


@pytest.fixture(scope="module")
def kazqad_reports(kazqad_smoke, embedder):
    _, gold_path, index_dir = kazqad_smoke
    engine = Engine(embedder, load_index(index_dir, embedder.fingerprint))
    gold = load_gold(gold_path)
    return {mode: evaluate(gold, lambda q, h, mode=mode: engine.retrieve(q, 10, mode, history=h)) for mode in MODES}


def test_hybrid_is_at_least_as_good_as_either_side(kazqad_reports):
    hybrid, dense, bm25 = (kazqad_reports[m] for m in ("hybrid", "dense", "bm25"))
    assert hybrid["recall@10"] >= max(dense["recall@10"], bm25["recall@10"]), kazqad_reports
    assert hybrid["mrr@10"] >= max(dense["mrr@10"], bm25["mrr@10"]) - 0.02, kazqad_reports
    assert hybrid["recall@10"] >= 0.85
