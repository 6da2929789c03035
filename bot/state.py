"""The bot's saved state (recent answers for "more results", conversations): private, atomic, never fatal.

It holds what users asked, so only the bot's own user may read it; it is
replaced in one step so a crash mid-write cannot corrupt it; and an unreadable
file is set aside (kept for the operator) instead of stopping the bot.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from telegram.ext import PicklePersistence

log = logging.getLogger("corpusbot.state")
PRIVATE = 0o600


class BotState(PicklePersistence):
    """python-telegram-bot's ``PicklePersistence`` with owner-only, atomically replaced files."""

    def __init__(self, filepath: Path, update_interval: float = 5) -> None:
        super().__init__(filepath, update_interval=update_interval)
        if self.filepath.exists():
            self.filepath.chmod(PRIVATE)  # tighten a file an older version wrote world-readable

    def _load_singlefile(self) -> None:
        try:
            super()._load_singlefile()
        except TypeError:  # what python-telegram-bot raises for a file it cannot unpickle
            aside = self.filepath.with_name(self.filepath.name + ".unreadable")
            os.replace(self.filepath, aside)
            log.warning("bot state %s was unreadable; starting afresh (the old file is kept as %s)",
                        self.filepath.name, aside.name)
            super()._load_singlefile()

    def _dump_singlefile(self) -> None:
        final = self.filepath
        partial = final.with_name(final.name + ".partial")
        partial.unlink(missing_ok=True)
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
        self.filepath = partial  # the parent writes wherever ``filepath`` points (it opens the file "wb")
        try:
            super()._dump_singlefile()
        finally:
            self.filepath = final
        os.replace(partial, final)
