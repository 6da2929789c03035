"""The on-disk index: FAISS vectors, passage and document metadata, and a manifest.

Layout of ``INDEX_DIR``::

    builds/<build-id>/  manifest.json  vectors.faiss  passage_vectors.npy  passages.sqlite
                        sentences.npy  sentence_start.npy  sentences_alone.npy  language_basis.npy  lexical/ (bm25s)
                        latent_features.npy  latent_values.npy (latent terms, when the model has a head)
    current -> builds/<build-id>

Serving opens the build rather than loading it: the FAISS index and bm25s are
memory-mapped, vectors are read by row with pread (row_file.py) and passages
from SQLite by row (passage_table.py), so a process serving a million passages
starts in a fraction of a second and holds only what its queries touch.

A build is written into a temporary folder, renamed into ``builds/``, and only
then published by atomically replacing the ``current`` symlink. A build that
dies at any point leaves ``current`` pointing at the previous, complete index.
The manifest records a hash of every file, so a truncated or edited file is
caught (sizes on every load, checksums on load for builds up to
``CHECKSUM_ON_LOAD_BYTES`` and always by ``index verify``), and the model that made the vectors, so a query is never
embedded with a different model than the passages were.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import sqlite3
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import faiss
import numpy as np

from . import ann
from .candidates import CandidateSource
from .candidates.local import LocalCandidates
from .chunk import Passage
from .corpus import Document
from .hashing import sha256_file
from .lexical import LexicalIndex
from .passage_table import FILE as PASSAGES
from .passage_table import DocumentTable, PassageTable, write_tables
from .recent import RecentVectors
from .row_file import RowFile
from .vectors.latent import FEATURE_DTYPE, VALUE_DTYPE, LatentRows

if TYPE_CHECKING:
    from .candidates.milvus import MilvusConnection, MilvusWriter

FORMAT_VERSION = 3
CURRENT = "current"
BUILDS = "builds"
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
PASSAGE_VECTORS = "passage_vectors.npy"  # float32, for exact re-scoring of whatever the FAISS index proposes
LANGUAGE_BASIS = "language_basis.npy"
SENTENCES = "sentences.npy"
SENTENCE_START = "sentence_start.npy"
SENTENCES_ALONE = "sentences_alone.npy"  # float16, each sentence embedded by itself: answers pick with it (answer.py)
LATENT_FEATURES = "latent_features.npy"  # a passage's latent-term feature ids (vectors/latent.py)
LATENT_VALUES = "latent_values.npy"  # their activations
# Hashing every file of a million-passage build takes longer than loading it; above this, a
# load checks sizes and leaves the checksums to `index verify`.
CHECKSUM_ON_LOAD_BYTES = 256 * 2**20
KEEP_BUILDS = 2  # the current build and the one before it (a reader may still hold it)
REBUILD = "run `corpusbot index build`"


class StoreError(RuntimeError):
    """Base for index problems; the message always says what to do."""


class IndexMissingError(StoreError):
    pass


class IndexCorruptError(StoreError):
    pass


class IndexFormatError(IndexCorruptError):
    """Built by another version of corpusbot: rebuilding it is safe and enough."""


class ModelMismatchError(StoreError):
    pass


class BuildLockedError(StoreError):
    pass


ACRONYMS_REMEMBERED = 4096  # table acronyms whose written form an index remembers (acronyms_written)


@dataclass
class LoadedIndex:
    path: Path
    manifest: dict
    vectors: faiss.Index | None  # proposes candidates (exact or approximate: ``ann``); None when Milvus does
    passages: PassageTable
    documents: DocumentTable
    lexical: LexicalIndex
    passage_vectors: RowFile | None  # float32 rows: the exact cosines of candidates (FAISS store)
    sentence_vectors: RowFile  # float16, one row per quotable sentence, passage by passage
    sentence_start: np.ndarray  # passage row → its first sentence row; one more entry than passages (mapped)
    language_basis: np.ndarray | None = None  # project queries with it too (language_subspace.py)
    ann: ann.AnnSpec = ann.AnnSpec("flat")
    source: CandidateSource | None = None  # the store that proposes candidates (candidates/)
    latent: LatentRows | None = None  # the passages' latent terms, when the build has them
    sentences_alone: RowFile | None = None  # rows as sentence_vectors; None in builds made before them
    # Per table acronym, whether the passages write it as one (evidence.spelt reads up to 64 of them): the near-miss
    # check, the absence test (every acronym of the entity) and the topical reading each ask. Not copied by ``replace``.
    acronyms_written: RecentVectors[str, bool] = field(default_factory=lambda: RecentVectors(ACRONYMS_REMEMBERED),
                                                       init=False, repr=False, compare=False)
    # Per capitalised Latin word the corpus does not spell, its token for it where it writes the name with another
    # vowel ("Trump": "tramp", respelling.py), else "": asked by the near-miss check and by every query's BM25.
    respellings: RecentVectors[str, str] = field(default_factory=lambda: RecentVectors(ACRONYMS_REMEMBERED),
                                                 init=False, repr=False, compare=False)

    @property
    def multilingual(self) -> bool:
        """Documents in more than one language (the manifest's count)."""
        return len(self.manifest.get("languages", {})) > 1

    @property
    def store_kind(self) -> str:
        return self.manifest.get("store", {}).get("kind", "faiss")

    def sentence_rows(self, row: int) -> range:
        return range(int(self.sentence_start[row]), int(self.sentence_start[row + 1]))


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """One build at a time per index dir; a second one is refused, not queued."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise BuildLockedError(f"another index build is running on {index_dir} ({holder}); wait for it to finish") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)


def _save_npy(path: Path, array: np.ndarray) -> None:
    with open(path, "wb") as fh:
        np.save(fh, array)
        fh.flush()
        os.fsync(fh.fileno())


def write_index(
    index_dir: Path,
    documents: list[Document],
    passages: list[Passage],
    vectors: np.ndarray,
    sentence_vectors: np.ndarray,
    lexical: LexicalIndex,
    meta: dict,
    language_basis: np.ndarray | None = None,
    faiss_index: str = "auto",
    milvus: "MilvusConnection | None" = None,
    keys: list[str] | None = None,
    full: bool = False,
    latent: tuple[np.ndarray, np.ndarray] | None = None,
    sentences_alone: np.ndarray | None = None,
) -> Path:
    """Write a complete build and publish it as ``current``; returns the build folder.

    With ``milvus`` the vectors go into the Milvus collection (candidates/milvus.py) instead of FAISS
    files; ``keys`` (the passages' cache keys) identify rows across builds there.
    """
    if len(passages) != len(vectors):
        raise ValueError(f"{len(passages)} passages but {len(vectors)} vectors")
    sentence_start = np.concatenate([[0], np.cumsum([len(p.sentences) for p in passages])]).astype(np.int64)
    if sentence_start[-1] != len(sentence_vectors):
        raise ValueError("sentence vectors do not match the passages' sentences")
    if latent is not None and not (len(latent[0]) == len(latent[1]) == len(passages)):
        raise ValueError("latent terms do not match the passages")
    if sentences_alone is not None and len(sentences_alone) != len(sentence_vectors):
        raise ValueError("the sentences embedded alone do not match the sentence vectors")
    spec = ann.choose(len(passages), faiss_index)
    index_dir = Path(index_dir)
    builds = index_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    for stale in builds.glob(".tmp-*"):  # left by a build that died (we hold the lock)
        shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=builds))
    writer = None
    try:
        started = time.perf_counter()
        if milvus is None:
            faiss.write_index(ann.build(vectors, spec), str(tmp / VECTORS))
            _save_npy(tmp / PASSAGE_VECTORS, np.asarray(vectors, dtype=np.float32))
            names = [VECTORS, PASSAGE_VECTORS]
            store = {"kind": "faiss"}
        else:
            writer, store, names = _write_milvus(index_dir, tmp, milvus, passages, keys, vectors, lexical,
                                                 meta, language_basis, full)
        ann_seconds = time.perf_counter() - started
        write_tables(tmp / PASSAGES, documents, passages)
        _fsync_file(tmp / PASSAGES)
        _save_npy(tmp / SENTENCES, np.asarray(sentence_vectors, dtype=np.float16).reshape(-1, vectors.shape[1]))
        _save_npy(tmp / SENTENCE_START, sentence_start)
        names += [PASSAGES, SENTENCES, SENTENCE_START]
        if sentences_alone is not None:
            _save_npy(tmp / SENTENCES_ALONE,
                      np.asarray(sentences_alone, dtype=np.float16).reshape(-1, vectors.shape[1]))
            names.append(SENTENCES_ALONE)
        if language_basis is not None:
            _save_npy(tmp / LANGUAGE_BASIS, np.asarray(language_basis, dtype=np.float32))
            names.append(LANGUAGE_BASIS)
        if latent is not None:
            _save_npy(tmp / LATENT_FEATURES, np.asarray(latent[0], dtype=FEATURE_DTYPE))
            _save_npy(tmp / LATENT_VALUES, np.asarray(latent[1], dtype=VALUE_DTYPE))
            names += [LATENT_FEATURES, LATENT_VALUES]
        for path in lexical.save(tmp / LexicalIndex.FOLDER):
            _fsync_file(path)
            names.append(str(path.relative_to(tmp)))
        built_at = datetime.now(timezone.utc)
        manifest = {
            "format_version": FORMAT_VERSION,
            **meta,
            "dim": int(vectors.shape[1]),
            "passage_count": len(passages),
            "doc_count": len(documents),
            "sentence_count": int(len(sentence_vectors)),
            "store": store,
            "faiss_index": ({"setting": faiss_index, **spec.to_dict(), "seconds": round(ann_seconds, 3)}
                            if milvus is None else None),
            "languages": dict(sorted(Counter(d.lang for d in documents).items())),
            "built_at": built_at.isoformat(timespec="seconds"),
            "files": {name: {"sha256": sha256_file(tmp / name), "bytes": (tmp / name).stat().st_size}
                      for name in names},
        }
        with open(tmp / MANIFEST, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, ensure_ascii=False, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        _fsync_dir(tmp)
        # Names sort in build order (pruning relies on it), even for builds within one second.
        build_id = f"{built_at:%Y%m%dT%H%M%S}.{time.time_ns() % 10**9:09d}-{os.getpid()}"
        final = builds / build_id
        tmp.chmod(0o755)  # mkdtemp made it 0700: a bot running as another user must be able to read it
        os.rename(tmp, final)
        _publish(index_dir, final)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        # faiss, numpy and SQLite report a short write in their own words
        if isinstance(exc, (OSError, RuntimeError, sqlite3.Error)) and not isinstance(exc, StoreError):
            raise _write_failure(exc, builds) from exc
        raise
    if writer is not None:
        writer.collect(store["seq"])
    _prune(builds, keep=final)
    return final


def _write_milvus(index_dir: Path, tmp: Path, connection: "MilvusConnection", passages: list[Passage],
                  keys: list[str] | None, vectors: np.ndarray, lexical: LexicalIndex, meta: dict,
                  language_basis: np.ndarray | None, full: bool) -> tuple["MilvusWriter", dict, list[str]]:
    """Sync the collection with this build (invisible until published) and write what its queries read here."""
    from .candidates import milvus as mv
    from .hashing import sha256_text

    if keys is None or len(keys) != len(passages):
        raise ValueError("a Milvus build needs the passages' cache keys")
    fingerprint = sha256_text(meta.get("model_fingerprint", "") + "|" + (
        "none" if language_basis is None else np.asarray(language_basis, dtype=np.float32).tobytes().hex()))
    previous_seq, previous_keys, previous_dims, served = 0, None, None, None
    try:
        before = current_build(index_dir)
        section = read_manifest(before).get("store") or {}
        if section.get("kind") == "milvus" and connection.generation_of(section.get("collection", "")) is not None:
            previous_seq, served = int(section["seq"]), section["collection"]
            previous_keys = mv.load_keys(before) if section.get("vectors") == fingerprint and not full else None
            old = LexicalIndex.load(before / LexicalIndex.FOLDER, mmap=True)
            previous_dims = (old.retriever.vocab_dict, np.load(before / mv.DIMS))
    except (StoreError, OSError, ValueError, KeyError):
        previous_seq, previous_keys, previous_dims, served = 0, None, None, None
    dims = mv.stable_dims(lexical, previous_dims)
    writer = mv.MilvusWriter(connection, served)
    index = mv.dense_index(len(passages))
    synced, pks = writer.sync(passages, keys, vectors, mv.sparse_rows(lexical, dims), previous_seq, previous_keys,
                              index)
    _save_npy(tmp / mv.DIMS, dims)
    mv.save_keys(tmp, pks)
    return writer, synced.manifest(connection, len(passages), index, fingerprint), [mv.DIMS, mv.KEYS]


def _write_failure(exc: BaseException, builds: Path) -> OSError:
    """One line an operator can act on: what failed, and that the served index is untouched."""
    full = getattr(exc, "errno", None) == errno.ENOSPC or "requested and" in str(exc) or "No space" in str(exc) or "disk is full" in str(exc)
    reason = "disk full" if full else str(exc)
    return OSError(errno.ENOSPC if full else getattr(exc, "errno", None) or errno.EIO,
                   f"could not write the new build ({reason}); the served index is unchanged", str(builds))


def _publish(index_dir: Path, build: Path) -> None:
    link = index_dir / f".{CURRENT}-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(Path(BUILDS) / build.name, link)
    os.replace(link, index_dir / CURRENT)  # atomic: readers see the old or the new build
    _fsync_dir(index_dir)


def _prune(builds: Path, keep: Path) -> None:
    finished = sorted((p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".")),
                      key=lambda p: p.name)
    for old in finished[:-KEEP_BUILDS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def current_build(index_dir: Path) -> Path:
    link = Path(index_dir) / CURRENT
    if not link.is_symlink() and not link.exists():
        raise IndexMissingError(f"no index at {index_dir}; {REBUILD}")
    target = link.resolve()
    if not target.is_dir():
        raise IndexCorruptError(f"index at {index_dir} points to a missing build; {REBUILD}")
    return target


def read_manifest(build: Path) -> dict:
    try:
        manifest = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexCorruptError(f"index build {build} has no manifest; {REBUILD}") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise IndexCorruptError(f"index manifest {build / MANIFEST} is damaged; {REBUILD}") from None
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        raise IndexFormatError(f"index at {build} was built by another corpusbot version "
                               f"(format {manifest.get('format_version') if isinstance(manifest, dict) else '?'}, "
                               f"this one reads {FORMAT_VERSION}); {REBUILD}")
    return manifest


def verify_files(build: Path, manifest: dict, checksums: bool = True) -> None:
    """Every file present, of the recorded size and (with ``checksums``) hash."""
    for name, expected in manifest.get("files", {}).items():
        path = build / name
        if not path.exists():
            raise IndexCorruptError(f"index file {name} is missing from {build}; {REBUILD}")
        size = path.stat().st_size
        if size != expected.get("bytes"):
            raise IndexCorruptError(
                f"index file {name} is damaged ({size} bytes, expected {expected.get('bytes')}); {REBUILD}")
        if checksums and sha256_file(path) != expected.get("sha256"):
            raise IndexCorruptError(f"index file {name} is damaged (checksum mismatch); {REBUILD}")


def load_index(index_dir: Path, model_fingerprint: str | None = None, checksums: bool | None = None,
               milvus: "MilvusConnection | None" = None) -> LoadedIndex:
    """Open and check the current build; raises an ``StoreError`` that says what to do.

    ``checksums`` None hashes the files of builds up to ``CHECKSUM_ON_LOAD_BYTES``. A build kept in
    Milvus is read through ``milvus`` (URI and token from the settings), else the URI its manifest names.
    """
    build = current_build(index_dir)
    manifest = read_manifest(build)
    if model_fingerprint is not None and manifest.get("model_fingerprint") != model_fingerprint:
        raise ModelMismatchError(
            f"the index was built with model {manifest.get('model_id')!r} "
            f"({str(manifest.get('model_fingerprint'))[:19]}…), not the configured one "
            f"({model_fingerprint[:19]}…); {REBUILD}")
    files = manifest.get("files", {})
    if checksums is None:
        checksums = sum(f.get("bytes", 0) for f in files.values()) <= CHECKSUM_ON_LOAD_BYTES
    verify_files(build, manifest, checksums)
    try:
        in_milvus = (manifest.get("store") or {}).get("kind") == "milvus"
        spec = ann.AnnSpec("flat") if in_milvus else ann.AnnSpec.from_dict(
            {k: v for k, v in manifest["faiss_index"].items() if k not in ("setting", "seconds")})
        vectors = None if in_milvus else ann.read(str(build / VECTORS), spec)
        passage_vectors = None if in_milvus else RowFile(build / PASSAGE_VECTORS)
        passages = PassageTable(build / PASSAGES)
        documents = DocumentTable(build / PASSAGES)
        sentences = RowFile(build / SENTENCES)
        sentence_start = np.load(build / SENTENCE_START, mmap_mode="r")
        alone = RowFile(build / SENTENCES_ALONE) if SENTENCES_ALONE in files else None
        basis = np.load(build / LANGUAGE_BASIS) if LANGUAGE_BASIS in files else None
        lexical = LexicalIndex.load(build / LexicalIndex.FOLDER, mmap=True)
        latent = _open_latent(build, manifest) if LATENT_FEATURES in files else None
    except (RuntimeError, TypeError, ValueError, KeyError, OSError, sqlite3.Error) as exc:
        raise IndexCorruptError(f"index at {build} cannot be read ({type(exc).__name__}); {REBUILD}") from None
    dim = manifest.get("dim")
    counts_agree = len(passages) == manifest.get("passage_count") == lexical.size and \
        len(documents) == manifest.get("doc_count")
    if vectors is not None:
        counts_agree = counts_agree and vectors.ntotal == len(passages) == len(passage_vectors) and \
            vectors.d == dim and passage_vectors.shape[1:] == (dim,)
    if not counts_agree:
        raise IndexCorruptError(f"index at {build} is inconsistent (vector, passage and lexical counts differ); {REBUILD}")
    if sentence_start.shape != (len(passages) + 1,) or sentences.shape != (int(sentence_start[-1]), dim) or (
            alone is not None and alone.shape != sentences.shape):
        raise IndexCorruptError(f"index at {build} is inconsistent (sentence vectors do not match); {REBUILD}")
    if basis is not None and (basis.ndim != 2 or basis.shape[1] != dim):
        raise IndexCorruptError(f"index at {build} has a language basis of the wrong shape; {REBUILD}")
    if latent is not None and not (len(latent.features) == len(latent.values) == len(passages)
                                   and latent.features.shape == latent.values.shape):
        raise IndexCorruptError(f"index at {build} is inconsistent (latent terms do not match); {REBUILD}")
    if vectors is not None:
        source: CandidateSource = LocalCandidates(vectors, passage_vectors, lexical, spec, passages.rows_dated)
    else:
        source = _open_milvus(build, manifest, lexical, passages, milvus)
    return LoadedIndex(build, manifest, vectors, passages, documents, lexical, passage_vectors, sentences,
                       sentence_start, basis, spec, source, latent, alone)


def _open_latent(build: Path, manifest: dict) -> LatentRows:
    section = manifest["latent_terms"]
    return LatentRows(RowFile(build / LATENT_FEATURES), RowFile(build / LATENT_VALUES), int(section["features"]),
                      str(section["head"]))


def _open_milvus(build: Path, manifest: dict, lexical: LexicalIndex, passages: PassageTable,
                 connection: "MilvusConnection | None") -> CandidateSource:
    """The build's rows in its collection, checked by count: a dropped or foreign collection is caught here."""
    from .candidates import milvus as mv

    section = manifest["store"]
    if connection is None:
        connection = mv.MilvusConnection(section["uri"], collection=mv.collection_setting(section["collection"]))
    if connection.generation_of(section["collection"]) is None:
        raise IndexCorruptError(f"index at {build} lives in Milvus collection {section['collection']}, "
                                f"not {connection.passages} (MILVUS_COLLECTION); set it back or {REBUILD}")
    try:
        dims = np.load(build / mv.DIMS, mmap_mode="r")
        source = mv.MilvusCandidates(connection, section, lexical, dims, passages.rows_of)
        count = source.count()
    except StoreError:
        raise
    except Exception as exc:  # pymilvus: collection missing, server refused
        raise StoreError(f"Milvus collection {section['collection']} at {connection.shown()} cannot be read "
                         f"({mv._reason(exc)}); {REBUILD}") from None
    if count != len(passages):
        raise IndexCorruptError(f"Milvus collection {section['collection']} holds {count} rows of build "
                                f"{section['seq']}, the index {len(passages)} passages; {REBUILD}")
    return source
