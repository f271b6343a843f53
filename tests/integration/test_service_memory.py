"""Cache memory stays bounded under a cache-busting scan: Redis by maxmemory + allkeys-lru,
each process by the in-process layer's byte bound."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
import redis

from reference_app.stack import StackOptions, spawn_service, start_stack, stop_stack

MAXMEMORY = 4 * 1024 * 1024
LOCAL_MAX_BYTES = 1024 * 1024
PAGE_1000_BYTES = 300_000  # one limit=1000 page is about 281 kB


async def scan(base_url: str, paths: list[str]) -> list[int]:
    """Request every path, five at a time (the primary pool's size)."""
    statuses: list[int] = []
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        for i in range(0, len(paths), 5):
            batch = await asyncio.gather(*(client.get(p) for p in paths[i : i + 5]))
            statuses += [r.status_code for r in batch]
    return statuses


@pytest.mark.slow
def test_a_cache_busting_scan_leaves_memory_bounded(stack_dir: Path) -> None:
    info = start_stack(StackOptions(dir=stack_dir, replica=False, redis_maxmemory="4mb"))
    try:
        assert info.redis_url is not None
        client = redis.Redis.from_url(info.redis_url)
        assert client.config_get("maxmemory-policy") == {"maxmemory-policy": "allkeys-lru"}
        env = {"CATALOG_LOCAL_CACHE_MAX_BYTES": str(LOCAL_MAX_BYTES)}
        with spawn_service(info, env) as service:
            # The scan (40 pages of 1000, ~11 MB), then 100 pages of 100 (~2.8 MB).
            big = [f"/models?limit=1000&offset={n}" for n in range(40)]
            small = [f"/models?limit=100&offset={n}" for n in range(100)]
            assert set(asyncio.run(scan(service.url, big + small))) == {200}
            memory = client.info("memory")
            stats = client.info("stats")
            local = httpx.get(f"{service.url}/optimization-monitor", timeout=10).json()
        # One write may land before the eviction it triggers: at most one page over.
        assert memory["used_memory"] <= MAXMEMORY + PAGE_1000_BYTES
        assert stats["evicted_keys"] > 0
        assert 0 < local["cache"]["local"]["bytes"] <= LOCAL_MAX_BYTES
        # LRU evicts old entries one by one; it never flushes the cache.
        assert client.dbsize() > 1
    finally:
        stop_stack(stack_dir)
