"""Redis operations that never take longer than ``REDIS_TIMEOUT_SECONDS``, behind a breaker.

Every call is bounded (redis-py retries off, plus an ``asyncio.timeout``). The first
failure opens a circuit breaker: while it is open no operation touches Redis; after a
cool-down (growing from 0.5 s to 5 s) one operation probes it, and the first success closes
it again and logs "Cache recovered". "Cache read failed" and "Cache write failed" are
logged once per incident; every failed operation is counted in
``catalog_cache_errors_total{operation}``. Nothing is raised: the cache is optional.
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

from reference_app.breaker import CircuitBreaker
from reference_app.metrics import ServiceMetrics

__all__ = ["BoundedRedis"]

log = logging.getLogger(__name__)

_T = TypeVar("_T")


class BoundedRedis:
    """A Redis client whose every operation is bounded, counted when it fails, and skipped
    while the breaker rests."""

    def __init__(self, *, url: str, timeout: float, metrics: ServiceMetrics) -> None:
        self.timeout = timeout
        self._metrics = metrics
        self.client: Redis = Redis.from_url(
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

    @property
    def failing(self) -> bool:
        """The breaker is open: Redis failed and has not answered a probe since."""
        return self._breaker.is_open

    async def close(self) -> None:
        await self.client.aclose()

    async def run(self, operation: str, call: Callable[[], Awaitable[_T]]) -> _T | None:
        """Run one operation (``get`` or ``set``) through the breaker and within ``timeout``.

        None when the breaker is open or the operation failed; a failure is counted and
        logged here, never raised.
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
        state: dict[str, Any] = {"status": "unavailable" if self._breaker.is_open else "healthy"}
        if self._breaker.opened_at is not None:
            state["down_for_seconds"] = round(time.monotonic() - self._breaker.opened_at, 1)
            state["failed_operations"] = self._failures_in_incident
        return state
