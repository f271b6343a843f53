"""The response cache: an in-process layer in front of Redis, bounded, versioned, never stalling.

A lookup tries this process's memory first (``reference_app.local_cache``), then Redis,
then rebuilds from the database. Hits are counted once, in
``catalog_cache_hits_total{gateway}``, and by layer in
``catalog_cache_layer_hits_total{layer}``; a request no layer answers is one miss.

Every Redis call is bounded and rests behind a circuit breaker (``reference_app.redis_ops``).

Keys hash in the catalog version (``reference_app.catalog_version``), which a background
task reads every 0.25 s; a new version clears the in-process layer. The in-process layer
never waits on Redis: it answers only while the breaker is closed and the version was read
within the last second, so a catalog change reaches every process within a second, or,
with Redis dead or frozen, the process stops serving from memory (as soon as a Redis
operation fails, the poller's included) and reads go through the breaker to the database,
as without the layer. No entry is served past its TTL. Pages past
``CATALOG_CACHE_MAX_OFFSET`` are never cached.

Concurrent misses on one key share one rebuild (single flight): the first caller runs it
as a task of its own, so its cancellation (client gone, deadline) does not cancel the
others' answer. Only a finished response body is ever stored; a failed rebuild stores
nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client import Counter

from reference_app.breaker import CircuitBreaker  # still importable from here, as it was
from reference_app.catalog_version import VERSION_KEY, new_version
from reference_app.local_cache import LocalLayer
from reference_app.metrics import CACHE_LAYERS, ServiceMetrics
from reference_app.params import ListQuery
from reference_app.redis_ops import BoundedRedis

__all__ = ["CircuitBreaker", "ResponseCache", "SingleFlight"]

log = logging.getLogger(__name__)

CounterChild = Counter  # what `Counter.labels(...)` returns
VERSION_POLL_SECONDS = 0.25
# The in-process layer serves only while the version was read this recently: a catalog
# change reaches every process within this bound, or the process stops serving from memory.
VERSION_FRESH_SECONDS = 1.0


class SingleFlight:
    """At most one running rebuild per key; later callers await the same result."""

    def __init__(self) -> None:
        self._running: dict[str, asyncio.Task[bytes]] = {}

    def __len__(self) -> int:
        return len(self._running)

    async def run(self, key: str, build: Callable[[], Awaitable[bytes]]) -> bytes:
        task = self._running.get(key)
        if task is None:
            task = asyncio.ensure_future(build())
            self._running[key] = task
            task.add_done_callback(lambda done: self._forget(key, done))
        return await asyncio.shield(task)

    def _forget(self, key: str, task: asyncio.Task[bytes]) -> None:
        if self._running.get(key) is task:
            del self._running[key]
        if not task.cancelled():
            task.exception()  # retrieved here so an abandoned failure is not reported twice


class ResponseCache:
    """Catalog list bodies in this process and in Redis, never slower than ``timeout``."""

    def __init__(
        self,
        *,
        url: str,
        ttl: int,
        timeout: float,
        metrics: ServiceMetrics,
        local: LocalLayer | None = None,
        max_offset: int = 1_000_000,
    ) -> None:
        self.ttl = ttl
        self.timeout = timeout
        self.local = local
        self.max_offset = max_offset
        self.version: str | None = None  # unknown until Redis has answered once
        self._version_read_at = -math.inf  # time.monotonic() of the last successful read
        self._metrics = metrics
        self._redis = BoundedRedis(url=url, timeout=timeout, metrics=metrics)
        self._poller: asyncio.Task[None] | None = None
        # Label children bound once: the hit path does no label lookups.
        self._layer_hits = {layer: metrics.cache_layer_hits.labels(layer) for layer in CACHE_LAYERS}
        self._gateway_hits: dict[str, CounterChild] = {}
        self._gateway_misses: dict[str, CounterChild] = {}
        self.flights = SingleFlight()

    async def start(self) -> None:
        """Read the catalog version once (bounded), then keep reading it in the background."""
        await self.refresh_version()
        if self._poller is None:
            self._poller = asyncio.create_task(self._poll(), name="catalog-version-poller")

    async def close(self) -> None:
        poller, self._poller = self._poller, None
        if poller is not None:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
        await self._redis.close()

    def cacheable(self, query: ListQuery) -> bool:
        return query.offset <= self.max_offset

    def local_hit(self, query: ListQuery) -> bytes | None:
        """The in-process layer's body for ``query`` (a hit, counted), or None; never waits."""
        if (
            self.local is None
            or self._redis.failing  # changes could not reach this process
            or time.monotonic() - self._version_read_at > VERSION_FRESH_SECONDS
        ):
            return None
        body = self.local.get(query)
        if body is not None:
            self._hit(query.gateway, "local")
            log.debug("Cache HIT (local) %s", query)
        return body

    async def fetch(
        self, query: ListQuery, build: Callable[[], Awaitable[bytes]]
    ) -> tuple[bytes, str]:
        """The body and ``X-Cache`` after the in-process layer missed: Redis, else ``build``."""
        version = self.version
        key = query.cache_key(version or "")
        if version is None or not self.cacheable(query):
            self._miss(query.gateway)
            why = "catalog version unknown" if version is None else "offset past the maximum"
            log.debug("Cache MISS %s (not cached: %s)", key, why)
            return await self.flights.run(key, build), "MISS"
        found = await self._read(key)
        if found is not None:
            body, ttl_left = found
            self._hit(query.gateway, "redis")
            log.debug("Cache HIT %s", key)
            self._keep(query, body, version, ttl_left)
            return body, "HIT"
        self._miss(query.gateway)
        log.debug("Cache MISS %s", key)

        async def rebuild() -> bytes:
            fresh = await build()
            await self._redis.run("set", lambda: self._redis.client.set(key, fresh, ex=self.ttl))
            self._keep(query, fresh, version, float(self.ttl))
            return fresh

        return await self.flights.run(key, rebuild), "MISS"

    def _hit(self, gateway: str, layer: str) -> None:
        child = self._gateway_hits.get(gateway)
        if child is None:
            child = self._gateway_hits[gateway] = self._metrics.cache_hits.labels(gateway)
        child.inc()
        self._layer_hits[layer].inc()

    def _miss(self, gateway: str) -> None:
        child = self._gateway_misses.get(gateway)
        if child is None:
            child = self._gateway_misses[gateway] = self._metrics.cache_misses.labels(gateway)
        child.inc()

    def _keep(self, query: ListQuery, body: bytes, version: str, ttl_left: float | None) -> None:
        # A body built or read under an older version must not enter the cleared layer.
        if self.local is not None and version == self.version:
            self.local.put(query, body, ttl_left=ttl_left)

    async def _read(self, key: str) -> tuple[bytes, float | None] | None:
        """Redis's body for ``key`` and the seconds it has left there; None when absent."""
        if self.local is None:
            body = await self._redis.run("get", lambda: self._redis.client.get(key))
            return (body, None) if isinstance(body, bytes) else None

        async def get_with_ttl() -> list[Any]:
            async with self._redis.client.pipeline(transaction=False) as pipe:
                pipe.get(key)
                pipe.pttl(key)
                result: list[Any] = await pipe.execute()
            return result

        found = await self._redis.run("get", get_with_ttl)
        if found is None or not isinstance(found[0], bytes):
            return None
        body, pttl = found
        return body, (pttl / 1000 if isinstance(pttl, int) and pttl >= 0 else None)

    async def refresh_version(self) -> None:
        """Read the catalog version; a new one clears the in-process layer."""
        version = await self._redis.run("get", self._read_version)
        if version is None:
            return  # Redis did not answer: the layer stops serving once the version is stale
        self._version_read_at = time.monotonic()
        if version == self.version:
            return
        if self.version is not None:
            log.info("Catalog version changed: the in-process cache is cleared")
        self.version = version
        if self.local is not None:
            self.local.clear()

    async def _read_version(self) -> str:
        raw = await self._redis.client.get(VERSION_KEY)
        if raw is None:  # first start, Redis restarted or flushed: a fresh namespace
            await self._redis.client.set(VERSION_KEY, new_version(), nx=True)
            raw = await self._redis.client.get(VERSION_KEY)
        return raw.decode() if isinstance(raw, bytes) else str(raw)

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(VERSION_POLL_SECONDS)
            await self.refresh_version()

    def status(self) -> dict[str, Any]:
        return {
            "enabled": True,
            **self._redis.status(),
            "ttl_seconds": self.ttl,
            "timeout_seconds": self.timeout,
            "max_offset": self.max_offset,
            "version": self.version,
            "local": self.local.status() if self.local is not None else {"enabled": False},
            "rebuilds_in_flight": len(self.flights),
        }
