"""What stands in front of FastAPI: the hot paths, answered without the framework.

``CatalogApp`` is FastAPI whose HTTP requests first pass the request guard
(``reference_app.middleware``: metrics, deadline, 499) and then ``HotPaths``, which
answers by itself, as pure ASGI with bytes ready in advance:

* ``GET /health``: the same bytes as its FastAPI route;
* ``GET /models`` and ``/v1/models`` that the in-process cache layer holds: the body
  stored there, with ``X-Cache: HIT``, counted as a hit like any other.

Anything else, a cache miss included, goes on to FastAPI, which validates, reads Redis
or the database and answers errors. A query string is parsed once and remembered
(bounded): on a hit nothing is parsed, hashed or serialised.

``HEAD`` is answered wherever ``GET`` is: as the ``GET``, with the same headers and no body.
"""

from __future__ import annotations

from cachetools import LRUCache
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reference_app.catalog import CatalogService
from reference_app.errors import InvalidParameter
from reference_app.params import ListQuery
from reference_app.routers.health import HEALTH_PATH, HEALTHY
from reference_app.routers.models import LIST_PATHS, read_list_query

__all__ = ["CatalogApp", "HotPaths"]

_JSON = b"application/json"
_HEALTH_START: Message = {
    "type": "http.response.start",
    "status": 200,
    "headers": [(b"content-length", str(len(HEALTHY)).encode()), (b"content-type", _JSON)],
}
_HEALTH_BODY: Message = {"type": "http.response.body", "body": HEALTHY}
_REMEMBERED_QUERIES = 4096


class CatalogApp(FastAPI):
    """FastAPI behind the request guard and the hot paths (set ``guarded`` to the chain)."""

    guarded: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.guarded is not None:
            await self.guarded(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)

    async def framework(self, scope: Scope, receive: Receive, send: Send) -> None:
        """FastAPI's own handling: its middleware, routing, dependencies and handlers."""
        await super().__call__(scope, receive, send)


def _headless(send: Send) -> Send:
    async def send_without_body(message: Message) -> None:
        if message["type"] == "http.response.body" and message.get("body"):
            message = {**message, "body": b""}
        await send(message)

    return send_without_body


class HotPaths:
    def __init__(self, app: ASGIApp, *, catalog: CatalogService) -> None:
        self.app = app
        self._catalog = catalog
        self._list_paths = frozenset(LIST_PATHS) if catalog.caching else frozenset()
        # Raw query string -> its canonical query; only valid ones are remembered.
        self._queries: LRUCache[bytes, ListQuery] = LRUCache(maxsize=_REMEMBERED_QUERIES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method")
        if method == "HEAD":
            scope = {**scope, "method": "GET"}
            send = _headless(send)
        elif method != "GET":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path == HEALTH_PATH:
            await send(_HEALTH_START)
            await send(_HEALTH_BODY)
            return
        if path in self._list_paths:
            body = self._cached(scope["query_string"])
            if body is not None:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [
                            (b"x-cache", b"HIT"),
                            (b"content-length", str(len(body)).encode()),
                            (b"content-type", _JSON),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    def _cached(self, query_string: bytes) -> bytes | None:
        query = self._queries.get(query_string)
        if query is None:
            try:
                query = read_list_query(query_string)
            except InvalidParameter:
                return None  # FastAPI answers the 400
            self._queries[query_string] = query
        return self._catalog.cached_locally(query)
