"""Replica lag without servers: the lag computation, the sampler, and the fallback rule."""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from test_service_replica import FakePool, replica_count

from reference_app import Settings, create_app
from reference_app.db import Database
from reference_app.metrics import ServiceMetrics
from reference_app.replica_lag import LagSample, LagTracker, ReplicaLagMonitor, exceeds_bound

MB = 1 << 20


def sample(at: float, primary: int, replayed: int | None) -> LagSample:
    return LagSample(at=at, primary_lsn=primary, replay_lsn=replayed)


# ---- the lag computation -------------------------------------------------------------


def test_a_replica_that_replayed_everything_lags_zero() -> None:
    tracker = LagTracker()
    for t in range(5):
        lag = tracker.observe(sample(t, 100 + t * MB, 100 + t * MB))
        assert (lag.seconds, lag.bytes) == (0.0, 0.0)


def test_an_idle_primary_gives_zero_lag_however_old_the_last_replayed_transaction() -> None:
    # Replay paused, but the primary writes nothing: the replica's data is current.
    tracker = LagTracker()
    lags = [tracker.observe(sample(t, 5 * MB, 5 * MB)) for t in (0.0, 600.0, 3600.0)]
    assert [(lag.seconds, lag.bytes) for lag in lags] == [(0.0, 0.0)] * 3


def test_paused_replay_while_the_primary_writes_grows_one_second_a_second() -> None:
    tracker = LagTracker()
    tracker.observe(sample(0.0, MB, MB))  # caught up
    # Replay stops at MB; the primary goes on writing 64 kB a second.
    lags = [tracker.observe(sample(t, MB + t * 65536, MB)) for t in (1.0, 2.0, 3.0, 10.0)]
    # First seen behind at t=1: that is where the age starts (a lower bound, by < 1 tick).
    assert [lag.seconds for lag in lags] == [0.0, 1.0, 2.0, 9.0]
    assert [lag.bytes for lag in lags] == [65536.0, 131072.0, 196608.0, 655360.0]


def test_the_lag_is_the_age_of_the_oldest_unreplayed_write_as_replay_catches_up() -> None:
    tracker = LagTracker()
    tracker.observe(sample(0.0, 100, 100))
    tracker.observe(sample(1.0, 200, 100))  # 101..200 unreplayed from t=1
    tracker.observe(sample(2.0, 300, 100))  # 201..300 from t=2
    assert tracker.observe(sample(3.0, 300, 100)).seconds == 2.0
    # Replay reaches 200: what is left was first seen at t=2.
    assert tracker.observe(sample(4.0, 300, 200)).seconds == 2.0
    caught_up = tracker.observe(sample(5.0, 300, 300))
    assert (caught_up.seconds, caught_up.bytes) == (0.0, 0.0)
    # A new burst starts its own age.
    assert tracker.observe(sample(6.0, 400, 300)).seconds == 0.0
    assert tracker.observe(sample(8.0, 400, 300)).seconds == 2.0


def test_a_server_not_in_recovery_has_nothing_to_replay() -> None:
    tracker = LagTracker()
    tracker.observe(sample(0.0, 500, 100))
    lag = tracker.observe(sample(9.0, 900, None))
    assert (lag.seconds, lag.bytes) == (0.0, 0.0)


def test_a_long_outage_thins_the_history_but_keeps_the_oldest_entry_exact() -> None:
    tracker = LagTracker(max_pending=8)
    lags = [tracker.observe(sample(float(t), 1000 + t, 1000)) for t in range(1, 100)]
    assert lags[-1].seconds == 98.0  # first seen behind at t=1
    assert len(tracker._pending) <= 8


# ---- the fallback rule -------------------------------------------------------------


@pytest.mark.parametrize(
    ("lag", "bound", "falls_back"),
    [
        (31.0, 30.0, True),
        (30.0, 30.0, False),  # at the bound: still within it
        (0.0, 30.0, False),
        (1e6, 0.0, False),  # 0: no bound
        (math.nan, 30.0, False),  # unknown: the replica's own failures fall back per query
    ],
)
def test_reads_leave_the_replica_only_when_a_known_lag_passes_a_positive_bound(
    lag: float, bound: float, falls_back: bool
) -> None:
    assert exceeds_bound(lag, bound) is falls_back


class FakeConn:
    def __init__(self, answer: Any, *, hang: bool = False) -> None:
        self.answer = answer
        self.hang = hang
        self.terminated = False

    def is_closed(self) -> bool:
        return self.terminated

    def terminate(self) -> None:
        self.terminated = True

    async def fetchval(self, sql: str) -> Any:
        if self.hang:
            await asyncio.sleep(3600)
        return self.answer()

    async def fetchrow(self, sql: str) -> Any:
        if self.hang:
            await asyncio.sleep(3600)
        return self.answer()


class FakeServers:
    """asyncpg.connect stand-in: the primary at ``primary_lsn``, the replica at ``replayed``."""

    def __init__(self) -> None:
        self.primary_lsn = 10 * MB
        self.replayed: int | None = 10 * MB
        self.down: set[str] = set()
        self.hung: set[str] = set()
        self.connects = 0

    async def connect(self, dsn: str, **_: Any) -> FakeConn:
        self.connects += 1
        part = "primary" if "primary" in dsn else "replica"
        if part in self.down:
            raise ConnectionRefusedError(f"{part} down")
        return FakeConn(lambda: self.answer(part), hang=part in self.hung)

    def answer(self, part: str) -> Any:
        if part in self.down:  # went down under an open connection
            raise ConnectionResetError(f"{part} went away")
        if part == "primary":
            return self.primary_lsn
        return (self.replayed is not None, self.replayed)


def monitor(
    monkeypatch: pytest.MonkeyPatch, bound: float = 2.0
) -> tuple[ReplicaLagMonitor, FakeServers, ServiceMetrics]:
    servers = FakeServers()
    monkeypatch.setattr("reference_app.replica_lag.asyncpg.connect", servers.connect)
    metrics = ServiceMetrics.create(CollectorRegistry())
    lag = ReplicaLagMonitor(
        primary_dsn="postgresql://primary",
        replica_dsn="postgresql://replica",
        metrics=metrics,
        max_lag_seconds=bound,
        interval=0.01,
        timeout=0.2,
    )
    return lag, servers, metrics


def gauges(metrics: ServiceMetrics) -> tuple[float | None, float | None]:
    get = metrics.registry.get_sample_value
    return get("read_replica_lag_seconds"), get("read_replica_lag_bytes")


def test_the_gauges_exist_at_zero_before_any_sample() -> None:
    metrics = ServiceMetrics.create(CollectorRegistry())
    assert gauges(metrics) == (0.0, 0.0)


def test_the_sampler_exports_the_lag_and_marks_the_replica_lagging_past_the_bound(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    lag, servers, metrics = monitor(monkeypatch, bound=2.0)
    clock = iter(float(t) for t in range(100))
    monkeypatch.setattr("reference_app.replica_lag.time.monotonic", lambda: next(clock))
    caplog.set_level(logging.INFO, logger="reference_app.replica_lag")

    async def run() -> list[tuple[float | None, float | None, bool]]:
        seen = []
        await lag.sample_once()  # caught up
        servers.primary_lsn += MB  # replay stops; the primary writes on
        for _ in range(4):
            await lag.sample_once()
            seen.append((*gauges(metrics), lag.lagging))
        servers.replayed = servers.primary_lsn  # replay resumed and caught up
        await lag.sample_once()
        seen.append((*gauges(metrics), lag.lagging))
        await lag.stop()
        return seen

    seen = asyncio.run(run())
    secs = [s[0] for s in seen]
    assert secs[0] == 0.0 and secs[1] is not None and secs[1] > 0
    assert all(a is not None and b is not None and a < b for a, b in itertools.pairwise(secs[:4]))
    assert seen[-1] == (0.0, 0.0, False)
    assert [s[1] for s in seen[:-1]] == [float(MB)] * 4
    assert any(lagging for *_, lagging in seen)
    assert servers.connects == 2  # one connection per server, kept
    messages = [r.getMessage() for r in caplog.records]
    assert sum("Read replica lagging" in m for m in messages) == 1  # once per incident
    assert sum("Read replica caught up" in m for m in messages) == 1


@pytest.mark.parametrize("fault", ["down", "hung"])
def test_an_unreachable_or_hung_server_makes_the_lag_unknown_not_a_crash(
    monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    lag, servers, metrics = monitor(monkeypatch)
    getattr(servers, fault).add("replica")

    async def run() -> float:
        started = asyncio.get_running_loop().time()
        await lag.sample_once()
        elapsed = asyncio.get_running_loop().time() - started
        await lag.stop()
        return elapsed

    assert asyncio.run(run()) < 1.0  # bounded by the sample timeout (0.2 s)
    seconds, size = gauges(metrics)
    assert seconds is not None and math.isnan(seconds)
    assert size is not None and math.isnan(size)
    assert not lag.lagging
    assert lag.state()["lag_seconds"] is None
    assert lag.last_error is not None


def test_sampling_again_after_an_outage_is_logged_once_and_keeps_the_age(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    lag, servers, metrics = monitor(monkeypatch, bound=0)
    caplog.set_level(logging.INFO, logger="reference_app.replica_lag")

    async def run() -> None:
        await lag.sample_once()
        servers.primary_lsn += MB  # behind from here on
        await lag.sample_once()
        servers.down.add("primary")
        for _ in range(3):
            await lag.sample_once()
        servers.down.clear()
        await asyncio.sleep(0.05)
        await lag.sample_once()
        await lag.stop()

    asyncio.run(run())
    seconds, _ = gauges(metrics)
    assert seconds is not None and seconds >= 0.05  # still counted from before the outage
    messages = [r.getMessage() for r in caplog.records]
    assert sum("Replica lag unknown" in m for m in messages) == 1
    assert sum("Replica lag sampled again" in m for m in messages) == 1


def test_a_replica_url_on_a_server_not_in_recovery_reads_zero(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lag, servers, metrics = monitor(monkeypatch)
    servers.replayed = None  # pg_is_in_recovery() false
    servers.primary_lsn += MB

    async def run() -> None:
        await lag.sample_once()
        await lag.stop()

    asyncio.run(run())
    assert gauges(metrics) == (0.0, 0.0)


def test_the_background_task_samples_until_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    lag, servers, _ = monitor(monkeypatch)

    async def run() -> int:
        await lag.start()
        await asyncio.sleep(0.1)
        await lag.stop()
        return servers.connects

    assert asyncio.run(run()) == 2
    assert lag._task is None


# ---- the database: reads leave a lagging replica ---------------------------------------


class StubLag:
    def __init__(self, lagging: bool) -> None:
        self.lagging = lagging

    def state(self) -> dict[str, object]:
        return {"lag_seconds": 45.0, "lagging": self.lagging}


def test_reads_go_to_the_primary_while_the_replica_lags_and_back_when_it_catches_up() -> None:
    metrics = ServiceMetrics.create(CollectorRegistry())
    primary, replica = FakePool("primary"), FakePool("replica")
    stub = StubLag(lagging=True)
    db = Database(
        primary=primary,  # type: ignore[arg-type]
        replica=replica,  # type: ignore[arg-type]
        metrics=metrics,
        command_timeout=1,
        lag=stub,  # type: ignore[arg-type]
    )
    assert asyncio.run(db.read("models", "SELECT 1")) == ["primary"]
    assert (primary.calls, replica.calls) == (1, 0)
    assert replica_count(metrics, "fallback_to_primary") == 1
    assert replica_count(metrics, "error") == 0  # lag is not an error: escalation stays quiet
    assert db.replica_state()["status"] == "lagging"
    assert not db._replica_breaker.is_open
    stub.lagging = False
    assert asyncio.run(db.read("models", "SELECT 1")) == ["replica"]
    assert db.replica_state()["status"] == "healthy"


def test_the_app_samples_lag_only_with_a_replica() -> None:
    base = {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    without = create_app(Settings(**base))  # type: ignore[arg-type]
    assert without.state.services.db.lag is None
    assert gauges(without.state.services.metrics) == (0.0, 0.0)  # no replica: no lag
    with_replica = create_app(
        Settings(**base, READ_REPLICA_URL="postgresql://nobody@127.0.0.1:1/r")  # type: ignore[arg-type]
    )
    lag = with_replica.state.services.db.lag
    assert lag is not None and lag.max_lag_seconds == 30.0
    assert (lag.interval, lag.timeout) == (1.0, 2.0)  # a sample a second, each bounded by 2 s
    tuned = create_app(
        Settings(
            **base,  # type: ignore[arg-type]
            READ_REPLICA_URL="postgresql://nobody@127.0.0.1:1/r",
            REPLICA_MAX_LAG_SECONDS=0,
        )
    )
    assert tuned.state.services.db.lag.max_lag_seconds == 0.0
