"""The on-disk index: FAISS vectors, passage and document metadata, and a manifest.

Layout of ``INDEX_DIR``::

    builds/<build-id>/  manifest.json  vectors.faiss  passages.jsonl  documents.jsonl
                        sentences.npy  language_basis.npy  lexical/ (bm25s)
    current -> builds/<build-id>

A build is written into a temporary folder, renamed into ``builds/``, and only
then published by atomically replacing the ``current`` symlink. A build that
dies at any point leaves ``current`` pointing at the previous, complete index.
The manifest records a hash of every file, so a truncated or edited file is
caught on load, and the model that made the vectors, so a query is never
embedded with a different model than the passages were.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import faiss
import numpy as np

from .chunk import Passage
from .corpus import Document
from .hashing import sha256_file
from .lexical import LexicalIndex

FORMAT_VERSION = 2
CURRENT = "current"
BUILDS = "builds"
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
PASSAGES = "passages.jsonl"
DOCUMENTS = "documents.jsonl"
LANGUAGE_BASIS = "language_basis.npy"
SENTENCES = "sentences.npy"
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


@dataclass
class LoadedIndex:
    path: Path
    manifest: dict
    vectors: faiss.Index
    passages: list[Passage]
    documents: list[Document]
    lexical: LexicalIndex
    sentence_vectors: np.ndarray  # one row per quotable sentence, passage by passage
    language_basis: np.ndarray | None = None  # project queries with it too (language_subspace.py)

    def __post_init__(self) -> None:
        counts = [len(p.sentences) for p in self.passages]
        self.sentence_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.row_of = {p.passage_id: row for row, p in enumerate(self.passages)}

    def sentence_rows(self, row: int) -> range:
        return range(int(self.sentence_start[row]), int(self.sentence_start[row + 1]))


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        fh.flush()
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
) -> Path:
    """Write a complete build and publish it as ``current``; returns the build folder."""
    if len(passages) != len(vectors):
        raise ValueError(f"{len(passages)} passages but {len(vectors)} vectors")
    if sum(len(p.sentences) for p in passages) != len(sentence_vectors):
        raise ValueError("sentence vectors do not match the passages' sentences")
    index_dir = Path(index_dir)
    builds = index_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    for stale in builds.glob(".tmp-*"):  # left by a build that died (we hold the lock)
        shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=builds))
    try:
        flat = faiss.IndexFlatIP(int(vectors.shape[1]))
        if len(vectors):
            flat.add(np.ascontiguousarray(vectors, dtype=np.float32))
        faiss.write_index(flat, str(tmp / VECTORS))
        _write_jsonl(tmp / PASSAGES, [p.to_dict() for p in passages])
        _write_jsonl(tmp / DOCUMENTS, [d.to_dict() for d in documents])
        _save_npy(tmp / SENTENCES, np.asarray(sentence_vectors, dtype=np.float16).reshape(-1, vectors.shape[1]))
        names = [VECTORS, PASSAGES, DOCUMENTS, SENTENCES]
        if language_basis is not None:
            _save_npy(tmp / LANGUAGE_BASIS, np.asarray(language_basis, dtype=np.float32))
            names.append(LANGUAGE_BASIS)
        for path in lexical.save(tmp / LexicalIndex.FOLDER):
            with open(path, "rb+") as fh:
                os.fsync(fh.fileno())
            names.append(str(path.relative_to(tmp)))
        built_at = datetime.now(timezone.utc)
        manifest = {
            "format_version": FORMAT_VERSION,
            **meta,
            "dim": int(vectors.shape[1]),
            "passage_count": len(passages),
            "doc_count": len(documents),
            "sentence_count": int(len(sentence_vectors)),
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
        if isinstance(exc, (OSError, RuntimeError)):  # faiss and numpy report a short write in their own words
            raise _write_failure(exc, builds) from exc
        raise
    _prune(builds, keep=final)
    return final


def _write_failure(exc: BaseException, builds: Path) -> OSError:
    """One line an operator can act on: what failed, and that the served index is untouched."""
    full = getattr(exc, "errno", None) == errno.ENOSPC or "requested and" in str(exc) or "No space" in str(exc)
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


def verify_files(build: Path, manifest: dict) -> None:
    """Every file present, of the recorded size and hash."""
    for name, expected in manifest.get("files", {}).items():
        path = build / name
        if not path.exists():
            raise IndexCorruptError(f"index file {name} is missing from {build}; {REBUILD}")
        size = path.stat().st_size
        if size != expected.get("bytes"):
            raise IndexCorruptError(
                f"index file {name} is damaged ({size} bytes, expected {expected.get('bytes')}); {REBUILD}")
        if sha256_file(path) != expected.get("sha256"):
            raise IndexCorruptError(f"index file {name} is damaged (checksum mismatch); {REBUILD}")


def load_index(index_dir: Path, model_fingerprint: str | None = None) -> LoadedIndex:
    """Load and check the current build; raises an ``StoreError`` that says what to do."""
    build = current_build(index_dir)
    manifest = read_manifest(build)
    if model_fingerprint is not None and manifest.get("model_fingerprint") != model_fingerprint:
        raise ModelMismatchError(
            f"the index was built with model {manifest.get('model_id')!r} "
            f"({str(manifest.get('model_fingerprint'))[:19]}…), not the configured one "
            f"({model_fingerprint[:19]}…); {REBUILD}")
    verify_files(build, manifest)
    try:
        vectors = faiss.read_index(str(build / VECTORS))
        passages = [Passage.from_dict(json.loads(line)) for line in (build / PASSAGES).read_text("utf-8").splitlines()]
        documents = [Document(**json.loads(line)) for line in (build / DOCUMENTS).read_text("utf-8").splitlines()]
        sentences = np.load(build / SENTENCES).astype(np.float32)
        basis = np.load(build / LANGUAGE_BASIS) if LANGUAGE_BASIS in manifest["files"] else None
        lexical = LexicalIndex.load(build / LexicalIndex.FOLDER)
    except (RuntimeError, TypeError, ValueError, KeyError, OSError) as exc:
        raise IndexCorruptError(f"index at {build} cannot be read ({type(exc).__name__}); {REBUILD}") from None
    if not (vectors.ntotal == len(passages) == manifest.get("passage_count") == lexical.size) \
            or vectors.d != manifest.get("dim"):
        raise IndexCorruptError(f"index at {build} is inconsistent (vector, passage and lexical counts differ); {REBUILD}")
    if sentences.shape != (sum(len(p.sentences) for p in passages), vectors.d):
        raise IndexCorruptError(f"index at {build} is inconsistent (sentence vectors do not match); {REBUILD}")
    if basis is not None and (basis.ndim != 2 or basis.shape[1] != vectors.d):
        raise IndexCorruptError(f"index at {build} has a language basis of the wrong shape; {REBUILD}")
    return LoadedIndex(build, manifest, vectors, passages, documents, lexical, sentences, basis)
