"""The on-disk index: manifest, atomic publish, corruption and model checks, build lock."""

from __future__ import annotations

import json

import numpy as np
import pytest

from index import store
from index.chunk import Passage
from index.corpus import Document
from index.lexical import Analyzer, LexicalIndex
from index.store import (BuildLockedError, IndexCorruptError, IndexMissingError, ModelMismatchError,
                         build_lock, load_index, write_index)

DOCS = [Document("d1", "Title one", "Alpha beta. Gamma delta.", "2024-01-01", "en")]
META = {"model_id": "test-model", "model_fingerprint": "sha256:abc", "corpus_fingerprint": "c1"}


def _passages(n: int) -> list[Passage]:
    return [Passage(f"d1:{i}", "d1", 0, 5, f"text {i}", "Title one", "2024-01-01", "en", ((0, 6),))
            for i in range(n)]


def _vectors(n: int, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, 8)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _write(path, n: int, seed: int = 0, vectors: int | None = None, basis=None):
    passages = _passages(n)
    lexical = LexicalIndex.build([p.text for p in passages], [p.lang for p in passages], Analyzer())
    return write_index(path, DOCS, passages, _vectors(n if vectors is None else vectors, seed), _vectors(n, seed + 1),
                       lexical, META, basis)


def test_round_trip_and_manifest(tmp_path):
    basis = np.eye(8, dtype=np.float32)[:2]
    _write(tmp_path, 3, basis=basis)
    index = load_index(tmp_path, "sha256:abc")
    m = index.manifest
    assert m["passage_count"] == 3 and m["doc_count"] == 1 and m["dim"] == 8
    assert m["model_id"] == "test-model" and m["format_version"] == store.FORMAT_VERSION
    assert {"vectors.faiss", "passage_vectors.npy", "passages.sqlite", "sentences.npy", "sentence_start.npy",
            "language_basis.npy", "lexical/analyzer.json", "lexical/vocab.index.json"} <= set(m["files"])
    assert m["faiss_index"]["kind"] == "flat" and m["languages"] == {"en": 1}
    assert index.sentence_vectors.shape == (3, 8) and index.lexical.size == 3
    assert [p.passage_id for p in index.passages] == ["d1:0", "d1:1", "d1:2"]
    assert np.array_equal(index.language_basis, basis)
    assert (tmp_path / "current").is_symlink()


def test_sentences_embedded_alone_are_kept_when_given_and_optional(tmp_path):
    """Builds made before them load without them (answers then rank with the late-chunked vectors alone)."""
    _write(tmp_path / "old", 3)
    assert load_index(tmp_path / "old", "sha256:abc").sentences_alone is None
    passages = _passages(3)
    lexical = LexicalIndex.build([p.text for p in passages], [p.lang for p in passages], Analyzer())
    alone = _vectors(3, 7)
    write_index(tmp_path / "new", DOCS, passages, _vectors(3), _vectors(3, 1), lexical, META, sentences_alone=alone)
    index = load_index(tmp_path / "new", "sha256:abc")
    assert "sentences_alone.npy" in index.manifest["files"]
    assert np.allclose(index.sentences_alone.read_all(), alone, atol=1e-3)
    with pytest.raises(ValueError, match="embedded alone"):
        write_index(tmp_path / "bad", DOCS, passages, _vectors(3), _vectors(3, 1), lexical, META,
                    sentences_alone=alone[:2])


def test_missing_index(tmp_path):
    with pytest.raises(IndexMissingError, match="corpusbot index build"):
        load_index(tmp_path / "none")


def test_model_mismatch(tmp_path):
    _write(tmp_path, 2)
    with pytest.raises(ModelMismatchError, match="corpusbot index build"):
        load_index(tmp_path, "sha256:other")


@pytest.mark.parametrize("damage", ["truncate-vectors", "edit-passages", "drop-manifest", "garble-manifest",
                                    "delete-passages", "truncate-lexical", "truncate-sentences",
                                    "truncate-passage_vectors", "truncate-sentence_start"])
def test_corruption_is_detected(tmp_path, damage):
    build = _write(tmp_path, 4)
    if damage == "truncate-vectors":
        data = (build / "vectors.faiss").read_bytes()
        (build / "vectors.faiss").write_bytes(data[: len(data) // 2])
    elif damage == "edit-passages":  # same size: only the checksum can tell
        data = (build / "passages.sqlite").read_bytes()
        assert b"text 1" in data
        (build / "passages.sqlite").write_bytes(data.replace(b"text 1", b"text X"))
    elif damage == "drop-manifest":
        (build / "manifest.json").unlink()
    elif damage == "garble-manifest":
        (build / "manifest.json").write_text("{not json")
    elif damage == "delete-passages":
        (build / "passages.sqlite").unlink()
    else:
        name = "lexical/vocab.index.json" if damage == "truncate-lexical" else f"{damage.split('-', 1)[1]}.npy"
        data = (build / name).read_bytes()
        (build / name).write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexCorruptError, match="corpusbot index build"):
        load_index(tmp_path)


def test_failed_build_leaves_previous_index_intact(tmp_path, monkeypatch):
    _write(tmp_path, 2)
    before = load_index(tmp_path).manifest

    def explode(path, documents, passages):
        raise OSError("disk full")

    monkeypatch.setattr(store, "write_tables", explode)
    with pytest.raises(OSError, match="disk full"):
        _write(tmp_path, 5, seed=1)
    after = load_index(tmp_path)
    assert after.manifest == before and len(after.passages) == 2
    assert not list((tmp_path / "builds").glob(".tmp-*"))


def test_old_builds_are_pruned(tmp_path):
    for n in range(2, 6):
        _write(tmp_path, n)
    builds = [p for p in (tmp_path / "builds").iterdir() if not p.name.startswith(".")]
    assert len(builds) == store.KEEP_BUILDS
    assert load_index(tmp_path).manifest["passage_count"] == 5


def test_vectors_and_passages_must_agree(tmp_path):
    with pytest.raises(ValueError, match="passages but"):
        _write(tmp_path, 3, vectors=2)


def test_second_build_is_refused(tmp_path):
    with build_lock(tmp_path):
        with pytest.raises(BuildLockedError, match="another index build is running"):
            with build_lock(tmp_path):
                pass
    with build_lock(tmp_path):  # released again
        pass


def test_manifest_is_valid_json_written_last(tmp_path):
    build = _write(tmp_path, 2)
    manifest = json.loads((build / "manifest.json").read_text())
    assert manifest["built_at"].endswith("+00:00")


def test_an_index_from_another_version_is_named_as_such(tmp_path):
    build = _write(tmp_path, 2)
    manifest = json.loads((build / "manifest.json").read_text())
    (build / "manifest.json").write_text(json.dumps({**manifest, "format_version": 1}))
    with pytest.raises(store.IndexFormatError, match="another corpusbot version"):
        load_index(tmp_path)


def test_large_builds_leave_checksums_to_verify(tmp_path, monkeypatch):
    """Hashing a million-passage build costs more than loading it: loads check sizes, `verify` hashes."""
    build = _write(tmp_path, 4)
    data = (build / "passages.sqlite").read_bytes()
    (build / "passages.sqlite").write_bytes(data.replace(b"text 1", b"text X"))
    monkeypatch.setattr(store, "CHECKSUM_ON_LOAD_BYTES", 0)
    assert [p.text for p in load_index(tmp_path).passages][1] == "text X"
    with pytest.raises(IndexCorruptError, match="checksum"):
        load_index(tmp_path, checksums=True)


def test_passages_are_read_by_row_and_found_by_id_or_its_tail(tmp_path):
    _write(tmp_path, 30)
    passages = load_index(tmp_path).passages
    assert len(passages) == 30 and passages[7].passage_id == "d1:7" and passages[7].sentences == ((0, 6),)
    assert [p.passage_id for p in passages.many([12, 3, 12])] == ["d1:12", "d1:3", "d1:12"]
    assert passages.row_of("d1:29") == 29 and passages.row_of("nope") is None
    assert passages.find("1:29").passage_id == "d1:29" and passages.find("%") is None
    with pytest.raises(IndexError):
        passages[30]


def test_documents_summarised_without_reading_them_all(tmp_path):
    docs = [Document(f"d{i}", f"T{i}", "x", f"2024-01-{i + 10:02d}" if i % 3 else None, "kk" if i % 2 else "ru")
            for i in range(9)]
    passages = [Passage(f"d{i}:0", f"d{i}", 0, 1, "x", f"T{i}", None, d.lang, ((0, 1),)) for i, d in enumerate(docs)]
    lexical = LexicalIndex.build(["x"] * 9, ["ru"] * 9, Analyzer())
    write_index(tmp_path, docs, passages, _vectors(9), _vectors(9, 1), lexical, META)
    table = load_index(tmp_path).documents
    assert len(table) == 9 and table.languages() == {"kk": 4, "ru": 5}
    assert table.date_range() == ("2024-01-11", "2024-01-18")
    assert [d.doc_id for d in table.latest(3)] == ["d8", "d7", "d5"]
    assert table.content_hashes() == {d.doc_id: d.content_hash for d in docs}


@pytest.mark.parametrize("kind", ["flat", "ivf", "hnsw"])
def test_every_faiss_index_kind_serves_exact_scores(tmp_path, kind):
    """The kind decides which rows are proposed; the cosines fusion sees are exact whatever the kind."""
    from index.search import dense_top

    n = 3000
    vectors = _vectors(n, seed=5)
    passages = _passages(n)
    lexical = LexicalIndex.build([p.text for p in passages], [p.lang for p in passages], Analyzer())
    write_index(tmp_path, DOCS, passages, vectors, _vectors(n, 6), lexical, META, faiss_index=kind)
    index = load_index(tmp_path)
    assert index.ann.kind == kind and index.manifest["faiss_index"]["setting"] == kind
    query = vectors[17]
    rows, scores = dense_top(index, query, 10)
    exact = np.argsort(-(vectors @ query), kind="stable")[:10]
    assert rows[0] == 17 and np.allclose(scores, vectors[rows] @ query, atol=1e-6)
    assert len(set(rows) & set(exact)) >= 9


def test_auto_is_exact_for_small_and_approximate_for_large_corpora():
    from index import ann

    assert ann.choose(1000).kind == "flat"
    big = ann.choose(1_000_000)
    assert big.kind == "ivf" and big.nlist == 4096 and 1 <= big.nprobe <= big.nlist
    with pytest.raises(ValueError, match="unknown FAISS index"):
        ann.choose(10, "lsh")
