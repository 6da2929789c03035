"""A small bounded memory of what recent texts (or other keys) came to, shared by the threads that ask."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Generic, Hashable, Iterable, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RecentVectors(Generic[K, V]):
    """What the last ``size`` texts (or other keys) encoded to; the others encoded in one call, outside the lock.

    The bot asks from several retrieval threads: two of them may encode at
    once, and a text encoded twice is harmless.
    """

    def __init__(self, size: int, items: Iterable[tuple[K, V]] = ()) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict(items)
        self._lock = threading.Lock()

    def get(self, texts: list[K], encode: Callable[[list[K]], Iterable[V]],
            usable: Callable[[K, V], bool] = lambda _text, _value: True) -> list[V]:
        """The values of ``texts``; those not held, or held but not ``usable`` for this call, encoded."""
        with self._lock:
            found = {t: self._items[t] for t in texts if t in self._items and usable(t, self._items[t])}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            for text, value in zip(missing, encode(missing)):
                found[text] = value
        with self._lock:
            for t in texts:
                self._items[t] = found[t]
                self._items.move_to_end(t)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return [found[t] for t in texts]

    def copy(self) -> "RecentVectors[K, V]":
        with self._lock:
            return RecentVectors(self.size, self._items.items())

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
