"""A bounded, thread-safe memo: what serving computes again and again (value tables, encoded
replies), kept within a byte budget and computed once even when many callers ask at the same
moment (50 clients asking for a national table just after a release would otherwise build it 50
times over, and the last to finish would wait for all the others)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Generic, TypeVar

V = TypeVar("V")


class Memo(Generic[V]):
    """Values by key, least recently used dropped first once their sizes pass ``budget`` bytes
    (the newest value is kept even if it alone is larger)."""

    def __init__(self, budget: int, size: Callable[[V], int]):
        self.budget, self._size = budget, size
        self._held: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._making: dict[Hashable, Future] = {}
        self._lock = threading.Lock()
        self.used = 0

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value for ``key``, made by ``make`` if it is not held; callers asking for a key
        being made wait for it (and get its exception if making it failed)."""
        with self._lock:
            held = self._held.get(key)
            if held is not None:
                self._held.move_to_end(key)
                return held[0]
            pending = self._making.get(key)
            mine = pending is None
            if mine:
                pending = self._making[key] = Future()
        if not mine:
            return pending.result()
        try:
            value = make()
        except BaseException as exc:
            with self._lock:
                del self._making[key]
            pending.set_exception(exc)
            raise
        self._keep(key, value)
        pending.set_result(value)
        return value

    def _keep(self, key: Hashable, value: V) -> None:
        size = self._size(value)
        with self._lock:
            del self._making[key]
            self._held[key] = (value, size)
            self.used += size
            while self.used > self.budget and len(self._held) > 1:
                _, (_, dropped) = self._held.popitem(last=False)
                self.used -= dropped
