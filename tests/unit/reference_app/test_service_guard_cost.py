"""What the request guard costs: no task for a quick request, label children bound once,
and the slow path's corners (a handler reading its body, the server shutting down)."""

from __future__ import annotations

import asyncio
from typing import Any
from unittest import mock

import pytest
from prometheus_client import CollectorRegistry
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from reference_app.metrics import ServiceMetrics
from reference_app.middleware import WATCH_AFTER_SECONDS, RequestGuardMiddleware

ROUTES = [Route("/health", endpoint=lambda r: None)]
SCOPE: Scope = {"type": "http", "method": "GET", "path": "/health", "query_string": b""}


def guard_of(app: Any, metrics: ServiceMetrics | None = None) -> RequestGuardMiddleware:
    metrics = metrics or ServiceMetrics.create(CollectorRegistry())
    return RequestGuardMiddleware(app, metrics=metrics, deadline_seconds=1.0, routes=ROUTES)


async def respond(send: Send, body: bytes = b"{}") -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def run(guard: RequestGuardMiddleware, receive: Receive | None = None) -> list[Message]:
    sent: list[Message] = []

    async def quiet() -> Message:
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(guard(SCOPE, receive or quiet, send))
    return sent


def test_a_quick_request_runs_in_the_servers_task_with_no_task_of_its_own() -> None:
    tasks_seen: list[int] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        tasks_seen.append(len(asyncio.all_tasks()))
        await respond(send)

    assert run(guard_of(app))[0]["status"] == 200
    assert tasks_seen == [1]


def test_a_handler_still_running_after_a_few_milliseconds_gets_its_client_watched() -> None:
    tasks_seen: list[int] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(WATCH_AFTER_SECONDS * 4)
        tasks_seen.append(len(asyncio.all_tasks()))
        await respond(send)

    assert run(guard_of(app))[0]["status"] == 200
    assert tasks_seen == [2]  # the request's own task and the watcher


def test_label_children_are_bound_once_per_combination() -> None:
    metrics = ServiceMetrics.create(CollectorRegistry())

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await respond(send)

    guard = guard_of(app, metrics)
    with (
        mock.patch.object(metrics.http_requests, "labels", wraps=metrics.http_requests.labels) as a,
        mock.patch.object(metrics.http_duration, "labels", wraps=metrics.http_duration.labels) as b,
    ):
        for _ in range(5):
            run(guard)
    assert (a.call_count, b.call_count) == (1, 1)
    value = metrics.registry.get_sample_value(
        "http_requests_total", {"method": "GET", "path": "/health", "status": "200"}
    )
    assert value == 5


def test_a_handler_reading_a_slow_body_gets_it_whole() -> None:
    messages = [
        {"type": "http.request", "body": b"a", "more_body": True},
        {"type": "http.request", "body": b"b", "more_body": False},
    ]

    async def receive() -> Message:
        if messages:
            await asyncio.sleep(WATCH_AFTER_SECONDS * 3)
            return messages.pop(0)
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message["body"]
            if not message["more_body"]:
                break
        await respond(send, body)

    sent = run(guard_of(app), receive)
    assert sent[1]["body"] == b"ab"


def test_a_disconnect_the_handler_reads_itself_is_a_499_with_nothing_sent() -> None:
    metrics = ServiceMetrics.create(CollectorRegistry())

    async def receive() -> Message:
        return {"type": "http.disconnect"}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await respond(send)  # too late: the client is gone

    assert run(guard_of(app, metrics), receive) == []
    value = metrics.registry.get_sample_value(
        "http_requests_total", {"method": "GET", "path": "/health", "status": "499"}
    )
    assert value == 1


def test_the_server_cancelling_a_request_is_not_swallowed() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(3600)

    async def scenario() -> None:
        async def receive() -> Message:
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None: ...

        request = asyncio.ensure_future(guard_of(app)(SCOPE, receive, send))
        await asyncio.sleep(0.05)
        request.cancel()  # server shutdown
        with pytest.raises(asyncio.CancelledError):
            await request

    asyncio.run(scenario())
