"""What a screen worked out from a Snapshot's frames, kept while they are the same objects.

A what-if move gives new frames only for what it changed (the workers, their cases) and
hands the rest on as they were, so a value made from the unchanged ones (a worker's dates,
the history's series) is the same and need not be worked out again on the redraw.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

_V = TypeVar("_V")

_BY_VALUE = (int, str, frozenset)
"""Parts of a key compared by value; everything else (frames, trends) by identity."""


class Kept(Generic[_V]):
    """The values made for the last `size` keys. A key is a tuple: its frames are the
    same when they are the same object, its ids and refs when they are equal."""

    def __init__(self, size: int = 1) -> None:
        self._size = size
        self._entries: list[tuple[tuple[object, ...], _V]] = []

    def get(self, key: tuple[object, ...], make: Callable[[], _V]) -> _V:
        """The value kept for `key`, or `make()`'s, kept in place of the oldest."""
        for kept_key, value in self._entries:
            if _same(kept_key, key):
                return value
        value = make()
        self._entries = [(key, value), *self._entries[: self._size - 1]]
        return value


def _same(kept: tuple[object, ...], key: tuple[object, ...]) -> bool:
    return len(kept) == len(key) and all(
        old is new or (isinstance(old, _BY_VALUE) and old == new)
        for old, new in zip(kept, key, strict=True)
    )
