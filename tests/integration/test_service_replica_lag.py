"""Replica lag on the real stack: WAL replay paused on the replica while the primary writes.

The stack is the session's (shared): replay is always resumed and the probe table dropped
in a `finally`, and the test waits for every service to read 0 lag again. Loopback only,
every wait bounded.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest
from service_probe import fresh_query, metric, metric_sum, wait_for

from reference_app.stack import StackInfo, spawn_service
from reference_app.stack.state import load_state

BOUND = 3.0  # REPLICA_MAX_LAG_SECONDS of the service under test
LAG = "read_replica_lag_seconds"
LAG_BYTES = "read_replica_lag_bytes"


def sql(dsn: str, statement: str) -> Any:
    """One statement on its own connection; its first value."""

    async def run() -> Any:
        conn = await asyncpg.connect(dsn, timeout=5, command_timeout=10)
        try:
            return await conn.fetchval(statement)
        finally:
            await conn.close()

    return asyncio.run(run())


def replica_admin(stack: StackInfo) -> str:
    return load_state(stack.dir).dsn("replica", role="postgres", db="postgres")


def lag(base_url: str) -> tuple[float, float]:
    return metric(base_url, LAG), metric(base_url, LAG_BYTES)


def caught_up(base_url: str) -> bool:
    return lag(base_url) == (0.0, 0.0)


@pytest.fixture
def paused(stack: StackInfo) -> Iterator[str]:
    """WAL replay paused on the replica; resumed (and the probe table dropped) afterwards."""
    replica = replica_admin(stack)
    sql(stack.admin_dsn, "CREATE TABLE IF NOT EXISTS lag_probe (id serial PRIMARY KEY)")
    assert wait_for(lambda: sql(replica, "SELECT to_regclass('lag_probe') IS NOT NULL"), 10)
    sql(replica, "SELECT pg_wal_replay_pause()")
    try:
        yield replica
    finally:
        sql(replica, "SELECT pg_wal_replay_resume()")
        sql(stack.admin_dsn, "DROP TABLE IF EXISTS lag_probe")
        assert wait_for(lambda: caught_up(stack.service_url), timeout=20, interval=0.5)


def test_paused_replay_raises_the_lag_sends_reads_to_the_primary_and_recovers(
    stack: StackInfo, paused: str
) -> None:
    env = {"REPLICA_MAX_LAG_SECONDS": str(BOUND), "REDIS_URL": None}
    with spawn_service(stack, env) as service:
        url = service.url
        models = {"table": "models"}
        fallback_before = metric(
            url, "read_replica_queries_total", status="fallback_to_primary", **models
        )
        # Paused while the primary writes nothing: the replica's data is current, lag 0.
        flushed = sql(stack.admin_dsn, "SELECT pg_current_wal_flush_lsn()::text")
        queries = metric_sum(url, "db_queries_total")
        busy = metric_sum(url, "connection_pool_busy_seconds_total")
        time.sleep(2.5)
        # The samples (one a second) are not catalog traffic: they use their own connections.
        assert metric_sum(url, "db_queries_total") == queries
        assert metric_sum(url, "connection_pool_busy_seconds_total") == busy
        if sql(stack.admin_dsn, "SELECT pg_current_wal_flush_lsn()::text") == flushed:
            assert caught_up(url)
            print(f"\nreplay paused, primary idle at {flushed}: lag {lag(url)}")
        # The primary writes; the paused replica cannot replay it.
        started = time.monotonic()
        for _ in range(3):
            sql(stack.admin_dsn, "INSERT INTO lag_probe DEFAULT VALUES")
        assert wait_for(lambda: lag(url)[0] > BOUND, timeout=15, interval=0.25)
        seconds, size = lag(url)
        print(
            f"lag with replay paused: {seconds:.3f} s, {size:.0f} bytes "
            f"({time.monotonic() - started:.2f} s after the first write; bound {BOUND:g} s)"
        )
        assert size > 0
        assert sql(paused, "SELECT count(*) FROM lag_probe") == 0  # stale, really
        # Past the bound every catalog read goes to the primary, counted as a fallback.
        success_before = metric(url, "read_replica_queries_total", status="success", **models)
        responses = [httpx.get(url + fresh_query(), timeout=10) for _ in range(5)]
        assert {r.status_code for r in responses} == {200}
        assert (
            metric(url, "read_replica_queries_total", status="fallback_to_primary", **models)
            >= fallback_before + 5
        )
        assert metric(url, "read_replica_queries_total", status="success", **models) == (
            success_before
        )
        # Lag is not an error: the escalation's "Read replica causing errors" stays quiet.
        assert metric(url, "read_replica_queries_total", status="error", **models) == 0
        assert metric(url, "read_replica_connection_errors_total") == 0
        state = httpx.get(f"{url}/optimization-monitor", timeout=5).json()["read_replica"]
        assert state["status"] == "lagging" and state["lag_seconds"] > BOUND
        health = httpx.get(f"{url}/health/database", timeout=5)
        assert (health.status_code, health.json()["status"]) == (200, "degraded")
        # The stack's own service (default bound 30 s) sees the same lag.
        assert lag(stack.service_url)[0] > 0

        sql(paused, "SELECT pg_wal_replay_resume()")
        resumed = time.monotonic()
        assert wait_for(lambda: caught_up(url), timeout=15, interval=0.25)
        print(
            f"lag back to {lag(url)[0]:.3f} s, {lag(url)[1]:.0f} bytes "
            f"{time.monotonic() - resumed:.2f} s after resuming replay"
        )
        assert sql(paused, "SELECT count(*) FROM lag_probe") == 3
        httpx.get(url + fresh_query(), timeout=10)
        assert metric(url, "read_replica_queries_total", status="success", **models) > (
            success_before
        )
        log = service.log_file.read_text(errors="replace")
        assert log.count("Read replica lagging") == 1
        assert log.count("Read replica caught up") == 1


def test_an_unreachable_replica_makes_the_lag_unknown_and_reads_still_work(
    stack: StackInfo,
) -> None:
    dead = "postgresql://catalog:nope@127.0.0.1:1/catalog"
    with spawn_service(stack, {"READ_REPLICA_URL": dead, "REDIS_URL": None}) as service:
        assert wait_for(lambda: math.isnan(lag(service.url)[0]), timeout=10)
        assert math.isnan(lag(service.url)[1])
        assert httpx.get(service.url + fresh_query(), timeout=10).status_code == 200
        state = httpx.get(f"{service.url}/optimization-monitor", timeout=5).json()
        assert state["read_replica"]["lag_seconds"] is None
        assert service.log_file.read_text(errors="replace").count("Replica lag unknown") == 1


def test_a_healthy_replica_reads_zero_lag(stack: StackInfo) -> None:
    assert wait_for(lambda: caught_up(stack.service_url), timeout=10)
    state = httpx.get(f"{stack.service_url}/optimization-monitor", timeout=5).json()
    assert state["read_replica"]["lag_seconds"] == 0.0
    assert state["read_replica"]["max_lag_seconds"] == 30.0
