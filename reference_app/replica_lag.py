"""Replica lag: how far behind the primary the read replica's replayed data is.

Every second a background task reads the primary's flushed WAL position
(``pg_current_wal_flush_lsn()``), then the replica's replayed position
(``pg_last_wal_replay_lsn()``), each on a connection of its own (not the
catalog pools: the samples are not catalog traffic and never wait for a pool).

- ``read_replica_lag_bytes``: primary position minus replayed position (0 when
  the replica has replayed everything the primary had flushed).
- ``read_replica_lag_seconds``: how long the replica has been failing to replay
  WAL the primary had: the time since the first sample that saw the primary at
  a position the replica still has not replayed; 0 when it has replayed it all.
  An idle primary writes no WAL, so an idle, caught-up replica reads 0 however
  old its last replayed transaction is (``pg_last_xact_replay_timestamp()``
  would keep ageing there). The reading is at most one sample interval under the
  true age of the oldest unreplayed WAL.

A sample that fails or takes longer than its bound (an unreachable or hung
server) leaves both gauges NaN until one succeeds: the lag is unknown, not 0.
A replica that is not in recovery (a writable server: the primary itself, or a
promoted replica) has nothing to replay and reads 0.

With ``REPLICA_MAX_LAG_SECONDS`` > 0, a lag above it makes ``lagging`` true and
``Database`` sends catalog reads to the primary until the replica catches up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import deque
from dataclasses import dataclass

import asyncpg

from reference_app.metrics import ServiceMetrics

__all__ = ["Lag", "LagSample", "LagTracker", "ReplicaLagMonitor", "exceeds_bound"]

log = logging.getLogger(__name__)

SAMPLE_INTERVAL_SECONDS = 1.0
SAMPLE_TIMEOUT_SECONDS = 2.0
_PRIMARY_SQL = "SELECT (pg_current_wal_flush_lsn() - '0/0'::pg_lsn)::bigint"
_REPLICA_SQL = "SELECT pg_is_in_recovery(), (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint"
_NAN = float("nan")


@dataclass(frozen=True, kw_only=True, slots=True)
class LagSample:
    """One sample: the primary's flushed position, then the replica's replayed one."""

    #: ``time.monotonic()`` when the primary's position was read.
    at: float
    #: The primary's flushed WAL position, in bytes from 0/0.
    primary_lsn: int
    #: The replica's replayed position; None when it is not in recovery.
    replay_lsn: int | None


@dataclass(frozen=True, kw_only=True, slots=True)
class Lag:
    seconds: float
    bytes: float

    @property
    def known(self) -> bool:
        return not math.isnan(self.seconds)


UNKNOWN = Lag(seconds=_NAN, bytes=_NAN)
CAUGHT_UP = Lag(seconds=0.0, bytes=0.0)


def exceeds_bound(lag_seconds: float, max_lag_seconds: float) -> bool:
    """The fallback rule: a known lag above a positive bound (0: no bound)."""
    return max_lag_seconds > 0 and not math.isnan(lag_seconds) and lag_seconds > max_lag_seconds


class LagTracker:
    """Samples in, lag out; no I/O.

    It keeps, for the WAL the replica has not replayed yet, when each sample first
    saw the primary past the replayed position (one entry per distinct primary
    position, oldest first). The lag is the age of the oldest entry.
    """

    def __init__(self, *, max_pending: int = 4096) -> None:
        self._max_pending = max(2, max_pending)
        # (first seen at, primary position then), positions increasing.
        self._pending: deque[tuple[float, int]] = deque()

    def observe(self, sample: LagSample) -> Lag:
        if sample.replay_lsn is None:  # not a standby: nothing to replay
            self._pending.clear()
            return CAUGHT_UP
        replayed = sample.replay_lsn
        while self._pending and self._pending[0][1] <= replayed:
            self._pending.popleft()
        if sample.primary_lsn > replayed and (
            not self._pending or self._pending[-1][1] < sample.primary_lsn
        ):
            self._pending.append((sample.at, sample.primary_lsn))
            if len(self._pending) > self._max_pending:
                self._thin()
        behind = max(0, sample.primary_lsn - replayed)
        if not self._pending:
            return Lag(seconds=0.0, bytes=float(behind))
        return Lag(seconds=max(0.0, sample.at - self._pending[0][0]), bytes=float(behind))

    def _thin(self) -> None:
        # Keep the oldest entry exact (it is the lag); halve the resolution after it.
        kept = list(self._pending)
        self._pending = deque([kept[0], *kept[2::2]])


class ReplicaLagMonitor:
    """Samples the replica's lag in the background and keeps the gauges current."""

    def __init__(
        self,
        *,
        primary_dsn: str,
        replica_dsn: str,
        metrics: ServiceMetrics,
        max_lag_seconds: float,
        interval: float = SAMPLE_INTERVAL_SECONDS,
        timeout: float = SAMPLE_TIMEOUT_SECONDS,
    ) -> None:
        self._dsns = {"primary": primary_dsn, "replica": replica_dsn}
        self._metrics = metrics
        self.max_lag_seconds = max_lag_seconds
        self.interval = interval
        self.timeout = timeout
        self._tracker = LagTracker()
        self._conns: dict[str, asyncpg.Connection] = {}
        self._task: asyncio.Task[None] | None = None
        self._unknown_since: float | None = None
        self._lagging_since: float | None = None
        self.lag: Lag = CAUGHT_UP
        self.last_error: str | None = None

    @property
    def lagging(self) -> bool:
        """True while reads must not use the replica: its lag is over the bound."""
        return exceeds_bound(self.lag.seconds, self.max_lag_seconds)

    def state(self) -> dict[str, object]:
        return {
            "lag_seconds": round(self.lag.seconds, 3) if self.lag.known else None,
            "lag_bytes": int(self.lag.bytes) if self.lag.known else None,
            "max_lag_seconds": self.max_lag_seconds,
            "lagging": self.lagging,
        }

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="replica-lag-sampler")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._close_all()

    async def _run(self) -> None:
        while True:
            await self.sample_once()
            await asyncio.sleep(self.interval)

    async def sample_once(self) -> Lag:
        """One bounded sample; a failure makes the lag unknown (NaN), never raises."""
        try:
            async with asyncio.timeout(self.timeout):
                sample = await self._read()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # unreachable, hung, refusing: the lag is unknown
            # The positions seen so far stay valid: a replica still behind after an
            # outage keeps its age.
            await self._close_all()
            self.last_error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            if self._unknown_since is None:
                self._unknown_since = time.monotonic()
                log.warning("Replica lag unknown (sampling failed): %s", self.last_error)
            self._publish(UNKNOWN)
            return self.lag
        if self._unknown_since is not None:
            log.info(
                "Replica lag sampled again after %.1fs", time.monotonic() - self._unknown_since
            )
            self._unknown_since = None
            self.last_error = None
        self._publish(self._tracker.observe(sample))
        return self.lag

    async def _read(self) -> LagSample:
        primary = await self._connection("primary")
        at = time.monotonic()
        primary_lsn = await primary.fetchval(_PRIMARY_SQL)
        replica = await self._connection("replica")
        row = await replica.fetchrow(_REPLICA_SQL)
        if primary_lsn is None or row is None:
            raise RuntimeError("no WAL position returned")
        in_recovery, replay_lsn = row[0], row[1]
        if in_recovery and replay_lsn is None:
            raise RuntimeError("the replica has replayed no WAL yet")
        return LagSample(
            at=at, primary_lsn=int(primary_lsn), replay_lsn=int(replay_lsn) if in_recovery else None
        )

    async def _connection(self, part: str) -> asyncpg.Connection:
        conn = self._conns.get(part)
        if conn is None or conn.is_closed():
            conn = await asyncpg.connect(
                self._dsns[part],
                timeout=self.timeout,
                command_timeout=self.timeout,
                server_settings={"application_name": "reference_app-lag"},
            )
            self._conns[part] = conn
        return conn

    async def _close_all(self) -> None:
        conns, self._conns = self._conns, {}
        for conn in conns.values():
            conn.terminate()  # never waits on a server that may hang

    def _publish(self, lag: Lag) -> None:
        was_lagging = self.lagging
        self.lag = lag
        self._metrics.replica_lag_seconds.set(lag.seconds)
        self._metrics.replica_lag_bytes.set(lag.bytes)
        if self.lagging and not was_lagging:
            self._lagging_since = time.monotonic()
            log.warning(
                "Read replica lagging %.1fs behind the primary (bound %gs): "
                "catalog reads go to the primary",
                lag.seconds,
                self.max_lag_seconds,
            )
        elif was_lagging and not self.lagging:
            lagged_for = time.monotonic() - (self._lagging_since or time.monotonic())
            self._lagging_since = None
            if lag.known:
                log.info(
                    "Read replica caught up after %.1fs (lag %.1fs); catalog reads use it again",
                    lagged_for,
                    lag.seconds,
                )
            else:  # its failures, if any, fall back per query
                log.warning(
                    "Read replica lag unknown after %.1fs over the bound; catalog reads use "
                    "the replica again",
                    lagged_for,
                )
