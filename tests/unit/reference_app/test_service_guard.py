"""The request guard, driven as plain ASGI: deadline -> 504, disconnect -> 499, crash -> 500."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from prometheus_client import CollectorRegistry
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from reference_app.metrics import ServiceMetrics
from reference_app.middleware import RequestGuardMiddleware

ROUTES = [Route("/models/{provider}/{model}", endpoint=lambda r: None)]


def scope(path: str = "/models/openai/gpt") -> Scope:
    return {"type": "http", "method": "GET", "path": path, "root_path": "", "query_string": b""}


async def ok_app(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


async def slow_app(scope: Scope, receive: Receive, send: Send) -> None:
    await asyncio.sleep(30)


async def crashing_app(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("secret internals")


def run(app: Any, *, disconnect_after: float | None = None, path: str = "/models/openai/gpt"):
    metrics = ServiceMetrics.create(CollectorRegistry())
    guard = RequestGuardMiddleware(app, metrics=metrics, deadline_seconds=0.2, routes=ROUTES)
    sent: list[Message] = []
    requested = False

    async def receive() -> Message:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(disconnect_after if disconnect_after is not None else 3600)
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(guard(scope(path), receive, send))
    return sent, metrics


def count(metrics: ServiceMetrics, path: str, status: str) -> float:
    value = metrics.registry.get_sample_value(
        "http_requests_total", {"method": "GET", "path": path, "status": status}
    )
    return value or 0.0


def test_a_normal_response_is_counted_under_its_route_template() -> None:
    sent, metrics = run(ok_app)
    assert sent[0]["status"] == 200
    assert count(metrics, "/models/{provider}/{model}", "200") == 1


def test_a_handler_past_the_deadline_gets_a_504_json_body() -> None:
    sent, metrics = run(slow_app)
    assert sent[0]["status"] == 504
    assert json.loads(sent[1]["body"])["error"]["code"] == "deadline_exceeded"
    assert count(metrics, "/models/{provider}/{model}", "504") == 1


def test_a_client_that_goes_away_is_recorded_as_499_and_gets_nothing() -> None:
    sent, metrics = run(slow_app, disconnect_after=0.05)
    assert sent == []
    assert count(metrics, "/models/{provider}/{model}", "499") == 1


def test_an_unhandled_exception_is_a_500_without_internals() -> None:
    sent, metrics = run(crashing_app)
    assert sent[0]["status"] == 500
    body = json.loads(sent[1]["body"])
    assert body["error"]["code"] == "internal_error"
    assert "secret" not in sent[1]["body"].decode()
    assert count(metrics, "/models/{provider}/{model}", "500") == 1


def test_an_unknown_path_is_one_bounded_label_value() -> None:
    _, metrics = run(ok_app, path="/wp-admin/../../etc/passwd")
    assert count(metrics, "other", "200") == 1
