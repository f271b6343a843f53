"""Catalog reads: SQL rows to public bodies, through the response cache when there is one."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from reference_app import queries
from reference_app.cache import ResponseCache
from reference_app.db import Database
from reference_app.errors import NotFound
from reference_app.params import ListQuery
from reference_app.schemas import (
    GatewayList,
    GatewayOut,
    ModelDetail,
    ModelList,
    ModelOut,
    Offer,
    Pricing,
)

__all__ = ["CatalogService"]


def _model(row: asyncpg.Record) -> ModelOut:
    return ModelOut(
        id=f"{row['provider_slug']}/{row['slug']}",
        name=row["name"],
        provider_slug=row["provider_slug"],
        source_gateway=row["gateway_slug"],
        context_length=row["context_length"],
        pricing=Pricing(prompt=row["prompt"], completion=row["completion"]),
        capabilities=list(row["capabilities"]),
        gateway_count=row["gateway_count"],
    )


def render_list(query: ListQuery, rows: Sequence[asyncpg.Record]) -> bytes:
    total = int(rows[0]["total"]) if rows else 0
    data = [_model(row) for row in rows if row["slug"] is not None]
    end = query.offset + len(data)
    has_more = end < total
    body = ModelList(
        data=data,
        total=total,
        returned=len(data),
        offset=query.offset,
        limit=query.limit,
        has_more=has_more,
        next_offset=end if has_more else None,
        gateway=query.gateway,
    )
    return body.model_dump_json().encode()


class CatalogService:
    def __init__(self, *, db: Database, cache: ResponseCache | None) -> None:
        self._db = db
        self._cache = cache

    @property
    def caching(self) -> bool:
        return self._cache is not None

    def cached_locally(self, query: ListQuery) -> bytes | None:
        """The in-process cache layer's body for ``query``, or None; never waits."""
        return self._cache.local_hit(query) if self._cache is not None else None

    async def list_models(self, query: ListQuery) -> tuple[bytes, str | None]:
        """The list body and the X-Cache value (None when caching is off)."""
        cache = self._cache
        if cache is None:
            return await self._build_list(query), None
        body = cache.local_hit(query)
        if body is not None:
            return body, "HIT"
        return await cache.fetch(query, lambda: self._build_list(query))

    async def _build_list(self, query: ListQuery) -> bytes:
        if query.gateway == "all":
            rows = await self._db.read(
                "models", queries.LIST_MODELS_ALL_SQL, query.provider, query.limit, query.offset
            )
        else:
            rows = await self._db.read(
                "models",
                queries.LIST_MODELS_BY_GATEWAY_SQL,
                query.provider,
                query.limit,
                query.offset,
                query.gateway,
            )
        return render_list(query, rows)

    async def model_detail(self, provider: str, model: str) -> bytes:
        rows = await self._db.read("models", queries.MODEL_DETAIL_SQL, provider, model)
        if not rows:
            raise NotFound(f"model '{provider}/{model}' is not in the catalog (or not on sale)")
        first = rows[0]
        offers = [
            Offer(
                gateway=r["gateway_slug"],
                pricing=Pricing(prompt=r["prompt"], completion=r["completion"]),
            )
            for r in rows
        ]
        base = _model(first)
        detail = ModelDetail(**base.model_dump(), offers=offers)
        return detail.model_dump_json().encode()

    async def gateways(self) -> bytes:
        rows = await self._db.read("gateways", queries.GATEWAYS_SQL)
        data = [
            GatewayOut(
                slug=r["slug"],
                name=r["name"],
                models=r["models"],
                cheapest_prompt=r["cheapest_prompt"],
            )
            for r in rows
        ]
        return GatewayList(data=data, total=len(data)).model_dump_json().encode()
