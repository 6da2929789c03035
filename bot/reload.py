"""Pick up a new index build while the bot keeps serving: poll ``current``, and check at once on SIGHUP.

The swap is one attribute assignment: a question already running holds the
old engine (and so the old index) until it finishes, and the next question
gets the new one. Loading happens off the event loop. A build that cannot be
loaded (damaged, another model) is logged once and the bot keeps the index it
has; it tries again when ``current`` moves on.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import signal
import time
from pathlib import Path
from typing import Callable

from index.engine import Engine
from index.store import CURRENT, StoreError, load_index

log = logging.getLogger("corpusbot.reload")


class IndexReloader:
    def __init__(self, get_engine: Callable[[], Engine], set_engine: Callable[[Engine], None], index_dir: Path,
                 interval: float, milvus=None) -> None:
        self.get_engine = get_engine
        self.milvus = milvus  # the Milvus connection of the settings, for builds kept in Milvus
        self.set_engine = set_engine
        self.index_dir = Path(index_dir)
        self.interval = interval
        self.seen = self._target()  # the build the bot is serving, or the last one that failed to load
        self.last_swap_ms: float | None = None
        self._task: asyncio.Task | None = None
        self._lock = asyncio.Lock()

    def _target(self) -> str | None:
        try:
            return os.readlink(self.index_dir / CURRENT)
        except OSError:
            return None

    async def check(self) -> bool:
        """Swap in the current build if it is not the one being served; True when it swapped."""
        async with self._lock:
            target = self._target()
            if target is None or target == self.seen:
                return False
            self.seen = target
            started = time.perf_counter()
            engine = self.get_engine()
            try:
                index = await asyncio.get_running_loop().run_in_executor(
                    None, functools.partial(load_index, self.index_dir, engine.embedder.fingerprint,
                                            milvus=self.milvus))
            except StoreError as exc:
                log.warning("new index build %s not loaded, still serving the previous one: %s", target, exc)
                return False
            self.set_engine(engine.with_index(index))
            self.last_swap_ms = (time.perf_counter() - started) * 1000
            log.info("serving index build %s (%d passages), swapped in %.0f ms",
                     index.path.name, len(index.passages), self.last_swap_ms)
            return True

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.check()
            except Exception:  # noqa: BLE001 - a watcher that dies silently would be worse
                log.exception("index check failed; will try again")

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        if self.interval > 0:
            self._task = loop.create_task(self._poll())
        try:
            loop.add_signal_handler(signal.SIGHUP, lambda: loop.create_task(self.check()))
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or no signals here
            pass

    async def stop(self) -> None:
        try:
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
        except (NotImplementedError, RuntimeError, ValueError):
            pass
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
