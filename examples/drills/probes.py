"""The drills' probes that are not `slo` or `locust` commands: Chaos Toolkit python probes.

`catalog_burst` and `wait_for_quiet` speak only the catalog API (any host serving it);
the others read the reference service's own `/metrics` and log, to show what the SLOs
cannot (database queries per cache key, the circuit breaker's log lines). Every
request goes to the URL given, which must be on loopback unless DRILL_ALLOW_REMOTE=1;
every loop is bounded in count and time. The recovery probes live in `recovery`, those
of what happens during a fault in `during`, the replica's lag in `database`, the HTTP
plumbing in `probe_http`; the experiments name them all through this module.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from .database import replica_lag_back
from .during import reads_again, service_during, wait_for_gauge, wait_for_requests
from .probe_http import (
    TIMEOUT_SECONDS,
    UncachedPages,
    check_loopback,
    get_all,
    increase,
    outcome,
    read_samples,
    served,
)
from .recovery import cache_hits_again, prometheus_sees_again, replica_reads_again

__all__ = [
    "cache_hits_again",
    "catalog_burst",
    "db_reads_during",
    "prometheus_sees_again",
    "reads_again",
    "replica_lag_back",
    "replica_reads_again",
    "service_during",
    "service_log",
    "stampede",
    "wait_for_file",
    "wait_for_gauge",
    "wait_for_quiet",
    "wait_for_requests",
]

#: Catalog routes any host serving the catalog API answers (the guide's own first).
ROUTES = ("/models?limit=10", "/gateways", "/models?limit=20", "/models?limit=5&offset=10")
MAX_REQUESTS = 2000


def catalog_burst(service_url: str, requests: int = 60, concurrency: int = 6) -> dict[str, Any]:
    """The steady-state's traffic probe: `requests` GETs of the guide's catalog routes,
    `concurrency` at a time. Its `failed` (non-2xx/3xx or no answer) must be 0; it also
    gives the `slo check` probe after it enough requests to judge."""
    check_loopback(service_url)
    count = max(1, min(int(requests), MAX_REQUESTS))
    paths = [ROUTES[i % len(ROUTES)] for i in range(count)]
    return outcome(asyncio.run(get_all(service_url, paths, max(1, int(concurrency)))))


def wait_for_quiet(
    service_url: str, quiet_s: float = 1.5, timeout_s: float = 120.0
) -> dict[str, Any]:
    """Wait until the service has counted no request (its /metrics scrapes aside) for
    `quiet_s` seconds: the background load is over (ended, or stopped by a trip)."""
    check_loopback(service_url)
    began = time.time()
    last = served(read_samples(service_url))
    still_since = time.monotonic()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() - still_since < quiet_s:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the service was still busy after {timeout_s:g}s")
        time.sleep(0.25)
        now = served(read_samples(service_url))
        if now != last:
            last, still_since = now, time.monotonic()
    return {"at": time.time(), "waited_s": round(time.time() - began, 2)}


def wait_for_file(path: str, timeout_s: float = 120.0) -> dict[str, Any]:
    """Wait (bounded) until `path` exists: a background command has written its last
    file (`slo watch` writes its summary report when it ends, tripped or not). Raises
    TimeoutError after `timeout_s`, so the experiment records the probe as failed."""
    target = Path(path)
    began = time.time()
    deadline = time.monotonic() + max(0.0, float(timeout_s))
    while not target.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{target} did not appear within {timeout_s:g}s")
        time.sleep(0.25)
    return {"at": time.time(), "waited_s": round(time.time() - began, 2)}


def stampede(
    service_url: str, keys: int = 6, concurrency: int = 25, seed: int = 11
) -> dict[str, Any]:
    """A cache stampede per key: `concurrency` identical, simultaneous requests for each of
    `keys` list pages no load uses, one key after the other, on a quiet service. The
    database queries each key cost are read from `db_queries_total{table="models"}`
    (primary and replica) just before and after its burst; single flight keeps that
    at one per key however many requests arrive together. `other_requests` counts
    requests the service saw beside the probe's own: non-zero means the counts are
    not per key."""
    check_loopback(service_url)
    rng = random.Random(seed)
    per_key = []
    other = 0.0
    results_all: list[tuple[int, float]] = []
    for _ in range(max(1, min(int(keys), 50))):
        # limit=13 is in no traffic model; the offset makes the key new to the cache
        path = f"/models?limit=13&offset={rng.randrange(0, 2900)}"
        before = read_samples(service_url)
        results = asyncio.run(get_all(service_url, [path] * int(concurrency), int(concurrency)))
        after = read_samples(service_url)

        queries = increase(before, after, "db_queries_total", table="models")
        # the probe's own requests, and the /metrics read between them
        other += served(after) - served(before) - len(results)
        per_key.append({"path": path, **outcome(results), "db_queries": queries})
        results_all += results
    counts = [entry["db_queries"] for entry in per_key]
    return {
        **outcome(results_all),
        "keys": len(per_key),
        "requests_per_key": int(concurrency),
        "db_queries_per_key": counts,
        "max_db_queries_per_key": max(counts),
        "other_requests": int(other),
        "per_key": per_key,
        "source": 'db_queries_total{table="models"} (primary + replica) around each burst',
    }


def db_reads_during(service_url: str, seconds: float = 4.0, requests: int = 0) -> dict[str, Any]:
    """Which pool served the catalog reads over the next `seconds`: increases of
    `db_queries_total{table="models"}` by client_type, of `read_replica_queries_total`
    by status and of `read_replica_connection_errors_total`. With `requests`, the probe
    sends that many list pages no cache holds (each a database read), spread over the
    time, so there are reads to see even when the load has stopped."""
    check_loopback(service_url)
    duration = max(0.0, min(float(seconds), 60.0))
    count = max(0, min(int(requests), MAX_REQUESTS))
    before = read_samples(service_url)
    results: list[tuple[int, float]] = []
    began = time.monotonic()
    with httpx.Client(base_url=service_url, timeout=TIMEOUT_SECONDS, trust_env=False) as client:
        pages = UncachedPages(client, limit=19)
        for i in range(count):
            status, ms, _ = pages.get()
            results.append((status, ms))
            time.sleep(max(0.0, began + duration * (i + 1) / count - time.monotonic()))
    time.sleep(max(0.0, began + duration - time.monotonic()))
    after = read_samples(service_url)

    delta = partial(increase, before, after)

    return {
        "seconds": duration,
        **outcome(results),
        "primary_reads": delta("db_queries_total", client_type="primary", table="models"),
        "replica_reads": delta("db_queries_total", client_type="replica", table="models"),
        "fallback_to_primary": delta("read_replica_queries_total", status="fallback_to_primary"),
        "replica_errors": delta("read_replica_queries_total", status="error"),
        "replica_connection_errors": delta("read_replica_connection_errors_total"),
        "served": delta("http_requests_total"),
        "cached_pages_skipped": pages.skipped,
    }


_LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")


def service_log(
    stack_dir: str,
    needles: list[str],
    wait_for: str | None = None,
    timeout_s: float = 30.0,
    log: str = "service",
) -> dict[str, Any]:
    """How often each of `needles` is in the stack's service log, and when it was first
    and last logged (unix time); with `wait_for`, first wait (bounded) until that one is."""
    path = Path(stack_dir) / "logs" / f"{log}.log"
    deadline = time.monotonic() + timeout_s
    wanted = list(needles) + ([wait_for] if wait_for and wait_for not in needles else [])
    while True:
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        found = {needle: [line for line in lines if needle in line] for needle in wanted}
        if not wait_for or found[wait_for] or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    return {
        "log": str(path),
        "counts": {needle: len(hits) for needle, hits in found.items()},
        "first_at": {
            needle: _logged_at(hits[0]) if hits else None for needle, hits in found.items()
        },
        "last_at": {
            needle: _logged_at(hits[-1]) if hits else None for needle, hits in found.items()
        },
        "lines": {needle: hits[:5] for needle, hits in found.items()},
    }


def _logged_at(line: str) -> float | None:
    match = _LOG_TIME.match(line)
    if match is None:
        return None
    return datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
