"""The drills' probes of what the service does while a fault lasts, read from its own
`/metrics` (any service exposing the harness's metric contract): how its requests ended
and how its cache and pools behaved over a few seconds, and the wait for a gauge to pass
a bound. Loopback only unless DRILL_ALLOW_REMOTE=1; every loop is bounded. The experiments
name them through `examples.drills.probes`.
"""

from __future__ import annotations

import math
import time
from functools import partial
from typing import Any

import httpx

from .probe_http import (
    TIMEOUT_SECONDS,
    UncachedPages,
    check_loopback,
    increase,
    read_samples,
    served,
)

__all__ = ["reads_again", "service_during", "wait_for_gauge", "wait_for_requests"]

Samples = list[tuple[str, dict[str, str], float]]
REQUESTS = "http_requests_total"
POOL = "connection_pool_utilization"


def _by_status(samples: Samples) -> dict[str, float]:
    counts: dict[str, float] = {}
    for name, labels, value in samples:
        if name == REQUESTS and labels.get("path") != "/metrics":
            status = labels.get("status", "?")
            counts[status] = counts.get(status, 0.0) + value
    return counts


def service_during(service_url: str, seconds: float = 6.0, every: float = 0.5) -> dict[str, Any]:
    """Over the next `seconds`: the service's requests by status (its /metrics scrapes
    aside), the share that failed (5xx, 499), its cache hits, misses and errors, its
    database queries by pool, and the highest utilization of each pool it reported
    (sampled every `every` s)."""
    check_loopback(service_url)
    duration = max(0.5, min(float(seconds), 60.0))
    before = read_samples(service_url)
    highest: dict[str, float] = {}
    deadline = time.monotonic() + duration
    after = before
    while True:
        time.sleep(max(0.0, min(float(every), deadline - time.monotonic())))
        after = read_samples(service_url)
        for name, labels, value in after:
            if name == POOL and not math.isnan(value):
                pool = labels.get("client_type", "?")
                highest[pool] = max(highest.get(pool, 0.0), value)
        if time.monotonic() >= deadline:
            break
    start, end = _by_status(before), _by_status(after)
    statuses = {s: int(end[s] - start.get(s, 0.0)) for s in sorted(end)}
    statuses = {s: n for s, n in statuses.items() if n}
    served = sum(statuses.values())
    failed = sum(n for s, n in statuses.items() if s.startswith("5") or s == "499")

    delta = partial(increase, before, after)

    return {
        "seconds": duration,
        "statuses": statuses,
        "served": served,
        "failed": failed,
        "failed_share": round(failed / served, 4) if served else None,
        "timed_out": statuses.get("504", 0),  # the service's deadline
        "gave_up": statuses.get("499", 0),  # the client left first
        "cache_hits": delta("catalog_cache_hits_total"),
        "cache_misses": delta("catalog_cache_misses_total"),
        "cache_errors": delta("catalog_cache_errors_total"),
        "primary_queries": delta("db_queries_total", client_type="primary"),
        "replica_queries": delta("db_queries_total", client_type="replica"),
        "pool_utilization_max": highest,
    }


def wait_for_gauge(
    service_url: str, metric: str, above: float, timeout_s: float = 60.0
) -> dict[str, Any]:
    """Wait (bounded) until the service's gauge `metric` reads above `above`; polled every
    0.25 s. NaN (unknown) and an absent gauge never count as above."""
    check_loopback(service_url)
    began = time.time()
    deadline = time.monotonic() + timeout_s
    value = math.nan
    while time.monotonic() < deadline:
        values = [v for name, _, v in read_samples(service_url) if name == metric]
        value = values[0] if values else math.nan
        if value > above:  # False for NaN
            return {"reached": True, "at": time.time(), "value": value, "waited_s": _since(began)}
        time.sleep(0.25)
    return {
        "reached": False,
        "value": None if math.isnan(value) else value,
        "waited_s": _since(began),
    }


def wait_for_requests(service_url: str, count: int, timeout_s: float = 60.0) -> dict[str, Any]:
    """Wait (bounded) until the service has counted `count` more requests (its /metrics
    scrapes aside): the load is under way, and the cache has seen that much of it."""
    check_loopback(service_url)
    began = time.time()
    start = served(read_samples(service_url))
    deadline = time.monotonic() + timeout_s
    seen = 0.0
    while time.monotonic() < deadline:
        seen = served(read_samples(service_url)) - start
        if seen >= count:
            return {
                "reached": True,
                "at": time.time(),
                "requests": int(seen),
                "waited_s": _since(began),
            }
        time.sleep(0.2)
    return {"reached": False, "requests": int(seen), "waited_s": _since(began)}


def reads_again(service_url: str, timeout_s: float = 60.0) -> dict[str, Any]:
    """After the database was blocked: a list page no cache holds (a new one each time), one
    at a time every 0.25 s (bounded by `timeout_s`), until one is answered 200 within a second."""
    check_loopback(service_url)
    began = time.time()
    deadline = time.monotonic() + timeout_s
    sent = 0
    with httpx.Client(base_url=service_url, timeout=TIMEOUT_SECONDS, trust_env=False) as client:
        pages = UncachedPages(client, limit=18)
        while time.monotonic() < deadline:
            sent += 1
            status, ms, cached = pages.get()
            if status == 200 and ms < 1000 and not cached:
                at = time.time()
                return {"again": True, "at": at, "after_s": _since(began), "requests": sent}
            time.sleep(0.25)
    return {"again": False, "after_s": _since(began), "requests": sent}


def _since(began: float) -> float:
    return round(time.time() - began, 2)
