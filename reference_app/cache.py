"""The Redis response cache: bounded operations, a circuit breaker, single flight.

Every Redis call is bounded by ``REDIS_TIMEOUT_SECONDS``. The first failure
opens a circuit breaker: while it is open no request touches Redis; after a
cool-down (growing from 0.5 s to 5 s) one request probes it, and the first
success closes it again and logs "Cache recovered". "Cache read failed" and
"Cache write failed" are logged once per incident; every failed operation is
counted in ``catalog_cache_errors_total``.

Concurrent misses on one key share one rebuild (single flight): the first
caller runs it as a task of its own, so its cancellation (client gone,
deadline) does not cancel the others' answer. Only a finished response body is
ever stored; a failed rebuild stores nothing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from reference_app.breaker import CircuitBreaker  # still importable from here, as it was
from reference_app.metrics import ServiceMetrics

__all__ = ["CircuitBreaker", "ResponseCache", "SingleFlight"]

log = logging.getLogger(__name__)

_T = TypeVar("_T")


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
    """Catalog response bodies in Redis, never slower than ``timeout`` per operation."""

    def __init__(self, *, url: str, ttl: int, timeout: float, metrics: ServiceMetrics) -> None:
        self.ttl = ttl
        self.timeout = timeout
        self._metrics = metrics
        self._client: Redis = Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
            health_check_interval=0,
            max_connections=512,  # above any realistic concurrency: running out is not "Redis down"
        )
        self._breaker = CircuitBreaker()
        self._failures_in_incident = 0
        self._logged: set[str] = set()
        self.flights = SingleFlight()

    async def close(self) -> None:
        await self._client.aclose()

    async def get(self, key: str, *, gateway: str) -> bytes | None:
        """The cached body, or None on a miss or when Redis cannot answer in time."""
        found = await self._bounded("get", lambda: self._client.get(key))
        body = found if isinstance(found, bytes) else None
        if body is None:
            self._metrics.cache_misses.labels(gateway).inc()
            log.debug("Cache MISS %s", key)
            return None
        self._metrics.cache_hits.labels(gateway).inc()
        log.debug("Cache HIT %s", key)
        return body

    async def set(self, key: str, body: bytes) -> None:
        await self._bounded("set", lambda: self._client.set(key, body, ex=self.ttl))

    async def _bounded(self, operation: str, call: Callable[[], Awaitable[_T]]) -> _T | None:
        """Run one Redis operation through the breaker and within ``timeout``.

        None when the breaker is open or the operation failed; a failure is
        counted and logged here, never raised, because the cache is optional.
        """
        if not self._breaker.allow():
            return None
        try:
            async with asyncio.timeout(self.timeout):
                result = await call()
        except asyncio.CancelledError:
            self._breaker.abandon_probe()
            raise
        except Exception as exc:
            self._failed(operation, exc)
            return None
        self._succeeded()
        return result

    def _failed(self, operation: str, exc: Exception) -> None:
        self._metrics.cache_errors.labels(operation).inc()
        self._failures_in_incident += 1
        self._breaker.failure()
        if operation not in self._logged:
            self._logged.add(operation)
            consequence = (
                "Cache read failed, serving from the database"
                if operation == "get"
                else "Cache write failed, response not cached"
            )
            log.warning(
                "%s (until Redis answers again): %s: %s",
                consequence,
                type(exc).__name__,
                str(exc) or f"no answer within {self.timeout:g}s",
            )

    def _succeeded(self) -> None:
        opened_at = self._breaker.opened_at
        if self._breaker.success() and opened_at is not None:
            log.warning(
                "Cache recovered after %.1fs (%d failed operations)",
                time.monotonic() - opened_at,
                self._failures_in_incident,
            )
            self._failures_in_incident = 0
            self._logged.clear()

    def status(self) -> dict[str, Any]:
        state: dict[str, Any] = {
            "enabled": True,
            "status": "unavailable" if self._breaker.is_open else "healthy",
            "ttl_seconds": self.ttl,
            "timeout_seconds": self.timeout,
            "rebuilds_in_flight": len(self.flights),
        }
        if self._breaker.opened_at is not None:
            state["down_for_seconds"] = round(time.monotonic() - self._breaker.opened_at, 1)
            state["failed_operations"] = self._failures_in_incident
        return state
