"""Passages and documents of a build, looked up by row on demand from one SQLite file.

A million passages held as Python objects cost gigabytes and tens of seconds
to parse at start-up; a query needs a few hundred of them. The table is opened
read-only and immutable (a published build never changes), so lookups take no
locks on disk and the process starts in milliseconds whatever the corpus size.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from .chunk import Passage
from .corpus import Document
from .recent import RecentVectors

DateRanges = tuple[tuple[str, str], ...]  # [start, stop) ISO date strings (period.Period.date_ranges)

FILE = "passages.sqlite"
_SCHEMA = """
CREATE TABLE passages (row INTEGER PRIMARY KEY, passage_id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL,
                       lang TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE documents (row INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE, date TEXT, lang TEXT NOT NULL,
                        content_hash TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX documents_by_date ON documents (date);
CREATE INDEX passages_by_document ON passages (doc_id);
"""
_BATCH = 500  # SQLite's default limit on bound parameters is far above this
# Up to this many passages are read into memory at open (well under a second, tens of MB): a small index
# answers faster from a list than from a query per candidate.
IN_MEMORY_PASSAGES = 20_000
DATED_REMEMBERED = 8  # periods whose rows a table keeps (a month of a million-passage archive: some 0.5 MB each)


def write_tables(path: Path, documents: Iterable[Document], passages: Iterable[Passage]) -> None:
    """Write both tables in one transaction; rows are numbered in iteration order (the vectors' order)."""
    db = sqlite3.connect(path)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        with db:
            db.executemany("INSERT INTO passages VALUES (?, ?, ?, ?, ?)",
                           ((row, p.passage_id, p.doc_id, p.lang, json.dumps(_compact(p), ensure_ascii=False))
                            for row, p in enumerate(passages)))
            db.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)",
                           ((row, d.doc_id, d.date, d.lang, d.content_hash,
                             json.dumps(d.to_dict(), ensure_ascii=False)) for row, d in enumerate(documents)))
    finally:
        db.close()


def _compact(p: Passage) -> list:
    """Fields not already in their own columns, as a list (a third of the size of a dict per row); the article's
    address last and only when it has one, so a build from before addresses reads as one without them."""
    row = [p.start, p.end, p.text, p.title, p.date, [list(s) for s in p.sentences]]
    return [*row, p.url] if p.url else row


def _passage(passage_id: str, doc_id: str, lang: str, data: str) -> Passage:
    start, end, text, title, date, sentences, *url = json.loads(data)
    return Passage(passage_id, doc_id, start, end, text, title, date, lang, tuple(tuple(s) for s in sentences),
                   url[0] if url else None)


class _Table:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        # immutable=1: no locking and no journal lookups; a published build is never written again.
        self._db = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self._lock = threading.Lock()  # one connection shared by the bot's retrieval threads

    def _query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def close(self) -> None:
        self._db.close()


class PassageTable(_Table):
    """Sequence-like access to a build's passages: ``table[row]``, ``len(table)``, iteration in row order."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        (self._count,) = self._query("SELECT count(*) FROM passages")[0]
        self._all: list[Passage] | None = list(self) if self._count <= IN_MEMORY_PASSAGES else None
        self._row_by_id: dict[str, int] | None = None
        self._dated: RecentVectors[DateRanges, np.ndarray] = RecentVectors(DATED_REMEMBERED)  # rows_dated's answers

    def __len__(self) -> int:
        return self._count

    def _where_in(self, columns: str, key: str, values: Iterable) -> list[tuple]:
        """``SELECT columns`` of the passages whose ``key`` is one of ``values``, in as few queries as the batch
        size allows (each value asked once)."""
        wanted, out = list(dict.fromkeys(values)), []
        for i in range(0, len(wanted), _BATCH):
            batch = wanted[i:i + _BATCH]
            out += self._query(f"SELECT {columns} FROM passages WHERE {key} IN ({','.join('?' * len(batch))})", batch)
        return out

    def __getitem__(self, row: int) -> Passage:
        row = int(row)
        if not 0 <= row < self._count:
            raise IndexError(row)
        return self._all[row] if self._all is not None else self.many([row])[0]

    def many(self, rows: Sequence[int]) -> list[Passage]:
        """Passages of ``rows``, in that order, in as few queries as the batch size allows."""
        if self._all is not None:
            return [self._all[int(r)] for r in rows]
        found = {row: _passage(*fields)
                 for row, *fields in self._where_in("row, passage_id, doc_id, lang, data", "row", map(int, rows))}
        return [found[int(r)] for r in rows]

    def langs(self, rows: Sequence[int]) -> list[str]:
        """The language of each of ``rows``, without reading the passages."""
        if self._all is not None:
            return [self._all[int(r)].lang for r in rows]
        found = dict(self._where_in("row, lang", "row", map(int, rows)))
        return [found[int(r)] for r in rows]

    def __iter__(self) -> Iterator[Passage]:
        last = -1
        while True:  # pages by row, so a million rows never sit in memory at once
            page = self._query("SELECT row, passage_id, doc_id, lang, data FROM passages WHERE row > ? "
                               "ORDER BY row LIMIT 2000", (last,))
            if not page:
                return
            for row, *fields in page:
                yield _passage(*fields)
            last = page[-1][0]

    def row_of(self, passage_id: str) -> int | None:
        found = self._query("SELECT row FROM passages WHERE passage_id = ?", (passage_id,))
        return found[0][0] if found else None

    def rows_dated(self, ranges: DateRanges) -> np.ndarray:
        """Rows (ascending, read-only) of the passages whose document is dated within ``ranges``: a question scoped
        by a period. A build never changes, so the last few periods asked are remembered."""
        return self._dated.get([ranges], lambda asked: [self._rows_within(r) for r in asked])[0]

    def _rows_within(self, ranges: DateRanges) -> np.ndarray:
        rows = [row for start, stop in ranges for (row,) in self._query(  # a range at a time: the indexes serve it
            "SELECT p.row FROM documents d JOIN passages p ON p.doc_id = d.doc_id WHERE d.date >= ? AND d.date < ?",
            (start, stop))]
        found = np.unique(np.array(rows, dtype=np.int64))
        found.setflags(write=False)
        return found

    def rows_of(self, passage_ids: Sequence[str]) -> list[int]:
        """Rows of ``passage_ids`` (each must be in the build), in that order, in batched queries."""
        if self._all is not None:
            if self._row_by_id is None:
                self._row_by_id = {p.passage_id: row for row, p in enumerate(self._all)}
            return [self._row_by_id[i] for i in passage_ids]
        found = {pid: row for row, pid in self._where_in("row, passage_id", "passage_id", passage_ids)}
        return [found[i] for i in passage_ids]

    def find(self, id_or_suffix: str) -> Passage | None:
        """By id, or by the end of an id (callback data keeps only an over-long id's tail)."""
        row = self.row_of(id_or_suffix)
        if row is None:
            escaped = id_or_suffix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            found = self._query("SELECT row FROM passages WHERE passage_id LIKE ? ESCAPE '\\' LIMIT 1",
                                (f"%{escaped}",))
            row = found[0][0] if found else None
        return None if row is None else self[row]

    def doc_ids(self) -> set[str]:
        return {doc_id for (doc_id,) in self._query("SELECT DISTINCT doc_id FROM passages")}


class DocumentTable(_Table):
    """A build's documents: counted and summarised in SQL, iterated in pages."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        (self._count,) = self._query("SELECT count(*) FROM documents")[0]
        self._span: tuple[tuple[str, str] | None] | None = None  # date_range's answer, once asked
        # any_dated's answers: ranking and the reply both ask it of a period question
        self._any: RecentVectors[DateRanges, bool] = RecentVectors(DATED_REMEMBERED)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Document]:
        last = -1
        while True:
            page = self._query("SELECT row, data FROM documents WHERE row > ? ORDER BY row LIMIT 500", (last,))
            if not page:
                return
            for _, data in page:
                yield Document(**json.loads(data))
            last = page[-1][0]

    def content_hashes(self) -> dict[str, str]:
        return dict(self._query("SELECT doc_id, content_hash FROM documents"))

    def languages(self) -> dict[str, int]:
        return dict(sorted(Counter(dict(self._query("SELECT lang, count(*) FROM documents GROUP BY lang"))).items()))

    def date_range(self) -> tuple[str, str] | None:
        """The first and last dates of the build's documents (None: none is dated); a build never changes."""
        if self._span is None:
            first, last = self._query("SELECT min(date), max(date) FROM documents WHERE date IS NOT NULL")[0]
            self._span = (None if first is None else (first, last),)
        return self._span[0]

    def any_dated(self, ranges: DateRanges) -> bool:
        """Whether some document is dated within ``ranges`` (``Period.date_ranges``); a build never changes, so
        the last few periods asked are remembered."""
        return bool(ranges) and self._any.get([ranges], lambda asked: [self._dated_within(r) for r in asked])[0]

    def _dated_within(self, ranges: DateRanges) -> bool:
        sql, args = _within(ranges, "date")
        return bool(self._query(f"SELECT 1 FROM documents WHERE {sql} LIMIT 1", args))

    def latest(self, n: int) -> list[Document]:
        """The ``n`` newest documents (undated ones last): what a listing can show of a large archive."""
        return [Document(**json.loads(data)) for (data,) in self._query(
            "SELECT data FROM documents ORDER BY date IS NULL, date DESC, row LIMIT ?", (n,))]


def _within(ranges: DateRanges, column: str) -> tuple[str, list[str]]:
    """A WHERE clause for ``column`` within any of ``ranges``, and its arguments."""
    clause = " OR ".join(f"({column} >= ? AND {column} < ?)" for _ in ranges) or "0"
    return f"{column} IS NOT NULL AND ({clause})", [bound for pair in ranges for bound in pair]
