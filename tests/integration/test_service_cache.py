"""The Redis response cache against real servers: hits, keys, TTL, single flight, off switch."""

from __future__ import annotations

import asyncio
import time

import httpx
from service_probe import fresh_query, metric, metric_sum

from reference_app.stack import StackInfo, spawn_service


def test_a_miss_then_a_hit_return_identical_bodies(stack: StackInfo) -> None:
    url = stack.service_url + fresh_query()
    hits_before = metric(stack.service_url, "catalog_cache_hits_total", gateway="all")
    misses_before = metric(stack.service_url, "catalog_cache_misses_total", gateway="all")
    first = httpx.get(url, timeout=10)
    second = httpx.get(url, timeout=10)
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.headers["X-Cache"] == "MISS"
    assert second.headers["X-Cache"] == "HIT"
    assert first.content == second.content
    assert metric(stack.service_url, "catalog_cache_hits_total", gateway="all") == hits_before + 1
    assert (
        metric(stack.service_url, "catalog_cache_misses_total", gateway="all") == misses_before + 1
    )


def test_the_list_body_has_the_documented_shape(stack: StackInfo) -> None:
    body = httpx.get(f"{stack.service_url}/models?limit=3&offset=1", timeout=10).json()
    assert body["object"] == "list"
    assert (body["returned"], body["offset"], body["limit"], body["gateway"]) == (3, 1, 3, "all")
    assert body["total"] > 1000
    assert body["has_more"] is True
    assert body["next_offset"] == 4
    model = body["data"][0]
    assert {"id", "name", "provider_slug", "source_gateway", "context_length"} <= set(model)
    assert isinstance(model["pricing"]["prompt"], str)
    assert isinstance(model["pricing"]["completion"], str)
    assert model["id"].startswith(model["provider_slug"] + "/")


def test_different_parameters_never_share_a_cached_response(stack: StackInfo) -> None:
    urls = [
        "/models?limit=7",
        "/models?limit=8",
        "/models?limit=7&offset=1",
        "/models?limit=7&gateway=groq",
        "/models?limit=7&gateway=openrouter",
        "/models?limit=7&provider=openai",
        "/models?limit=7&provider=openai&gateway=groq",
    ]
    bodies = {}
    for path in urls:
        for _ in range(2):  # the second is a hit: it must still be this query's answer
            response = httpx.get(stack.service_url + path, timeout=10)
            assert response.status_code == 200
            bodies.setdefault(path, set()).add(response.content)
    assert all(len(seen) == 1 for seen in bodies.values())
    assert len({next(iter(seen)) for seen in bodies.values()}) == len(urls)
    groq = httpx.get(f"{stack.service_url}/models?limit=7&gateway=groq", timeout=10).json()
    assert {m["source_gateway"] for m in groq["data"]} == {"groq"}
    assert groq["gateway"] == "groq"


def test_v1_models_serves_the_same_catalog(stack: StackInfo) -> None:
    a = httpx.get(f"{stack.service_url}/models?limit=4", timeout=10).json()
    b = httpx.get(f"{stack.service_url}/v1/models?limit=4", timeout=10).json()
    assert a == b


def test_entries_expire_after_the_ttl(stack: StackInfo) -> None:
    with spawn_service(stack, {"CATALOG_CACHE_TTL": "1"}) as service:
        url = service.url + fresh_query()
        assert httpx.get(url, timeout=10).headers["X-Cache"] == "MISS"
        assert httpx.get(url, timeout=10).headers["X-Cache"] == "HIT"
        time.sleep(1.6)
        assert httpx.get(url, timeout=10).headers["X-Cache"] == "MISS"


def test_concurrent_misses_on_one_key_make_one_database_query(stack: StackInfo) -> None:
    url = stack.service_url + fresh_query()
    before = metric_sum(stack.service_url, "db_queries_total", table="models")

    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=10) as client:
            return await asyncio.gather(*(client.get(url) for _ in range(25)))

    responses = asyncio.run(burst())
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1
    assert sum(r.headers["X-Cache"] == "MISS" for r in responses) > 1  # they really overlapped
    assert metric_sum(stack.service_url, "db_queries_total", table="models") == before + 1


def test_without_redis_url_nothing_is_cached_and_the_service_works(stack: StackInfo) -> None:
    with spawn_service(stack, {"REDIS_URL": None}) as service:
        url = f"{service.url}/models?limit=10"
        before = metric_sum(service.url, "db_queries_total", table="models")
        responses = [httpx.get(url, timeout=10) for _ in range(2)]
        assert [r.status_code for r in responses] == [200, 200]
        assert all("X-Cache" not in r.headers for r in responses)
        assert metric_sum(service.url, "db_queries_total", table="models") == before + 2
        assert metric_sum(service.url, "catalog_cache_misses_total") == 0
        monitor = httpx.get(f"{service.url}/optimization-monitor", timeout=5).json()
        assert monitor["cache"]["enabled"] is False
