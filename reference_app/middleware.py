"""Pure ASGI middleware: request metrics, the request deadline, and 499 on disconnect.

The handler runs as a task next to a watcher that reads ``receive`` for
``http.disconnect``. Whichever comes first decides the outcome:

* the handler finishes: its status is recorded (an unhandled exception
  becomes a 500 JSON body without internals);
* the client goes away before the response is complete: the handler is
  cancelled and the request is recorded as 499;
* the deadline passes: the handler is cancelled and a 504 JSON body is sent.

Every outcome lands in ``http_requests_total{method,path,status}`` and
``http_request_duration_seconds{method,path}``, with ``path`` the route
template (``other`` for a path no route matches).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Sequence

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reference_app.errors import ApiError, DeadlineExceeded, InternalError
from reference_app.metrics import UNMATCHED_PATH, ServiceMetrics

__all__ = ["RequestGuardMiddleware"]

log = logging.getLogger(__name__)

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_CLIENT_CLOSED = 499
_CLEANUP_SECONDS = 1.0


class _Exchange:
    """Wraps ``send`` to remember what reached the client."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.status: int | None = None
        self.complete = False
        self.closed = False

    async def send(self, message: Message) -> None:
        if self.closed:
            return
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
        elif message["type"] == "http.response.body" and not message.get("more_body", False):
            self.complete = True
        await self._send(message)

    async def send_error(self, error: ApiError) -> None:
        body = json.dumps(error.body()).encode()
        await self.send(
            {
                "type": "http.response.start",
                "status": error.status_code,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await self.send({"type": "http.response.body", "body": body})


class RequestGuardMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: ServiceMetrics,
        deadline_seconds: float,
        routes: Sequence[BaseRoute],
    ) -> None:
        self.app = app
        self._metrics = metrics
        self._deadline = deadline_seconds
        self._routes = routes
        # Static routes are their own template: a dict lookup instead of regex matching.
        self._static = {
            path: path
            for path in (getattr(route, "path", None) for route in routes)
            if isinstance(path, str) and "{" not in path
        }

    def _template(self, scope: Scope) -> str:
        static = self._static.get(scope["path"])
        if static is not None:
            return static
        for route in self._routes:
            match, _ = route.matches(scope)
            if match is not Match.NONE:
                path = getattr(route, "path", None)
                return path if isinstance(path, str) else UNMATCHED_PATH
        return UNMATCHED_PATH

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        method = scope["method"] if scope["method"] in _METHODS else "OTHER"
        path = self._template(scope)
        status = await self._guarded(scope, receive, _Exchange(send))
        self._metrics.http_requests.labels(method, path, str(status)).inc()
        self._metrics.http_duration.labels(method, path).observe(time.perf_counter() - started)

    async def _guarded(self, scope: Scope, receive: Receive, exchange: _Exchange) -> int:
        inbox: asyncio.Queue[Message] = asyncio.Queue()

        async def watch() -> None:
            while True:
                message = await receive()
                inbox.put_nowait(message)
                if message["type"] == "http.disconnect":
                    return

        handler = asyncio.ensure_future(self.app(scope, inbox.get, exchange.send))
        watcher = asyncio.ensure_future(watch())
        try:
            done, _ = await asyncio.wait(
                (handler, watcher), timeout=self._deadline, return_when=asyncio.FIRST_COMPLETED
            )
            if handler not in done and watcher in done and exchange.complete:
                # uvicorn reports "disconnect" once the response is complete: a normal end.
                done, _ = await asyncio.wait((handler,), timeout=_CLEANUP_SECONDS)
        except asyncio.CancelledError:  # the server is shutting down: take the handler along
            handler.cancel()
            raise
        finally:
            watcher.cancel()
        if handler in done:
            return await self._finished(handler, exchange)
        await self._abandon(handler)
        if watcher in done and not exchange.complete:
            exchange.closed = True
            return _CLIENT_CLOSED
        if exchange.status is None:
            await exchange.send_error(
                DeadlineExceeded(
                    f"the request did not finish within its {self._deadline:g}s deadline; "
                    "the service is overloaded or the database is slow, retry later"
                )
            )
            return DeadlineExceeded.status_code
        return exchange.status

    async def _finished(self, handler: asyncio.Future[None], exchange: _Exchange) -> int:
        exc = handler.exception()
        if exc is None:
            return exchange.status if exchange.status is not None else 500
        log.error("Unhandled error while serving a request", exc_info=exc)
        if exchange.status is None:
            await exchange.send_error(InternalError("internal error; the service logged it"))
            return 500
        return exchange.status

    @staticmethod
    async def _abandon(handler: asyncio.Future[None]) -> None:
        handler.cancel()
        with contextlib.suppress(BaseException):
            await asyncio.wait_for(handler, timeout=_CLEANUP_SECONDS)
