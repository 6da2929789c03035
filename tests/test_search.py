"""The pieces of candidate scoring that were rewritten to stay linear (or better) at a million passages."""

from __future__ import annotations

import numpy as np
import pytest

from index.search import best_sentence_scores, lexical_top


def test_lexical_top_keeps_what_a_stable_full_sort_keeps():
    rng = np.random.default_rng(0)
    for _ in range(500):
        bm25 = rng.integers(0, 5, size=int(rng.integers(1, 80))).astype(np.float32)
        k = int(rng.integers(1, 40))
        full = np.argsort(-bm25, kind="stable")[:k]
        assert lexical_top(bm25, k).tolist() == full[bm25[full] > 0].tolist()


def test_coverage_of_candidates_equals_coverage_over_the_corpus(seed_index):
    """Binary search in the postings gives what a pass over every passage gives."""
    lexical = seed_index.lexical
    for question in ("Кто такой Самат Абиш?", "Who met Nazarbayev in Moscow?", "Тоқаев сапары"):
        scores = lexical.score(question, "")
        reference = np.zeros(lexical.size)
        for idf, posting in scores.postings:
            reference[np.asarray(posting)] += idf
        reference /= scores.total_idf
        rows = np.array([5, 0, 31, 5, 12])
        assert np.allclose(scores.coverage_of(rows), reference[rows])
        assert np.allclose(scores.coverage, reference) and reference.max() > 0


def test_best_sentence_scores_match_one_passage_at_a_time(seed_index):
    query = seed_index.passage_vectors.rows(np.array([3]))[0]
    rows = np.array([7, 3, 20, 3])
    passage = seed_index.passage_vectors.rows(rows) @ query
    got = best_sentence_scores(seed_index, query, rows, passage)
    sentences = seed_index.sentence_vectors.read_all()
    for score, row, own in zip(got, rows, passage):
        span = seed_index.sentence_rows(int(row))
        want = (sentences[span.start:span.stop] @ query).max() if len(span) else own
        assert np.isclose(score, want, atol=1e-5)


def test_on_demand_reads_give_the_same_hits_as_a_build_held_in_memory(seed_index_dir, embedder, monkeypatch):
    """Small builds are read whole at open; large ones row by row. Both paths must answer alike."""
    from index import passage_table, row_file
    from index.engine import Engine
    from index.evaluate import load_gold
    from index.store import load_index

    from conftest import GOLD

    held = Engine(embedder, load_index(seed_index_dir, embedder.fingerprint))
    monkeypatch.setattr(row_file, "IN_MEMORY_BYTES", 0)
    monkeypatch.setattr(passage_table, "IN_MEMORY_PASSAGES", 0)
    on_demand = Engine(embedder, load_index(seed_index_dir, embedder.fingerprint))
    assert on_demand.index.passages._all is None and on_demand.index.passage_vectors._all is None
    for q in load_gold(GOLD)[:40]:
        vector = held.embed_question(q.question)
        a, b = held.retrieve(q.question, 5, vector=vector), on_demand.retrieve(q.question, 5, vector=vector)
        assert [(h.passage, h.also) for h in a] == [(h.passage, h.also) for h in b], q.id
        assert np.allclose([h.score for h in a], [h.score for h in b], atol=1e-6), q.id
        assert held.compose(q.question, a).to_dict() == on_demand.compose(q.question, b).to_dict()


def test_sentences_embedded_alone_are_each_sentence_on_its_own(seed_index, embedder):
    """The second sentence vectors (what answers pick with) are the sentence's own embedding, not a late-chunked copy."""
    from index.language_subspace import project

    alone, late = seed_index.sentences_alone.read_all(), seed_index.sentence_vectors.read_all()
    assert alone.shape == late.shape
    several = [i for i in range(len(seed_index.passages)) if len(seed_index.passages[i].sentences) >= 3]
    assert len(several) >= 3
    for passage_row in several[:3]:
        passage = seed_index.passages[passage_row]
        rows = seed_index.sentence_rows(passage_row)
        texts = [" ".join(passage.text[a:b].split()) for a, b in passage.sentences]
        own = project(embedder.encode_passages(texts), seed_index.language_basis)
        cosines = np.sum(own * alone[rows.start:rows.stop], axis=1)
        assert cosines.min() > 0.999, cosines  # float16 rounding only
        assert np.sum(own * late[rows.start:rows.stop], axis=1).min() < 0.98  # context makes the late ones differ


def test_rows_in_memory_and_read_on_demand_agree_and_refuse_rows_out_of_range(tmp_path, monkeypatch):
    """A small matrix is gathered from memory, a large one read with pread: the same rows either way."""
    from index import row_file

    matrix = np.arange(24, dtype=np.float16).reshape(6, 4)
    np.save(tmp_path / "m.npy", matrix)
    held = row_file.RowFile(tmp_path / "m.npy")
    monkeypatch.setattr(row_file, "IN_MEMORY_BYTES", 0)
    read = row_file.RowFile(tmp_path / "m.npy")
    assert held._all is not None and read._all is None
    for rows in ([5, 0, 5], [2], []):
        assert np.array_equal(held.rows(rows), read.rows(rows))
        assert held.rows(rows).dtype == np.float32
    for bad in ([6], [-1]):
        with pytest.raises(IndexError):
            held.rows(bad)
        with pytest.raises(IndexError):
            read.rows(bad)


def test_a_passage_read_after_a_context_keeps_its_own_sentences_and_changes_only_by_what_it_read(embedder):
    """``contexts`` (bench/passage_context.py): the title is read in the same pass and pooled out."""
    text = "He met Putin in the Kremlin. They talked for two hours about trade."
    spans = [[(0, 28), (29, len(text))]]
    plain = embedder.encode_passages_with_sentences([text], spans)
    empty = embedder.encode_passages_with_sentences([text], spans, contexts=[""])
    titled = embedder.encode_passages_with_sentences([text], spans, contexts=["Tokayev's state visit to Moscow"])
    assert np.array_equal(plain[0], empty[0]) and np.array_equal(plain[1][0], empty[1][0])
    assert titled[0].shape == plain[0].shape and titled[1][0].shape == plain[1][0].shape
    closeness = float(titled[0][0] @ plain[0][0])
    assert 0.9 < closeness < 0.9999  # read in the title's light, yet the same passage
    assert np.array_equal(titled[2][0], plain[2][0])  # sentences embedded alone never see the title


def test_a_dropped_engine_and_its_build_are_freed_at_once(seed_index_dir, embedder):
    """The bot swaps builds (hot reload): the old engine and its index must go when dropped, not linger in a
    reference cycle until the garbage collector's next pass (the caches of a question's readings hold no self)."""
    import gc
    import weakref

    from index.engine import Engine
    from index.store import load_index

    index = load_index(seed_index_dir, embedder.fingerprint)
    engine = Engine(embedder, index)
    engine.ask("Кто такой Айдос Укибай?")
    engine.ask("What is his position?", history=("Кто такой Айдос Укибай?",))
    refs = [weakref.ref(engine), weakref.ref(index.lexical)]
    gc.disable()
    try:
        del engine, index
        assert [r() for r in refs] == [None, None]
    finally:
        gc.enable()
