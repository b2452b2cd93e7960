"""Memoise the dashboard's reads between two changes of the inventory.

The inventory changes only when a scan is recorded (``sentinelle watch``), while a dashboard
asks the same questions over and over (the overview, the first page of the list, the
critical files). :class:`ReadCache` keeps recent answers, keyed by the question, for as long
as the inventory's state token is unchanged: the id and end time of the latest scan. While a
scan is being recorded (latest scan not finished) nothing is cached. The token itself is
re-read at most every ``recheck`` seconds, so an answer is at most that old.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class ReadCache:
    """A small LRU of read results, emptied whenever the inventory's state token changes."""

    def __init__(self, inventory: Any, size: int = 512, recheck: float = 1.0) -> None:
        self.inventory = inventory
        self.size = size
        self.recheck = recheck
        self._lock = threading.Lock()
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._token: Hashable | None = None
        self._checked = float("-inf")
        self.hits = self.misses = 0

    def _state(self) -> Hashable | None:
        """The latest scan's (id, finished_at), or None while it runs (or before any scan)."""
        latest = self.inventory.scans(limit=1)
        if not latest or latest[0].finished_at is None:
            return None
        return (latest[0].id, latest[0].finished_at, latest[0].files)

    def _current(self) -> Hashable | None:
        now = time.monotonic()
        with self._lock:
            if now - self._checked < self.recheck:
                return self._token
        token = self._state()
        with self._lock:
            if token != self._token or token is None:
                self._items.clear()
            self._token, self._checked = token, now
        return token

    def cached(self, key: Hashable) -> Any | None:
        """The stored answer for ``key`` if there is one (None otherwise); never computes.

        Cheap enough for the event loop: the server answers repeated questions without a
        worker thread (the state token is re-read at most every ``recheck`` seconds).
        """
        if self._current() is None:
            return None
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        return None

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached answer for ``key``, or ``compute()`` (stored if the inventory is stable)."""
        token = self._current()
        if token is None:
            self.misses += 1
            return compute()
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            self.misses += 1
            if self._token == token:
                self._items[key] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return value


__all__ = ["ReadCache"]
