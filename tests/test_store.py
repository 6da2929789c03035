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
    assert {"vectors.faiss", "passages.jsonl", "documents.jsonl", "sentences.npy", "language_basis.npy",
            "lexical/analyzer.json", "lexical/vocab.index.json"} <= set(m["files"])
    assert index.sentence_vectors.shape == (3, 8) and index.lexical.size == 3
    assert [p.passage_id for p in index.passages] == ["d1:0", "d1:1", "d1:2"]
    assert np.array_equal(index.language_basis, basis)
    assert (tmp_path / "current").is_symlink()


def test_missing_index(tmp_path):
    with pytest.raises(IndexMissingError, match="corpusbot index build"):
        load_index(tmp_path / "none")


def test_model_mismatch(tmp_path):
    _write(tmp_path, 2)
    with pytest.raises(ModelMismatchError, match="corpusbot index build"):
        load_index(tmp_path, "sha256:other")


@pytest.mark.parametrize("damage", ["truncate-vectors", "edit-passages", "drop-manifest", "garble-manifest",
                                    "delete-documents", "truncate-lexical", "truncate-sentences"])
def test_corruption_is_detected(tmp_path, damage):
    build = _write(tmp_path, 4)
    if damage == "truncate-vectors":
        data = (build / "vectors.faiss").read_bytes()
        (build / "vectors.faiss").write_bytes(data[: len(data) // 2])
    elif damage == "edit-passages":
        text = (build / "passages.jsonl").read_text().replace("text 1", "text X")
        (build / "passages.jsonl").write_text(text)
    elif damage == "drop-manifest":
        (build / "manifest.json").unlink()
    elif damage == "garble-manifest":
        (build / "manifest.json").write_text("{not json")
    elif damage == "delete-documents":
        (build / "documents.jsonl").unlink()
    else:
        name = "lexical/vocab.index.json" if damage == "truncate-lexical" else "sentences.npy"
        data = (build / name).read_bytes()
        (build / name).write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexCorruptError, match="corpusbot index build"):
        load_index(tmp_path)


def test_failed_build_leaves_previous_index_intact(tmp_path, monkeypatch):
    _write(tmp_path, 2)
    before = load_index(tmp_path).manifest

    def explode(path, rows):
        raise OSError("disk full")

    monkeypatch.setattr(store, "_write_jsonl", explode)
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
