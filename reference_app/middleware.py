"""Pure ASGI middleware: request metrics, the request deadline, and 499 on disconnect.

The handler runs inline, in the server's own task for the request. A request that is
answered within ``WATCH_AFTER_SECONDS`` creates no task and no timer: one watchdog timer
serves every request in flight. Once a handler has run that long, the guard arms its
deadline and starts one task that reads ``receive`` for ``http.disconnect``. Whichever
comes first decides the outcome:

* the handler finishes: its status is recorded (an unhandled exception
  becomes a 500 JSON body without internals);
* the client goes away before the response is complete: the handler is
  cancelled and the request is recorded as 499;
* the deadline passes: the handler is cancelled and a 504 JSON body is sent.

Every outcome lands in ``http_requests_total{method,path,status}`` and
``http_request_duration_seconds{method,path}``, with ``path`` the route
template (``other`` for a path no route matches), through label children bound
once per combination.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence

from prometheus_client import Counter, Histogram
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reference_app.errors import ApiError, DeadlineExceeded, InternalError
from reference_app.metrics import UNMATCHED_PATH, ServiceMetrics

__all__ = ["WATCH_AFTER_SECONDS", "RequestGuardMiddleware"]

log = logging.getLogger(__name__)

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_CLIENT_CLOSED = 499
# A handler still running after this long gets its deadline armed and its client watched.
WATCH_AFTER_SECONDS = 0.005


class _Exchange:
    """One request under guard: what reached the client, and the guard's own decision.

    ``outcome`` is set by the guard (499 or 504) when it cancels the handler; the
    handler's task is cancelled only from a timer or the watcher task, never from inside
    itself, so the cancellation always lands on an ``await`` of the handler.
    """

    def __init__(self, receive: Receive, send: Send, deadline: float) -> None:
        self._receive = receive
        self._send = send
        self._deadline = deadline
        self.started = 0.0  # loop.time() when the handler began
        self.finished = False
        self.task: asyncio.Task[object] | None = None
        self.status: int | None = None
        self.complete = False
        self.closed = False
        self.outcome: int | None = None
        self._in_receive = False
        self._inbox: asyncio.Queue[Message] | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._timer: asyncio.TimerHandle | None = None

    # -- what the handler sees -------------------------------------------------------
    async def send(self, message: Message) -> None:
        if self.closed:
            return
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
        elif message["type"] == "http.response.body" and not message.get("more_body", False):
            self.complete = True
        await self._send(message)

    async def receive(self) -> Message:
        if self._inbox is not None:  # the watcher owns `receive` now
            return await self._inbox.get()
        self._in_receive = True
        try:
            message = await self._receive()
        finally:
            self._in_receive = False
        if message["type"] == "http.disconnect" and not self.complete:
            # The handler learns of it itself: nothing more reaches the client.
            self.outcome = self.outcome or _CLIENT_CLOSED
            self.closed = True
        return message

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

    # -- the slow path (the watchdog calls `slow` once the handler has run a while) -------
    def slow(self, loop: asyncio.AbstractEventLoop) -> None:
        """Arm the deadline and start watching the client."""
        deadline = self.started + self._deadline
        self._timer = loop.call_at(deadline, self._cancel, DeadlineExceeded.status_code)
        self._watch_soon(loop)

    def _watch_soon(self, loop: asyncio.AbstractEventLoop) -> None:
        if self.finished or self.outcome is not None or self._watcher is not None:
            return
        if self._in_receive:  # the handler is reading its body: it sees a disconnect itself
            loop.call_later(WATCH_AFTER_SECONDS, self._watch_soon, loop)
            return
        self._inbox = asyncio.Queue()
        self._watcher = loop.create_task(self._watch())

    async def _watch(self) -> None:
        assert self._inbox is not None
        while True:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                # uvicorn reports "disconnect" once the response is complete: a normal end.
                if not self.complete:
                    self._cancel(_CLIENT_CLOSED)
                return
            self._inbox.put_nowait(message)

    def _cancel(self, outcome: int) -> None:
        if self.outcome is None and self.task is not None and not self.task.done():
            self.outcome = outcome
            self.task.cancel()

    def disarm(self) -> None:
        self.finished = True
        if self._timer is not None:
            self._timer.cancel()
        if self._watcher is not None:
            self._watcher.cancel()


class _Watchdog:
    """One timer for every request in flight, instead of one per request.

    While requests are in flight it ticks every ``WATCH_AFTER_SECONDS`` and hands each
    request that has run that long to its slow path (deadline armed, client watched), so
    between 5 and 10 ms after it began. A request answered sooner costs a set insertion
    and removal: no timer and no task of its own.
    """

    def __init__(self) -> None:
        self._inflight: set[_Exchange] = set()
        self._ticking: asyncio.AbstractEventLoop | None = None  # where the next tick runs

    def enter(self, exchange: _Exchange, loop: asyncio.AbstractEventLoop) -> None:
        self._inflight.add(exchange)
        if self._ticking is not loop:
            self._ticking = loop
            loop.call_later(WATCH_AFTER_SECONDS, self._tick, loop)

    def leave(self, exchange: _Exchange) -> None:
        self._inflight.discard(exchange)

    def _tick(self, loop: asyncio.AbstractEventLoop) -> None:
        now = loop.time()
        due = [e for e in self._inflight if now - e.started >= WATCH_AFTER_SECONDS]
        for exchange in due:
            self._inflight.discard(exchange)
            exchange.slow(loop)
        if self._inflight:
            loop.call_later(WATCH_AFTER_SECONDS, self._tick, loop)
        else:
            self._ticking = None


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
        # Label children, bound on first use (the series themselves are pre-created).
        self._watchdog = _Watchdog()
        self._counters: dict[tuple[str, str, int], Counter] = {}
        self._histograms: dict[tuple[str, str], Histogram] = {}

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

    def _record(self, method: str, path: str, status: int, seconds: float) -> None:
        counter = self._counters.get((method, path, status))
        if counter is None:
            counter = self._metrics.http_requests.labels(method, path, str(status))
            self._counters[method, path, status] = counter
        counter.inc()
        histogram = self._histograms.get((method, path))
        if histogram is None:
            histogram = self._metrics.http_duration.labels(method, path)
            self._histograms[method, path] = histogram
        histogram.observe(seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        method = scope["method"] if scope["method"] in _METHODS else "OTHER"
        path = self._template(scope)
        status = await self._guarded(scope, _Exchange(receive, send, self._deadline))
        self._record(method, path, status, time.perf_counter() - started)

    async def _guarded(self, scope: Scope, exchange: _Exchange) -> int:
        task = asyncio.current_task()
        assert task is not None
        loop = task.get_loop()
        exchange.task = task
        exchange.started = loop.time()
        cancelling = task.cancelling()
        self._watchdog.enter(exchange, loop)
        crashed = False
        try:
            await self.app(scope, exchange.receive, exchange.send)
        except asyncio.CancelledError:
            # Ours (deadline, client gone) unless someone else cancelled too: the server
            # shutting down takes the request along.
            if exchange.outcome is None or task.cancelling() > cancelling + 1:
                raise
        except Exception as exc:
            log.error("Unhandled error while serving a request", exc_info=exc)
            crashed = True
        finally:
            self._watchdog.leave(exchange)
            exchange.disarm()
        if exchange.outcome is not None and task.cancelling() > cancelling:
            task.uncancel()  # the guard's own cancellation is consumed here
        return await self._respond(exchange, crashed=crashed)

    async def _respond(self, exchange: _Exchange, *, crashed: bool) -> int:
        """The request's status, after sending the 500 or 504 body nothing else sent."""
        if exchange.outcome == _CLIENT_CLOSED and not exchange.complete:
            exchange.closed = True
            return _CLIENT_CLOSED
        if exchange.status is not None:
            return exchange.status
        if exchange.outcome == DeadlineExceeded.status_code:
            await exchange.send_error(
                DeadlineExceeded(
                    f"the request did not finish within its {self._deadline:g}s deadline; "
                    "the service is overloaded or the database is slow, retry later"
                )
            )
            return DeadlineExceeded.status_code
        if crashed:
            await exchange.send_error(InternalError("internal error; the service logged it"))
        return 500
