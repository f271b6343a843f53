"""Small helpers for the service's integration tests: read a metric, make a fresh query."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

import httpx
from prometheus_client.parser import text_string_to_metric_families

_fresh = itertools.count(1)


def metric(base_url: str, name: str, **labels: str) -> float:
    """The value of one sample of the service's /metrics; 0.0 when it is absent."""
    text = httpx.get(f"{base_url}/metrics", timeout=5).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


def metric_sum(base_url: str, name: str, **labels: str) -> float:
    """The sum over every sample of ``name`` matching ``labels``."""
    text = httpx.get(f"{base_url}/metrics", timeout=5).text
    return sum(
        float(sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


def fresh_query(limit: int = 5) -> str:
    """A /models URL no earlier request in this session has used (a guaranteed cache miss)."""
    return f"/models?limit={limit}&offset={next(_fresh) + int(time.time() * 1000) % 100_000}"


def wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.2) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
