"""`corpusbot chat` as a person uses it: in a real terminal (a pty), with readline, follow-ups, /new and Ctrl-D."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time

from conftest import ROOT

FIRST = "What did Valentina Matviyenko say about Tokayev's visit?"
FOLLOW_UP = "What is her position?"
FACT = "Совета Федерации"
UP = "\x1b[A"


class Terminal:
    """A process on the slave side of a pseudo-terminal; we type and read on the master side."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT / "tests",
                                     start_new_session=True)
        os.close(slave)
        self.screen = ""

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def read_until(self, marker: str, timeout: float = 120) -> str:
        """Everything printed from now until ``marker`` appears."""
        start, deadline = len(self.screen), time.monotonic() + timeout
        while marker not in self.screen[start:]:
            if time.monotonic() > deadline:
                raise AssertionError(f"no {marker!r} on the screen:\n{self.screen[-2000:]}")
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.screen += os.read(self.master, 65536).decode("utf-8", "replace")
                except OSError:  # the process ended
                    break
        return self.screen[start:]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        os.close(self.master)


def _env(seed_index_dir, model_cache) -> dict[str, str]:
    return {**os.environ, "INDEX_DIR": str(seed_index_dir), "MODEL_CACHE_DIR": str(model_cache),
            "PYTHONPATH": str(ROOT), "TERM": "xterm"}


def test_chat_in_a_terminal(seed_index_dir, model_cache):
    term = Terminal([sys.executable, "-c", "from bot.cli import main; main()", "chat"],
                    _env(seed_index_dir, model_cache))
    try:
        term.read_until("? ")
        term.type(FIRST + "\r")
        assert "Sources:" in term.read_until("\n? ")
        term.type(FOLLOW_UP + "\r")
        assert FACT in term.read_until("\n? ")  # read in the light of the first question
        term.type("/new\r")
        assert "new conversation" in term.read_until("\n? ")
        term.type(UP + UP + "\r")  # readline: two questions back is the follow-up, now asked afresh
        again = term.read_until("\n? ")
        assert FOLLOW_UP in again and "Sources:" in again and FACT not in again
        term.type("\x04")  # Ctrl-D
        assert term.proc.wait(timeout=30) == 0
    finally:
        term.close()
    saved = seed_index_dir.parent / "chat-history"
    assert FOLLOW_UP in saved.read_text("utf-8") and saved.stat().st_mode & 0o777 == 0o600
    assert "Traceback" not in term.screen


def test_chat_json_lines(seed_index_dir, model_cache):
    lines = "\n".join([FIRST, FOLLOW_UP, "/new", "?", FOLLOW_UP]) + "\n"
    proc = subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", "chat", "--json"], input=lines,
                          capture_output=True, text=True, env=_env(seed_index_dir, model_cache), cwd=ROOT / "tests",
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    first, follow, new, nothing, alone = [json.loads(line) for line in proc.stdout.splitlines()]
    assert first["history"] == [] and follow["history"] == [FIRST] and FACT in follow["answer"]
    assert first["read_with"] is None and follow["read_with"] == FIRST  # the line says what the answer leaned on
    assert new == {"notice": {"kind": "new_conversation", "message": new["notice"]["message"]}}
    assert nothing["notice"]["kind"] == "no_words"
    assert alone["history"] == [] and FACT not in alone["answer"] and alone["unresolved"] == "her"
    assert follow["unresolved"] is None


def test_chat_small_talk_is_answered_and_leaves_the_conversation_as_it_was(seed_index_dir, model_cache):
    lines = "\n".join([FIRST, "Thanks!", FOLLOW_UP]) + "\n"
    proc = subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", "chat", "--json"], input=lines,
                          capture_output=True, text=True, env=_env(seed_index_dir, model_cache), cwd=ROOT / "tests",
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    first, thanks, follow = [json.loads(line) for line in proc.stdout.splitlines()]
    assert thanks["verdict"] == "small_talk" and thanks["talk"]["kind"] == "thanks" and thanks["citations"] == []
    assert follow["history"] == [FIRST] and FACT in follow["answer"]  # "Thanks!" is no question to lean on


def test_chat_on_a_given_day_carries_the_period_to_a_follow_up(seed_index_dir, model_cache):
    """--today: "And last month?" after a scoped question is November 2025 when asked on 10 December 2025."""
    lines = "What was written in December about Nazarbayev?\nAnd last month, about Tokayev's visit?\n"
    proc = subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", "chat", "--json",
                           "--today", "2025-12-10"], input=lines, capture_output=True, text=True,
                          env=_env(seed_index_dir, model_cache), cwd=ROOT / "tests", timeout=300)
    assert proc.returncode == 0, proc.stderr
    december, november = [json.loads(line) for line in proc.stdout.splitlines()]
    assert december["period"] == {"year": None, "month": 12} and november["period"] == {"year": 2025, "month": 11}
    assert november["citations"][0]["date"] == "2025-11-13"
