"""What stands in front of FastAPI: /health and in-process hits without the framework, HEAD."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from reference_app import Settings, create_app
from reference_app.front import CatalogApp, HotPaths
from reference_app.params import ListQuery

SETTINGS = Settings(DATABASE_URL="postgresql://nobody@127.0.0.1:1/none", REQUEST_DEADLINE_SECONDS=2)


def call(app: Any, method: str, url: str) -> httpx.Response:
    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.request(method, url)

    return asyncio.run(run())


@pytest.fixture
def app() -> CatalogApp:
    built = create_app(SETTINGS)
    assert isinstance(built, CatalogApp)
    return built


def test_health_from_the_front_is_byte_for_byte_its_fastapi_route(app: CatalogApp) -> None:
    front = call(app, "GET", "/health")
    route = call(app.framework, "GET", "/health")
    assert front.content == route.content == b'{"status":"healthy"}'
    assert front.headers == route.headers


@pytest.mark.parametrize("url", ["/health", "/metrics", "/optimization-monitor", "/nope"])
def test_head_answers_wherever_get_does_with_the_same_headers_and_no_body(
    app: CatalogApp, url: str
) -> None:
    get, head = call(app, "GET", url), call(app, "HEAD", url)
    assert head.status_code == get.status_code
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    if url != "/metrics":  # its length changes as it counts these requests
        assert head.headers["content-length"] == get.headers["content-length"]


def test_head_of_a_bad_query_is_the_same_400_without_a_body(app: CatalogApp) -> None:
    head = call(app, "HEAD", "/models?limit=-1")
    assert (head.status_code, head.content) == (400, b"")


def test_head_is_counted_as_head(app: CatalogApp) -> None:
    call(app, "HEAD", "/health")
    registry = app.state.services.metrics.registry
    labels = {"method": "HEAD", "path": "/health", "status": "200"}
    assert registry.get_sample_value("http_requests_total", labels) == 1


def test_a_method_not_allowed_names_head_among_the_allowed(app: CatalogApp) -> None:
    response = call(app, "POST", "/models")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"


class FakeCatalog:
    caching = True

    def __init__(self, held: dict[ListQuery, bytes]) -> None:
        self.held = held
        self.asked: list[ListQuery] = []

    def cached_locally(self, query: ListQuery) -> bytes | None:
        self.asked.append(query)
        return self.held.get(query)


async def framework_must_not_run(scope: Scope, receive: Receive, send: Send) -> None:
    raise AssertionError("FastAPI was called for an in-process hit")


async def framework_answers_418(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 418, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def serve(hot: HotPaths, path: str, query: bytes, method: str = "GET") -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "query_string": query}
    asyncio.run(hot(scope, receive, send))
    return sent


def test_an_in_process_hit_is_answered_without_fastapi() -> None:
    catalog = FakeCatalog({ListQuery(limit=10): b'{"object":"list"}'})
    hot = HotPaths(framework_must_not_run, catalog=catalog)  # type: ignore[arg-type]
    start, body = serve(hot, "/v1/models", b"limit=010")  # canonicalised like the route
    assert start["status"] == 200
    assert dict(start["headers"]) == {
        b"x-cache": b"HIT",
        b"content-length": b"17",
        b"content-type": b"application/json",
    }
    assert body["body"] == b'{"object":"list"}'


def test_a_query_string_is_parsed_once_then_remembered() -> None:
    catalog = FakeCatalog({ListQuery(limit=10): b"{}"})
    hot = HotPaths(framework_must_not_run, catalog=catalog)  # type: ignore[arg-type]
    for _ in range(3):
        serve(hot, "/models", b"limit=10")
    assert catalog.asked == [ListQuery(limit=10)] * 3
    assert len(hot._queries) == 1


@pytest.mark.parametrize("query", [b"limit=11", b"limit=-1", b"colour=red", b"limit=1&limit=2"])
def test_a_miss_or_a_bad_query_goes_on_to_fastapi(query: bytes) -> None:
    catalog = FakeCatalog({ListQuery(limit=10): b"{}"})
    hot = HotPaths(framework_answers_418, catalog=catalog)  # type: ignore[arg-type]
    assert serve(hot, "/models", query)[0]["status"] == 418


def test_other_methods_and_paths_go_on_to_fastapi() -> None:
    catalog = FakeCatalog({ListQuery(limit=10): b"{}"})
    hot = HotPaths(framework_answers_418, catalog=catalog)  # type: ignore[arg-type]
    assert serve(hot, "/models", b"limit=10", method="POST")[0]["status"] == 418
    assert serve(hot, "/gateways", b"")[0]["status"] == 418
    assert catalog.asked == []
