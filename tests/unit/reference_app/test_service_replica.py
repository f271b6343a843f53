"""Replica fallback, without servers: fake pools stand in for asyncpg."""

from __future__ import annotations

import asyncio
from typing import Any

from prometheus_client import CollectorRegistry

from reference_app.db import Database
from reference_app.metrics import ServiceMetrics


class FakePool:
    def __init__(self, client_type: str, *, fail: bool = False) -> None:
        self.client_type = client_type
        self.fail = fail
        self.calls = 0
        self.is_open = True

    async def fetch(self, table: str, sql: str, *args: Any) -> list[str]:
        self.calls += 1
        await asyncio.sleep(0.01)
        if self.fail:
            raise ConnectionRefusedError("replica down")
        return [self.client_type]


def database(replica_fails: bool) -> tuple[Database, FakePool, FakePool, ServiceMetrics]:
    metrics = ServiceMetrics.create(CollectorRegistry())
    primary, replica = FakePool("primary"), FakePool("replica", fail=replica_fails)
    db = Database(primary=primary, replica=replica, metrics=metrics, command_timeout=1)  # type: ignore[arg-type]
    return db, primary, replica, metrics


def replica_count(metrics: ServiceMetrics, status: str) -> float:
    value = metrics.registry.get_sample_value(
        "read_replica_queries_total", {"table": "models", "status": status}
    )
    return value or 0.0


def test_reads_go_to_the_replica_when_it_answers() -> None:
    db, primary, replica, metrics = database(replica_fails=False)
    assert asyncio.run(db.read("models", "SELECT 1")) == ["replica"]
    assert (primary.calls, replica.calls) == (0, 1)
    assert replica_count(metrics, "success") == 1


def test_a_replica_failure_falls_back_to_the_primary_for_that_query() -> None:
    db, primary, _, metrics = database(replica_fails=True)
    assert asyncio.run(db.read("models", "SELECT 1")) == ["primary"]
    assert primary.calls == 1
    assert replica_count(metrics, "error") == 1
    assert replica_count(metrics, "fallback_to_primary") == 1
    assert metrics.registry.get_sample_value("read_replica_connection_errors_total") == 1
    assert db.replica_state()["status"] == "unavailable"


def test_a_failed_replica_rests_instead_of_being_retried_by_every_query() -> None:
    db, primary, replica, metrics = database(replica_fails=True)

    async def many() -> None:
        await db.read("models", "SELECT 1")
        await asyncio.gather(*(db.read("models", "SELECT 1") for _ in range(20)))

    asyncio.run(many())
    assert replica.calls == 1  # the 20 later reads went straight to the primary
    assert primary.calls == 21
    assert replica_count(metrics, "fallback_to_primary") == 21


def test_concurrent_failures_at_the_start_of_an_incident_do_not_lengthen_the_rest() -> None:
    db, _, replica, _ = database(replica_fails=True)

    async def burst() -> None:
        await asyncio.gather(*(db.read("models", "SELECT 1") for _ in range(10)))

    asyncio.run(burst())
    assert replica.calls == 10  # all were in flight before the first failure
    assert db.replica_state()["retry_in_seconds"] <= 1.0


def test_the_replica_is_used_again_once_a_probe_succeeds() -> None:
    db, _, replica, metrics = database(replica_fails=True)
    asyncio.run(db.read("models", "SELECT 1"))
    replica.fail = False
    db._replica_breaker._retry_at = 0.0  # the back-off has passed
    assert asyncio.run(db.read("models", "SELECT 1")) == ["replica"]
    assert db.replica_state()["status"] == "healthy"
    assert replica_count(metrics, "success") == 1
