"""Faults against real servers: Redis stopped or frozen, replica stopped. No request fails."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator

import httpx
import pytest
from service_probe import fresh_query, metric, wait_for

from reference_app.stack import StackInfo, load_stack, spawn_service, start_part, stop_part

DEADLINE = 5.0


def burst(base_url: str, paths: list[str]) -> list[tuple[int, float]]:
    """Fire the paths concurrently; (status, seconds) of each."""

    async def one(client: httpx.AsyncClient, path: str) -> tuple[int, float]:
        started = time.perf_counter()
        response = await client.get(base_url + path)
        return response.status_code, time.perf_counter() - started

    async def run() -> list[tuple[int, float]]:
        async with httpx.AsyncClient(timeout=DEADLINE + 5) as client:
            return await asyncio.gather(*(one(client, p) for p in paths))

    return asyncio.run(run())


def log_count(stack: StackInfo, needle: str) -> int:
    return stack.log_files["service"].read_text(errors="replace").count(needle)


def caching_works(base_url: str) -> bool:
    path = fresh_query()
    httpx.get(base_url + path, timeout=10)
    return httpx.get(base_url + path, timeout=10).headers.get("X-Cache") == "HIT"


def redis_pid(stack: StackInfo) -> int:
    """Redis's pid now (an earlier test may have restarted it)."""
    return load_stack(stack.dir).pids["redis"]


@pytest.fixture
def redis_frozen(stack: StackInfo) -> Iterator[StackInfo]:
    pid = redis_pid(stack)
    os.kill(pid, signal.SIGSTOP)
    try:
        yield stack
    finally:
        os.kill(pid, signal.SIGCONT)


def test_with_redis_stopped_every_request_is_served_and_errors_are_counted(
    stack: StackInfo,
) -> None:
    url = stack.service_url
    assert caching_works(url)
    errors_before = metric(url, "catalog_cache_errors_total", operation="get")
    logged_before = log_count(stack, "Cache read failed")
    info = stop_part(stack, "redis")
    try:
        results = burst(url, [fresh_query() for _ in range(20)] + ["/models?limit=10"] * 20)
        results += burst(url, [fresh_query() for _ in range(10)])
        assert {status for status, _ in results} == {200}
        assert max(seconds for _, seconds in results) < DEADLINE
        assert metric(url, "catalog_cache_errors_total", operation="get") > errors_before
        assert log_count(stack, "Cache read failed") == logged_before + 1  # once per incident
        health = httpx.get(f"{url}/optimization-monitor", timeout=5).json()
        assert health["cache"]["status"] == "unavailable"
    finally:
        start_part(info, "redis")
    assert wait_for(lambda: caching_works(url), timeout=20)
    assert log_count(stack, "Cache recovered") >= 1


def test_with_redis_frozen_requests_are_served_and_redis_is_not_retried_each_time(
    stack: StackInfo, redis_frozen: StackInfo
) -> None:
    url = stack.service_url
    errors_before = metric(url, "catalog_cache_errors_total", operation="get")
    results = burst(url, [fresh_query() for _ in range(15)] + ["/models?limit=10"] * 15)
    assert {status for status, _ in results} == {200}
    assert max(seconds for _, seconds in results) < DEADLINE
    errors_after_burst = metric(url, "catalog_cache_errors_total", operation="get")
    assert errors_after_burst > errors_before
    sequential = [httpx.get(url + fresh_query(), timeout=DEADLINE + 5) for _ in range(10)]
    assert {r.status_code for r in sequential} == {200}
    assert max(r.elapsed.total_seconds() for r in sequential) < DEADLINE
    # The circuit breaker is open: at most a few probes reached the frozen Redis, not ten.
    probes = metric(url, "catalog_cache_errors_total", operation="get") - errors_after_burst
    assert probes <= 4


def test_caching_resumes_after_redis_is_thawed(stack: StackInfo) -> None:
    pid = redis_pid(stack)
    os.kill(pid, signal.SIGSTOP)
    try:
        assert httpx.get(stack.service_url + fresh_query(), timeout=DEADLINE + 5).status_code == 200
    finally:
        os.kill(pid, signal.SIGCONT)
    assert wait_for(lambda: caching_works(stack.service_url), timeout=20)


def test_with_the_replica_stopped_reads_fall_back_to_the_primary(stack: StackInfo) -> None:
    url = stack.service_url
    labels = {"table": "models"}
    fallback_before = metric(
        url, "read_replica_queries_total", status="fallback_to_primary", **labels
    )
    conn_errors_before = metric(url, "read_replica_connection_errors_total")
    primary_before = metric(url, "db_queries_total", client_type="primary", **labels)
    info = stop_part(stack, "replica")
    try:
        results = burst(url, [fresh_query() for _ in range(10)])
        results += [
            (r.status_code, 0.0)
            for r in (httpx.get(url + fresh_query(), timeout=10) for _ in range(10))
        ]
        assert {status for status, _ in results} == {200}
        assert metric(
            url, "read_replica_queries_total", status="fallback_to_primary", **labels
        ) >= (fallback_before + 20)
        assert metric(url, "read_replica_connection_errors_total") > conn_errors_before
        assert (
            metric(url, "db_queries_total", client_type="primary", **labels) >= primary_before + 20
        )
        state = httpx.get(f"{url}/health/database", timeout=5).json()
        assert state["database"] == "connected"
        assert state["replica"]["status"] == "unavailable"
    finally:
        start_part(info, "replica")
    success_before = metric(url, "read_replica_queries_total", status="success", **labels)

    def replica_used_again() -> bool:
        httpx.get(url + fresh_query(), timeout=10)
        return (
            metric(url, "read_replica_queries_total", status="success", **labels) > success_before
        )

    assert wait_for(replica_used_again, timeout=40, interval=0.5)


def test_an_unreachable_replica_at_start_up_does_not_stop_the_service(stack: StackInfo) -> None:
    dead = "postgresql://catalog:nope@127.0.0.1:1/catalog"
    with spawn_service(stack, {"READ_REPLICA_URL": dead, "REDIS_URL": None}) as service:
        responses = [httpx.get(service.url + fresh_query(), timeout=10) for _ in range(3)]
        assert {r.status_code for r in responses} == {200}
        assert metric(service.url, "read_replica_connection_errors_total") >= 1
        assert (
            metric(
                service.url,
                "read_replica_queries_total",
                table="models",
                status="fallback_to_primary",
            )
            == 3
        )


def test_an_unreachable_primary_gives_503_json_not_500(stack: StackInfo) -> None:
    dead = "postgresql://catalog:nope@127.0.0.1:1/catalog"
    env = {"DATABASE_URL": dead, "READ_REPLICA_URL": None, "REDIS_URL": None}
    with spawn_service(stack, env) as service:
        assert httpx.get(f"{service.url}/health", timeout=5).status_code == 200
        database = httpx.get(f"{service.url}/health/database", timeout=10)
        assert database.status_code == 503
        assert database.json()["database"] == "unavailable"
        models = httpx.get(f"{service.url}/models?limit=5", timeout=10)
        assert models.status_code == 503
        assert models.json()["error"]["code"] == "database_unavailable"
