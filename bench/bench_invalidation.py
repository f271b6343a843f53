"""A catalog change under load: how soon every service process serves it.

Part of ``bench/service_ratio.py``. While wrk drives the stack's cached route, the
cheapest prompt price of the first listed model is halved on the primary; once the
replica has replayed the change, the catalog version is bumped in Redis (the writer's
side of ``reference_app.catalog_version``). Both service processes (the stack's and a
second one) are polled until they serve the new price. The price is put back afterwards.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from typing import Any

import asyncpg
import httpx

from reference_app.stack import StackInfo, spawn_service

CACHED = "/models?limit=10"
POLL_SECONDS = 0.01
GIVE_UP_SECONDS = 5.0


def _first_price(body: dict[str, Any]) -> tuple[str, str]:
    first = body["data"][0]
    return first["id"], first["pricing"]["prompt"]


def _replica_has_it(info: StackInfo) -> None:
    """Wait until the replica has replayed the change, as the writer's command does
    (``reference_app.catalog_version.wait_for_replica``)."""
    if info.replica_dsn is None:
        return
    try:
        from reference_app.catalog_version import wait_for_replica
    except ImportError:  # a tree from before the catalog version, measured for comparison
        time.sleep(1.0)  # the WAL writer has flushed the asynchronous commit by then
        return
    asyncio.run(wait_for_replica(info.primary_dsn, info.replica_dsn, within=10.0))


async def _set_prices(
    info: StackInfo, model_id: str, factor: float | None, saved: list[Any]
) -> None:
    """Halve the model's prompt prices (``factor``) or restore ``saved``."""
    provider, slug = model_id.split("/", 1)
    conn = await asyncpg.connect(info.primary_dsn)
    try:
        if factor is not None:
            rows = await conn.fetch(
                "SELECT o.model_id, o.gateway_id, o.prompt_price FROM offerings o "
                "JOIN models m ON m.id = o.model_id JOIN providers p ON p.id = m.provider_id "
                "WHERE p.slug = $1 AND m.slug = $2",
                provider,
                slug,
            )
            saved.extend(rows)
            await conn.executemany(
                "UPDATE offerings SET prompt_price = prompt_price * $3 "
                "WHERE model_id = $1 AND gateway_id = $2",
                [(r["model_id"], r["gateway_id"], factor) for r in rows],
            )
        else:
            await conn.executemany(
                "UPDATE offerings SET prompt_price = $3 WHERE model_id = $1 AND gateway_id = $2",
                [(r["model_id"], r["gateway_id"], r["prompt_price"]) for r in saved],
            )
    finally:
        await conn.close()


async def _first_seen(urls: list[str], old_price: str) -> list[float | None]:
    """Seconds until each URL serves a first price other than ``old_price``."""
    started = time.monotonic()

    async def watch(client: httpx.AsyncClient, url: str) -> float | None:
        while time.monotonic() - started < GIVE_UP_SECONDS:
            price = _first_price((await client.get(url)).json())[1]
            if price != old_price:
                return time.monotonic() - started
            await asyncio.sleep(POLL_SECONDS)
        return None

    async with httpx.AsyncClient(timeout=5) as client:
        return list(await asyncio.gather(*(watch(client, url) for url in urls)))


def _bump(info: StackInfo) -> bool:
    try:
        from reference_app.catalog_version import bump_catalog_version
    except ImportError:
        return False
    assert info.redis_url is not None
    bump_catalog_version(info.redis_url)
    return True


def change_under_load(info: StackInfo, *, duration: int) -> None:
    with spawn_service(info, {}) as second:
        urls = [info.service_url + CACHED, second.url + CACHED]
        model_id, old_price = _first_price(httpx.get(urls[0], timeout=30).json())
        httpx.get(urls[1], timeout=30)
        wrk = subprocess.Popen(
            ["wrk", "-t1", "-c50", f"-d{duration}s", urls[0]],
            stdout=subprocess.PIPE,
            text=True,
        )
        saved: list[Any] = []
        try:
            time.sleep(2)
            asyncio.run(_set_prices(info, model_id, 0.5, saved))
            _replica_has_it(info)
            bumped = _bump(info)
            seen = asyncio.run(_first_seen(urls, old_price))
        finally:
            out, _ = wrk.communicate(timeout=duration + 60)
            if saved:
                asyncio.run(_set_prices(info, model_id, None, saved))
                _replica_has_it(info)
                _bump(info)
    rps = next((line for line in out.splitlines() if "Requests/sec" in line), "?").split()[-1]
    errors = [line.strip() for line in out.splitlines() if "errors" in line or "Non-2xx" in line]
    how = "catalog version bumped in Redis" if bumped else "no catalog version in this service"
    print(f"catalog change under load ({how}; wrk -c50 on the stack's service: {rps} req/s)")
    for name, delay in zip(("the stack's service", "a second process"), seen, strict=True):
        shown = f"{delay * 1000:.0f} ms" if delay is not None else f"not in {GIVE_UP_SECONDS:g} s"
        print(f"  {name:22} served the new price after {shown}")
    for line in errors:
        print(f"  wrk: {line}")
