"""``TrackedPool``: an asyncpg pool that knows what it lends.

It counts connections in use and callers waiting for one, and adds each
connection's hold time to ``connection_pool_busy_seconds_total`` when it is
released; ``connection_pool_utilization`` is read from it at scrape time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg

from reference_app.errors import DatabaseUnavailable
from reference_app.metrics import ServiceMetrics

__all__ = ["PoolStats", "TrackedPool"]


@dataclass(frozen=True, kw_only=True, slots=True)
class PoolStats:
    client_type: str
    size: int
    in_use: int
    waiting: int
    utilization: float
    busy_seconds: float


class TrackedPool:
    """An asyncpg pool that accounts for every connection it lends."""

    def __init__(self, *, client_type: str, dsn: str, size: int, metrics: ServiceMetrics) -> None:
        self.client_type = client_type
        self.size = size
        self._dsn = dsn
        self._metrics = metrics
        self._pool: asyncpg.Pool | None = None
        self._in_use = 0
        self._waiting = 0
        self._busy_seconds = 0.0
        self._busy_counter = metrics.pool_busy_seconds.labels(client_type)
        metrics.pool_size.labels(client_type).set(size)
        metrics.pool_utilization.labels(client_type).set_function(self._utilization)

    def _utilization(self) -> float:
        return self._in_use / self.size

    async def open(self, *, min_size: int, command_timeout: float) -> None:
        """Create the pool; with ``min_size=0`` no connection is opened yet."""
        self._pool = await asyncpg.create_pool(
            self._dsn,
            min_size=min_size,
            max_size=self.size,
            command_timeout=command_timeout,
            timeout=min(command_timeout, 5.0),
            max_inactive_connection_lifetime=300,
            server_settings={"application_name": f"reference_app-{self.client_type}"},
        )

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            try:
                await asyncio.wait_for(pool.close(), timeout=5)
            except (TimeoutError, OSError, asyncpg.PostgresError):
                pool.terminate()

    @property
    def is_open(self) -> bool:
        return self._pool is not None

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        if self._pool is None:
            raise DatabaseUnavailable(f"the {self.client_type} database pool is not open")
        self._waiting += 1
        try:
            conn = await self._pool.acquire()
        finally:
            self._waiting -= 1
        self._in_use += 1
        started = time.perf_counter()
        try:
            yield conn
        finally:
            held = time.perf_counter() - started
            self._in_use -= 1
            self._busy_seconds += held
            self._busy_counter.inc(held)
            await self._pool.release(conn)

    async def fetch(self, table: str, sql: str, *args: Any) -> list[asyncpg.Record]:
        async with self.connection() as conn:
            rows: list[asyncpg.Record] = await conn.fetch(sql, *args)
        self._metrics.db_queries.labels(self.client_type, table).inc()
        return rows

    def stats(self) -> PoolStats:
        return PoolStats(
            client_type=self.client_type,
            size=self.size,
            in_use=self._in_use,
            waiting=self._waiting,
            utilization=round(self._utilization(), 4),
            busy_seconds=round(self._busy_seconds, 3),
        )
