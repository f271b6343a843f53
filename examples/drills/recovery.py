"""The drills' recovery probes: after a fault is undone, wait (bounded) until the restored
part serves again (the replica answers a read, Redis a cache HIT, Prometheus holds a whole
window of fresh scrapes). The experiments name them through `examples.drills.probes`.
"""

from __future__ import annotations

import random
import time
from typing import Any

import httpx

from slo.metrics import UP
from slo.query import render
from slo.spec import Resolver, Selector

from .probe_http import TIMEOUT_SECONDS, check_loopback, read_samples, total


def replica_reads_again(service_url: str, timeout_s: float = 45.0) -> dict[str, Any]:
    """After the replica is back: list pages no cache holds, one every 0.2 s, until the
    replica answers one (`read_replica_queries_total{status="success"}` moves); the
    service rests a failed replica up to 15 s before it probes it again."""
    check_loopback(service_url)
    began = time.time()
    rng = random.Random()

    def successes() -> float:
        return total(
            read_samples(service_url),
            "read_replica_queries_total",
            lambda labels: labels.get("status") == "success",
        )

    start = successes()
    deadline = time.monotonic() + timeout_s
    sent = 0
    while time.monotonic() < deadline:
        path = f"/models?limit=17&offset={rng.randrange(0, 2900)}"
        httpx.get(service_url + path, timeout=TIMEOUT_SECONDS, trust_env=False)
        sent += 1
        if successes() > start:
            return {"again": True, "after_s": round(time.time() - began, 2), "requests": sent}
        time.sleep(0.2)
    return {"again": False, "after_s": round(time.time() - began, 2), "requests": sent}


def cache_hits_again(service_url: str, timeout_s: float = 30.0) -> dict[str, Any]:
    """After Redis is back: the guide's `/models?limit=10` twice, every 0.25 s, until the
    second answer is a cache HIT (the service's breaker probes Redis after a cool-down
    of up to 5 s and closes on the first success)."""
    check_loopback(service_url)
    began = time.time()
    deadline = time.monotonic() + timeout_s
    sent = 0
    with httpx.Client(base_url=service_url, timeout=TIMEOUT_SECONDS, trust_env=False) as client:
        while time.monotonic() < deadline:
            client.get("/models?limit=10")
            second = client.get("/models?limit=10")
            sent += 2
            if second.headers.get("x-cache") == "HIT":
                return {"again": True, "after_s": round(time.time() - began, 2), "requests": sent}
            time.sleep(0.25)
    return {"again": False, "after_s": round(time.time() - began, 2), "requests": sent}


def fewest_samples(selector: Selector, *, window: str) -> str:
    """The PromQL of the fewest samples any series of `selector` has over `window`: the
    project's renderer's sample count per series, its worst (smallest) one."""
    resolved = Resolver().resolve(selector).promql()
    per_series = render("count_over_time", selector=resolved, window=window, at="")
    return render("worst_series", func="min", query=per_series)


def _instant_value(prometheus_url: str, query: str) -> float | None:
    """The first sample of an instant query, None when it returned nothing or failed."""
    try:
        result = httpx.get(
            f"{prometheus_url}/api/v1/query",
            params={"query": query},
            timeout=TIMEOUT_SECONDS,
            trust_env=False,
        ).json()["data"]["result"]
        return float(result[0]["value"][1]) if result else None
    except (httpx.HTTPError, ValueError, KeyError, IndexError):
        return None


def prometheus_sees_up(
    prometheus_url: str, window_s: float = 10.0, timeout_s: float = 30.0
) -> dict[str, Any]:
    """Wait (bounded) until every target Prometheus scrapes was up for the whole last
    `window_s` (the lowest `up` sample of any target over the window is 1, and the window
    holds a scrape a second): the scrapes that found a part not listening yet, while a
    fresh stack started, are older than the steady state's window."""
    check_loopback(prometheus_url)
    began = time.time()
    window = f"{window_s:g}s"
    resolved = Resolver().resolve(Selector(metric=UP)).promql()
    lowest = render("over_time", func="min_over_time", args="", selector=resolved,
                    window=window, at="")  # fmt: skip
    # ... and for the whole window: as many scrapes as a 1 s interval gives (the stack's),
    # less one, so a window reaching back before Prometheus started does not count
    query = render(
        "guarded",
        alert=render("worst_series", func="min", query=lowest),
        requests=fewest_samples(Selector(metric=UP), window=window),
        min_requests=f"{max(window_s - 1, 1):g}",
    )
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if (_instant_value(prometheus_url, query) or 0.0) >= 1:
            return {"again": True, "after_s": round(time.time() - began, 2)}
        time.sleep(0.5)
    return {"again": False, "after_s": round(time.time() - began, 2)}


def prometheus_sees_again(
    prometheus_url: str, window_s: float = 10.0, scrape_s: float = 1.0, timeout_s: float = 60.0
) -> dict[str, Any]:
    """After Prometheus restarts: wait (bounded) until it holds a whole `window_s` of fresh
    scrapes again (the fewest samples of `up` any target has over the window, counted by
    Prometheus), so the next judged window has no hole. A restarted Prometheus answers
    queries with no data for a few seconds after /-/ready."""
    check_loopback(prometheus_url)
    began = time.time()
    wanted = max(2, int(window_s / scrape_s) - 1)
    query = fewest_samples(Selector(metric=UP), window=f"{window_s:g}s")
    deadline = time.monotonic() + timeout_s
    seen = 0.0
    while time.monotonic() < deadline:
        seen = _instant_value(prometheus_url, query) or 0.0
        if seen >= wanted:
            return {"again": True, "after_s": round(time.time() - began, 2), "scrapes": seen}
        time.sleep(0.5)
    return {"again": False, "after_s": round(time.time() - began, 2), "scrapes": seen}
