"""Embeddings already computed, keyed by model and passage text, so a rebuild embeds only what changed.

A SQLite file beside the builds (``INDEX_DIR/cache/embeddings.sqlite``):
transactions make it safe against a build killed mid-write, and a damaged
file is simply started afresh. It is a cache, never a source of truth: the
published build holds its own copy of every vector.
"""

from __future__ import annotations

import errno
import hashlib
import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from .vectors.latent import LatentTerms

CACHE_VERSION = "1"


def passage_key(text: str, sentences: tuple[tuple[int, int], ...]) -> str:
    payload = json.dumps([CACHE_VERSION, text, sentences], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class Embedded(NamedTuple):
    """What the build keeps of one passage's embedding (embed.Embedder.encode_passages_with_sentences)."""

    vector: np.ndarray
    sentences: np.ndarray  # late-chunked, one row per sentence
    alone: np.ndarray | None  # each sentence embedded by itself, same rows; None when the build skips them
    terms: "LatentTerms | None"


class EmbeddingCache:
    """Vectors for one model (and latent terms for one head); ``get``/``put`` work on batches of passage keys.

    Latent terms and the sentences embedded alone live in tables of their own
    (the terms keyed by the head's fingerprint): when the build wants them, a
    passage counts as cached only when they are there too, so a cache written
    without them is topped up passage by passage.
    """

    def __init__(self, path: Path, model_fingerprint: str, dim: int, head: str | None = None,
                 alone: bool = True) -> None:
        self.path = Path(path)
        self.model = model_fingerprint
        self.dim = dim
        self.head = head
        self.alone = alone
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.reset = False  # True when a damaged cache file was discarded
        try:
            self._db = self._open()
        except sqlite3.DatabaseError:
            self.path.unlink(missing_ok=True)
            self.reset = True
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path)
        db.execute("CREATE TABLE IF NOT EXISTS passages (model TEXT, key TEXT, vector BLOB, sentences BLOB,"
                    " PRIMARY KEY (model, key))")
        db.execute("CREATE TABLE IF NOT EXISTS arrays (model TEXT, name TEXT, shape TEXT, data BLOB,"
                   " PRIMARY KEY (model, name))")
        db.execute("CREATE TABLE IF NOT EXISTS latent (head TEXT, key TEXT, features BLOB, activations BLOB,"
                   " PRIMARY KEY (head, key))")
        db.execute("CREATE TABLE IF NOT EXISTS alone (model TEXT, key TEXT, sentences BLOB, PRIMARY KEY (model, key))")
        db.execute("SELECT count(*) FROM passages").fetchone()  # fails here if the file is damaged
        return db

    def _rows(self, columns: str, keys: list[str], table: str = "passages") -> Iterator[tuple]:
        """Rows of ``table`` for ``keys``: this model's passages or sentences alone, or this head's latent terms.

        Queried in batches under SQLite's parameter limit.
        """
        owner, owned_by = ("head", self.head) if table == "latent" else ("model", self.model)
        wanted = list(dict.fromkeys(keys))
        for i in range(0, len(wanted), 500):
            batch = wanted[i:i + 500]
            yield from self._db.execute(
                f"SELECT {columns} FROM {table} WHERE {owner} = ? AND key IN ({','.join('?' * len(batch))})",
                [owned_by, *batch])

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One transaction; a full disk or a read-only file becomes an OSError naming the cache, not SQLite's words."""
        try:
            with self._db:
                yield
        except sqlite3.OperationalError as exc:
            full = "full" in str(exc)
            raise OSError(errno.ENOSPC if full else errno.EIO,
                          "disk full while saving embeddings" if full else f"cannot save embeddings ({exc})",
                          str(self.path)) from exc

    def get(self, keys: list[str]) -> dict[str, Embedded]:
        """What is cached of ``keys``; with a head, only passages whose latent terms are cached too."""
        found = {key: Embedded(np.frombuffer(vector, dtype=np.float32), self._matrix(sentences), None, None)
                 for key, vector, sentences in self._rows("key, vector, sentences", keys)}
        if self.alone:
            alone = {key: self._matrix(blob) for key, blob in self._rows("key, sentences", list(found), "alone")}
            found = {key: e._replace(alone=alone[key]) for key, e in found.items() if key in alone}
        if self.head is not None:
            from .vectors.latent import LatentTerms

            terms = {key: LatentTerms.from_bytes(features, activations)
                     for key, features, activations in self._rows("key, features, activations", list(found), "latent")}
            found = {key: e._replace(terms=terms[key]) for key, e in found.items() if key in terms}
        return found

    def _matrix(self, blob: bytes) -> np.ndarray:
        return np.frombuffer(blob, dtype=np.float32).reshape(-1, self.dim)

    def has(self, keys: list[str]) -> set[str]:
        """Which of ``keys`` ``get`` would find, without reading their vectors."""
        found = {key for (key,) in self._rows("key", keys)}
        if self.alone:
            found = {key for (key,) in self._rows("key", list(found), "alone")}
        if self.head is not None:
            found = {key for (key,) in self._rows("key", list(found), "latent")}
        return found

    def put(self, items: dict[str, Embedded]) -> None:
        with self._writing():
            self._db.executemany(
                "INSERT OR REPLACE INTO passages VALUES (?, ?, ?, ?)",
                [(self.model, key, np.asarray(e.vector, np.float32).tobytes(),
                  np.asarray(e.sentences, np.float32).tobytes()) for key, e in items.items()])
            self._db.executemany(
                "INSERT OR REPLACE INTO alone VALUES (?, ?, ?)",
                [(self.model, key, np.asarray(e.alone, np.float32).tobytes())
                 for key, e in items.items() if e.alone is not None])
            if self.head is not None:
                self._db.executemany(
                    "INSERT OR REPLACE INTO latent VALUES (?, ?, ?, ?)",
                    [(self.head, key, *e.terms.to_bytes()) for key, e in items.items() if e.terms is not None])

    def keep_only(self, keys: set[str]) -> int:
        """Forget this model's vectors for passages no longer in the index; returns how many."""
        stored = [k for (k,) in self._db.execute("SELECT key FROM passages WHERE model = ?", [self.model])]
        stale = [k for k in stored if k not in keys]
        with self._writing():
            self._db.executemany("DELETE FROM passages WHERE model = ? AND key = ?", [(self.model, k) for k in stale])
            alone = [k for (k,) in self._db.execute("SELECT key FROM alone WHERE model = ?", [self.model])]
            self._db.executemany("DELETE FROM alone WHERE model = ? AND key = ?",
                                 [(self.model, k) for k in alone if k not in keys])
            if self.head is not None:
                latent = [k for (k,) in self._db.execute("SELECT key FROM latent WHERE head = ?", [self.head])]
                self._db.executemany("DELETE FROM latent WHERE head = ? AND key = ?",
                                     [(self.head, k) for k in latent if k not in keys])
        return len(stale)

    def get_array(self, name: str) -> np.ndarray | None:
        row = self._db.execute("SELECT shape, data FROM arrays WHERE model = ? AND name = ?",
                               [self.model, name]).fetchone()
        if row is None:
            return None
        return np.frombuffer(row[1], dtype=np.float32).reshape(json.loads(row[0]))

    def put_array(self, name: str, array: np.ndarray) -> None:
        array = np.asarray(array, dtype=np.float32)
        with self._writing():
            self._db.execute("INSERT OR REPLACE INTO arrays VALUES (?, ?, ?, ?)",
                             (self.model, name, json.dumps(list(array.shape)), array.tobytes()))

    def close(self) -> None:
        self._db.close()
