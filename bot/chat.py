"""``corpusbot chat``: the bot's conversation in a terminal, with readline editing and history.

The same ``Conversation`` and ``Engine.ask`` the Telegram shell uses, so a
follow-up here is read exactly as it would be there.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

import click

from index.answer import Answer
from index.conversation import Conversation
from index.engine import Engine, QuestionError

HELP = ("Ask a question in English, Russian, Kazakh or Kyrgyz; follow-ups may lean on your earlier questions,\n"
        "and \"Tell me more\" quotes what an answer left out.\n"
        "  /new   start a new conversation     /quit   leave (or Ctrl-D)")


class Notice(NamedTuple):
    kind: str  # "new_conversation", "help", "unknown_command", or why a question was refused ("empty", …)
    message: str


class ChatSession:
    def __init__(self, engine: Engine, top_k: int, ttl: float) -> None:
        self.engine = engine
        self.top_k = top_k
        self.ttl = ttl
        self.conversation = Conversation()

    def reply(self, line: str) -> Answer | Notice | None:
        """An answer, a notice for the user, or None to quit."""
        text = line.strip()
        if text in ("/quit", "/exit"):
            return None
        if text == "/new":
            self.conversation.turns.clear()
            return Notice("new_conversation", "(new conversation: the next question is read on its own)")
        if text == "/help":
            return Notice("help", HELP)
        if text.startswith("/"):
            return Notice("unknown_command", f"unknown command {text.split()[0]}; try /help")
        now = time.time()
        history = self.conversation.history(now, self.ttl)
        try:
            answer = self.engine.ask(text, self.top_k, history=history)
        except QuestionError as exc:
            return Notice(exc.kind, str(exc))
        if answer.talk is None:  # "hi" or «спасибо» is no question for a follow-up to lean on
            self.conversation.add(text, now)
        return answer

    def run_terminal(self, history_file: Path, show: Callable[[Answer], None]) -> None:
        import readline  # line editing and ↑ for earlier questions, only where a person types

        history_file.parent.mkdir(parents=True, exist_ok=True)
        try:
            readline.read_history_file(history_file)
        except OSError:
            pass
        click.echo(HELP)
        try:
            while True:
                try:
                    line = input("? ")
                except KeyboardInterrupt:  # Ctrl-C drops the line being typed, as in a shell
                    click.echo()
                    continue
                except EOFError:  # Ctrl-D
                    click.echo()
                    return
                if not line.strip():
                    continue
                out = self.reply(line)
                if out is None:
                    return
                if isinstance(out, Notice):
                    click.echo(out.message)
                else:
                    show(out)
                click.echo()
        finally:
            readline.set_history_length(1000)
            readline.write_history_file(history_file)
            os.chmod(history_file, 0o600)  # it holds the questions asked

    def run_json(self, lines: Iterable[str], emit_line: Callable[[dict], None]) -> None:
        """One JSON object per non-empty input line: the answer (with the history it was read with) or an error."""
        for line in lines:
            if not line.strip():
                continue
            history = list(self.conversation.history(time.time(), self.ttl))
            out = self.reply(line)
            if out is None:
                return
            if isinstance(out, Notice):
                emit_line({"notice": {"kind": out.kind, "message": out.message}})
            else:
                emit_line({**out.to_dict(), "history": history})
