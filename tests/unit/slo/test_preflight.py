from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from slo.preflight import run_preflight

METRICS = (
    "# TYPE catalog_cache_hits_total counter\n"
    'catalog_cache_hits_total{gateway="all"} 1.0\n'
    "# TYPE catalog_cache_misses_total counter\n"
    'catalog_cache_misses_total{gateway="all"} 1.0\n'
)
REQUIRED = ("catalog_cache_hits_total", "catalog_cache_misses_total")


def _target(**overrides: Callable[[httpx.Request], httpx.Response]) -> httpx.Client:
    """A healthy catalog target, with some routes answered differently."""
    calls = {"models": 0}

    def models(_: httpx.Request) -> httpx.Response:
        calls["models"] += 1
        state = "MISS" if calls["models"] == 1 else "HIT"
        return httpx.Response(200, json={"data": []}, headers={"X-Cache": state})

    routes: dict[str, Callable[[httpx.Request], httpx.Response]] = {
        "/health": lambda _: httpx.Response(200, json={"status": "healthy"}),
        "/health/database": lambda _: httpx.Response(200, json={"database": "connected"}),
        "/models": models,
        "/metrics": lambda _: httpx.Response(200, text=METRICS),
    }
    routes.update({f"/{k.replace('_', '/')}": v for k, v in overrides.items()})

    def handler(request: httpx.Request) -> httpx.Response:
        return routes[request.url.path](request)

    return httpx.Client(base_url="http://target", transport=httpx.MockTransport(handler))


def test_a_healthy_cached_target_passes_every_check() -> None:
    result = run_preflight("http://target", required_metrics=REQUIRED, client=_target())
    assert result.ok
    assert [c.name for c in result.checks] == ["health", "database", "cache", "metrics"]
    assert "MISS then HIT" in result.checks[2].detail


@pytest.mark.parametrize(
    ("route", "response", "failed_check"),
    [
        ("health", httpx.Response(503, json={"status": "unhealthy"}), "health"),
        ("health_database", httpx.Response(503, json={"database": "down"}), "database"),
        ("models", httpx.Response(200, json={}, headers={"X-Cache": "MISS"}), "cache"),
        ("models", httpx.Response(500, text="boom"), "cache"),
        ("metrics", httpx.Response(200, text="# nothing\n"), "metrics"),
        ("metrics", httpx.Response(404, text="no"), "metrics"),
    ],
)
def test_a_broken_part_fails_preflight_naming_the_check(
    route: str, response: httpx.Response, failed_check: str
) -> None:
    client = _target(**{route: lambda _: response})
    result = run_preflight("http://target", required_metrics=REQUIRED, client=client)
    assert not result.ok
    assert [c.name for c in result.failed] == [failed_check]


def test_a_target_without_cache_headers_warns_but_does_not_fail() -> None:
    client = _target(models=lambda _: httpx.Response(200, content=json.dumps({"data": []})))
    result = run_preflight("http://target", required_metrics=REQUIRED, client=client)
    assert result.ok
    assert result.checks[2].status == "warn"


def test_an_unreachable_target_fails_health_and_skips_the_rest() -> None:
    result = run_preflight("http://127.0.0.1:9", timeout=1.0)
    assert not result.ok
    assert [c.name for c in result.checks] == ["health"]
    assert "ConnectError" in result.checks[0].detail
