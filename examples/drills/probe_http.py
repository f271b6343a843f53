"""The drills' python probes' plumbing: the loopback guard, the service's own `/metrics`
read as samples and summed, and concurrent GETs with their outcome (status counts, slowest).
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import Callable
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

TIMEOUT_SECONDS = 10.0
#: The list-page offsets the uncached-page probes draw from, each at most once per probe
#: (a page asked twice is a cache hit, not a database read).
PAGES = 2900
#: Pages an uncached-page probe may find already cached (skipped) before it counts one.
CACHED_TRIES = 5


#: Set to 1 to let these probes send requests to a host that is not this machine (your
#: staging, docs/drills.md); without it they refuse to leave loopback.
ALLOW_REMOTE = "DRILL_ALLOW_REMOTE"


def check_loopback(url: str) -> None:
    if os.environ.get(ALLOW_REMOTE) == "1":
        return
    if not url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise ValueError(
            f"the drills' probes send traffic to loopback addresses only, not {url} "
            f"(set {ALLOW_REMOTE}=1 to aim them at a staging host of yours)"
        )


def read_samples(base_url: str) -> list[tuple[str, dict[str, str], float]]:
    text = httpx.get(f"{base_url}/metrics", timeout=TIMEOUT_SECONDS, trust_env=False).text
    return [
        (sample.name, dict(sample.labels), float(sample.value))
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    ]


def total(
    samples: list[tuple[str, dict[str, str], float]],
    name: str,
    keep: Callable[[dict[str, str]], bool] = lambda _: True,
) -> float:
    return sum(value for n, labels, value in samples if n == name and keep(labels))


def increase(
    before: list[tuple[str, dict[str, str], float]],
    after: list[tuple[str, dict[str, str], float]],
    name: str,
    **labels: str,
) -> int:
    """How much the series of `name` whose labels include `labels` grew, summed, from the
    `before` reading of /metrics to the `after` one."""

    def keep(found: dict[str, str]) -> bool:
        return all(found.get(k) == v for k, v in labels.items())

    return int(total(after, name, keep) - total(before, name, keep))


def served(samples: list[tuple[str, dict[str, str], float]]) -> float:
    """Requests the service counted, its own /metrics scrapes left out."""
    return total(samples, "http_requests_total", lambda labels: labels.get("path") != "/metrics")


async def get_all(base_url: str, paths: list[str], concurrency: int) -> list[tuple[int, float]]:
    """GET every path, `concurrency` at a time: (status or 0 on a transport error, ms)."""
    limit = asyncio.Semaphore(concurrency)

    async def one(client: httpx.AsyncClient, path: str) -> tuple[int, float]:
        async with limit:
            began = time.perf_counter()
            try:
                status = (await client.get(path)).status_code
            except httpx.HTTPError:
                status = 0
            return status, (time.perf_counter() - began) * 1000

    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base_url, timeout=TIMEOUT_SECONDS, limits=limits, trust_env=False
    ) as client:
        return list(await asyncio.gather(*(one(client, p) for p in paths)))


class UncachedPages:
    """List pages no cache holds, one GET at a time: each page at most once, and a page
    some earlier probe left cached (`X-Cache: HIT`) is skipped and another one asked."""

    def __init__(self, client: httpx.Client, limit: int) -> None:
        self._client = client
        self._limit = limit
        self._offsets = iter(random.Random().sample(range(PAGES), PAGES))
        self.skipped = 0  # pages that turned out to be cached

    def get(self) -> tuple[int, float, bool]:
        """(status, or 0 on a transport error; ms; whether it was a cache hit) of one page:
        one that was not a cache hit, unless CACHED_TRIES pages in a row were."""
        status, ms, cached = 0, 0.0, False
        for _ in range(CACHED_TRIES):
            offset = next(self._offsets, None)
            if offset is None:
                break
            sent = time.perf_counter()
            try:
                response = self._client.get(f"/models?limit={self._limit}&offset={offset}")
            except httpx.HTTPError:
                return 0, (time.perf_counter() - sent) * 1000, False
            status, ms = response.status_code, (time.perf_counter() - sent) * 1000
            cached = response.headers.get("x-cache") == "HIT"
            if not cached:
                break
            self.skipped += 1
        return status, ms, cached


def outcome(results: list[tuple[int, float]]) -> dict[str, Any]:
    statuses: dict[str, int] = {}
    for status, _ in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "requests": len(results),
        "failed": sum(1 for status, _ in results if not 200 <= status < 400),
        "slowest_ms": round(max((ms for _, ms in results), default=0.0), 1),
        "statuses": statuses,
    }
