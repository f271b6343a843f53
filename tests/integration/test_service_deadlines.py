"""504 and 499 for real: a table locked on the primary, a tiny pool, a client that hangs up."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import asyncpg
import httpx
import pytest
from service_probe import fresh_query, metric, wait_for

from reference_app.stack import ServiceHandle, StackInfo, spawn_service

# Cache and replica off: every request must reach the primary, whose pool has one connection.
TINY = {
    "REDIS_URL": None,
    "READ_REPLICA_URL": None,
    "DB_POOL_SIZE_PRIMARY": "1",
    "REQUEST_DEADLINE_SECONDS": "2",
}


@pytest.fixture(scope="module")
def tiny_service(stack: StackInfo) -> Iterator[ServiceHandle]:
    with spawn_service(stack, TINY) as service:
        yield service


@asynccontextmanager
async def offerings_locked(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """Hold ACCESS EXCLUSIVE on `offerings`, so every catalog read waits."""
    conn = await asyncpg.connect(dsn)
    try:
        tx = conn.transaction()
        await tx.start()
        await conn.execute("LOCK TABLE offerings IN ACCESS EXCLUSIVE MODE")
        try:
            yield conn
        finally:
            await tx.rollback()
    finally:
        await conn.close()


def count(url: str, status: str, path: str = "/models") -> float:
    return metric(url, "http_requests_total", method="GET", path=path, status=status)


def test_requests_that_cannot_finish_in_time_get_504_json(
    stack: StackInfo, tiny_service: ServiceHandle
) -> None:
    url = tiny_service.url
    before = count(url, "504")

    async def scenario() -> list[httpx.Response]:
        # One request waits on the lock, two wait for the pool's only connection.
        async with offerings_locked(stack.primary_dsn), httpx.AsyncClient(timeout=10) as client:
            return await asyncio.gather(*(client.get(url + fresh_query()) for _ in range(3)))

    started = time.perf_counter()
    responses = asyncio.run(scenario())
    assert 2.0 <= time.perf_counter() - started < 5.0  # the 2 s deadline, plus clean-up
    assert [r.status_code for r in responses] == [504, 504, 504]
    assert all(r.json()["error"]["code"] == "deadline_exceeded" for r in responses)
    assert count(url, "504") == before + 3
    # The lock is gone and the abandoned query was cancelled: the service serves again.
    assert wait_for(lambda: httpx.get(url + fresh_query(), timeout=5).status_code == 200, 5)


def test_a_client_that_disconnects_early_is_recorded_as_499(
    stack: StackInfo, tiny_service: ServiceHandle
) -> None:
    url = tiny_service.url
    before = count(url, "499")

    async def waiting_on_lock(admin: asyncpg.Connection, expected: int) -> bool:
        for _ in range(30):
            waiting = await admin.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND application_name = 'reference_app-primary'"
            )
            if waiting == expected:
                return True
            await asyncio.sleep(0.1)
        return False

    async def scenario() -> None:
        async with offerings_locked(stack.primary_dsn) as admin:
            with socket.create_connection(("127.0.0.1", tiny_service.port), timeout=5) as sock:
                request = f"GET {fresh_query()} HTTP/1.1\r\nHost: test\r\n\r\n"
                sock.sendall(request.encode())
                assert await waiting_on_lock(admin, 1)  # the service's query is stuck
            # The client left: the service cancels its query, nothing waits on the lock.
            assert await waiting_on_lock(admin, 0)

    asyncio.run(scenario())
    assert wait_for(lambda: count(url, "499") == before + 1, timeout=3)
    assert httpx.get(url + fresh_query(), timeout=5).status_code == 200
