"""Votes on answers (👍/👎), kept so operators can turn real questions into gold-set cases.

One SQLite file under ``var/``: the question, the history it was read with, the
passages cited, the vote and when. Never a name; the user id only as a keyed
hash (HMAC with a random key kept in the same file), enough to let a second
vote replace the first and nothing more.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import time
from pathlib import Path

FILE = "feedback.sqlite"  # beside the bot's state, in var/
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS votes (
    answer TEXT, user_hash TEXT, question TEXT, history TEXT, cited TEXT, vote INTEGER, at REAL,
    PRIMARY KEY (answer, user_hash));
"""


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))  # holds questions: owner-only
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        with self._db:
            self._db.executescript(SCHEMA)
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('user_key', ?)", [secrets.token_hex(32)])
        (key,) = self._db.execute("SELECT value FROM meta WHERE key = 'user_key'").fetchone()
        self._key = bytes.fromhex(key)

    def _user(self, user_id: int) -> str:
        return hmac.new(self._key, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    def vote(self, answer: str, user_id: int, vote: int, question: str, history: list[str] | tuple[str, ...],
             cited: list[str]) -> bool:
        """Store (or change) one user's vote on one answer; True when it replaced an earlier vote."""
        user = self._user(user_id)
        with self._db:
            earlier = self._db.execute("SELECT 1 FROM votes WHERE answer = ? AND user_hash = ?",
                                       [answer, user]).fetchone()
            self._db.execute("INSERT OR REPLACE INTO votes VALUES (?, ?, ?, ?, ?, ?, ?)",
                             [answer, user, question, json.dumps(list(history), ensure_ascii=False),
                              json.dumps(cited), 1 if vote > 0 else -1, time.time()])
        return earlier is not None

    def export(self) -> list[dict]:
        """Every vote as a gold-set candidate, oldest first."""
        rows = self._db.execute("SELECT question, history, cited, vote, at FROM votes ORDER BY at").fetchall()
        return [{"question": q, "history": json.loads(h), "cited": json.loads(c),
                 "vote": "up" if v > 0 else "down",
                 "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))} for q, h, c, v, at in rows]

    def close(self) -> None:
        self._db.close()
