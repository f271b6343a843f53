"""The in-process layer in front of Redis: finished bodies in this process's memory.

A ``cachetools.TLRUCache`` sized in bytes of body (``CATALOG_LOCAL_CACHE_MAX_BYTES``): past
it, the least recently used entries go. Each entry expires at its own time, the earlier of
the layer's TTL and what the entry had left in Redis, so an entry never outlives the TTL it
was stored with. Entries belong to one catalog version: a new version clears the layer.
Reads and writes never wait on anything, so a dead or frozen Redis cannot stall this path.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cachetools import TLRUCache

from reference_app.params import ListQuery

__all__ = ["LocalEntry", "LocalLayer"]

# One entry may use at most this share of the layer: one huge page never evicts many hot
# small ones.
_LARGEST_SHARE = 16


@dataclass(frozen=True, slots=True)
class LocalEntry:
    body: bytes
    expires_at: float  # on the layer's timer (time.monotonic())


def _expires(_key: ListQuery, entry: LocalEntry, _now: float) -> float:
    return entry.expires_at


def _size(entry: LocalEntry) -> int:
    return len(entry.body)


class LocalLayer:
    """Bodies by canonical query, bounded in bytes, each with its own expiry."""

    def __init__(
        self, *, max_bytes: int, ttl: float, timer: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_bytes = max_bytes
        self.ttl = ttl
        self._timer = timer
        self._largest = max_bytes // _LARGEST_SHARE
        self._entries: TLRUCache[ListQuery, LocalEntry] = TLRUCache(
            maxsize=max(max_bytes, 1), ttu=_expires, timer=timer, getsizeof=_size
        )

    def get(self, query: ListQuery) -> bytes | None:
        entry = self._entries.get(query)
        return entry.body if entry is not None else None

    def put(self, query: ListQuery, body: bytes, *, ttl_left: float | None = None) -> bool:
        """Keep ``body`` for the layer's TTL, or ``ttl_left`` if that is sooner; False if
        the body is too large to keep or has no time left."""
        ttl = self.ttl if ttl_left is None else min(self.ttl, ttl_left)
        if ttl <= 0 or len(body) > self._largest:
            return False
        self._entries[query] = LocalEntry(body, self._timer() + ttl)
        return True

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        return int(self._entries.currsize)

    def status(self) -> dict[str, Any]:
        self._entries.expire()
        return {
            "entries": len(self._entries),
            "bytes": self.bytes,
            "max_bytes": self.max_bytes,
            "ttl_seconds": self.ttl,
        }
