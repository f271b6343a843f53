"""Catalog reads on the replica, with per-query fallback to the primary.

``Database`` sends catalog reads to the replica when there is one and falls
back to the primary for that query when the replica fails; after a failure the
replica rests for a growing back-off, then one query probes it (no reconnect
storm). While the replica's replay lags more than ``REPLICA_MAX_LAG_SECONDS``
(``reference_app.replica_lag``), reads go to the primary without trying it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Sequence
from typing import Any

import asyncpg

from reference_app.breaker import CircuitBreaker
from reference_app.failures import describe_failure
from reference_app.metrics import ServiceMetrics
from reference_app.pools import TrackedPool
from reference_app.replica_lag import ReplicaLagMonitor

__all__ = ["Database"]

log = logging.getLogger(__name__)

_REPLICA_BACKOFF_MIN = 1.0
_REPLICA_BACKOFF_MAX = 15.0
_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.CannotConnectNowError,
)


class Database:
    """Catalog reads on the replica (when configured) with per-query fallback to the primary."""

    def __init__(
        self,
        *,
        primary: TrackedPool,
        replica: TrackedPool | None,
        metrics: ServiceMetrics,
        command_timeout: float,
        lag: ReplicaLagMonitor | None = None,
    ) -> None:
        self.primary = primary
        self.replica = replica
        self.lag = lag
        self._metrics = metrics
        self._command_timeout = command_timeout
        self._replica_breaker = CircuitBreaker(
            cooldown_min=_REPLICA_BACKOFF_MIN, cooldown_max=_REPLICA_BACKOFF_MAX
        )
        self._replica_last_error: str | None = None

    async def read(self, table: str, sql: str, *args: Any) -> list[asyncpg.Record]:
        """Run a catalog read: replica first, the primary if it fails, rests or lags."""
        replica = self.replica
        if replica is not None:
            # Lag first: a lagging replica must not take the breaker's probe slot.
            if not self.replica_lagging and self._replica_breaker.allow():
                rows = await self._try_replica(replica, table, sql, args)
                if rows is not None:
                    return rows
            self._metrics.replica_queries.labels(table, "fallback_to_primary").inc()
        return await self.primary.fetch(table, sql, *args)

    async def _try_replica(
        self, replica: TrackedPool, table: str, sql: str, args: Sequence[Any]
    ) -> list[asyncpg.Record] | None:
        # Only the one probe gets through an open breaker, so a query that began
        # while it was open is that probe.
        probing = self._replica_breaker.is_open
        try:
            rows = await self._fetch_replica(replica, table, sql, *args)
        except asyncio.CancelledError:
            if probing:
                self._replica_breaker.abandon_probe()
            raise
        except Exception as exc:  # any replica failure: this query goes to the primary
            self._replica_failed(table, exc, probing=probing)
            return None
        self._metrics.replica_queries.labels(table, "success").inc()
        if probing:
            self._replica_recovered()
        return rows

    def _replica_failed(self, table: str, exc: Exception, *, probing: bool) -> None:
        self._metrics.replica_queries.labels(table, "error").inc()
        if isinstance(exc, _CONNECTION_ERRORS):
            self._metrics.replica_connection_errors.inc()
        self._replica_last_error = describe_failure(exc)  # shown to anyone: no raw text
        # A query that was not the probe was in flight when the incident began:
        # its failure must not lengthen the rest.
        if self._replica_breaker.failure(probe=probing):  # a new incident
            log.error(
                "Read replica connection failed, falling back to the primary: %s: %s",
                type(exc).__name__,
                exc,
            )

    def _replica_recovered(self) -> None:
        down_for = time.monotonic() - (self._replica_breaker.opened_at or time.monotonic())
        log.info("Read replica recovered after %.1fs; catalog reads use it again", down_for)
        self._replica_breaker.success()
        self._replica_last_error = None

    @property
    def replica_lagging(self) -> bool:
        """The replica's replay lags more than the bound: reads go to the primary."""
        return self.lag is not None and self.lag.lagging

    def replica_state(self) -> dict[str, Any]:
        if self.replica is None:
            return {"configured": False, "status": "disabled"}
        lag = self.lag.state() if self.lag is not None else {}
        opened_at = self._replica_breaker.opened_at
        if opened_at is None:
            status = "lagging" if self.replica_lagging else "healthy"
            return {"configured": True, "status": status, **lag}
        return {
            **lag,
            "configured": True,
            "status": "unavailable",
            "down_for_seconds": round(time.monotonic() - opened_at, 1),
            "retry_in_seconds": round(
                max(0.0, self._replica_breaker.retry_at - time.monotonic()), 1
            ),
            "last_error": self._replica_last_error,
        }

    async def open(self) -> None:
        """Open the pools; a database that does not answer yet must not stop start-up."""
        try:
            await self.primary.open(
                min_size=self.primary.size, command_timeout=self._command_timeout
            )
        except Exception as exc:
            log.error(
                "Primary database not reachable at start-up (%s); will connect on demand", exc
            )
            await self.primary.open(min_size=0, command_timeout=self._command_timeout)
        if self.replica is not None:
            # min_size=0 opens no connection: an unreachable replica shows on the first read.
            try:
                await self.replica.open(min_size=0, command_timeout=self._command_timeout)
            except Exception as exc:
                log.error("Read replica pool not created (%s); reads use the primary", exc)

    async def close(self) -> None:
        await self.primary.close()
        if self.replica is not None:
            await self.replica.close()

    async def ping_primary(self) -> bool:
        return await _answers(self.primary.fetch("health", "SELECT 1"))

    async def ping_replica(self) -> bool | None:
        if self.replica is None:
            return None
        return await _answers(self._fetch_replica(self.replica, "health", "SELECT 1"))

    async def _fetch_replica(
        self, replica: TrackedPool, table: str, sql: str, *args: Any
    ) -> list[asyncpg.Record]:
        # The replica's pool may not exist yet: it is opened lazily, on first use.
        if not replica.is_open:
            await replica.open(min_size=0, command_timeout=self._command_timeout)
        return await replica.fetch(table, sql, *args)


async def _answers(query: Awaitable[object]) -> bool:
    """True when the query succeeds, False when it fails; cancellation still propagates."""
    try:
        await query
    except asyncio.CancelledError:
        raise
    except Exception:
        return False
    return True
