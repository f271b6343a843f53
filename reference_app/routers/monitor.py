"""``/metrics`` (Prometheus text) and ``/optimization-monitor`` (pools, cache, replica)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from reference_app.services import ServicesDep

__all__ = ["router"]

router = APIRouter(tags=["monitoring"])


@router.get("/metrics", response_class=Response)
async def metrics(services: ServicesDep) -> Response:
    return Response(generate_latest(services.metrics.registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/optimization-monitor")
async def optimization_monitor(services: ServicesDep) -> dict[str, Any]:
    db = services.db
    pools: dict[str, Any] = {"primary": asdict(db.primary.stats())}
    pools["replica"] = (
        asdict(db.replica.stats()) if db.replica is not None else {"configured": False}
    )
    cache = services.cache
    return {
        "connection_pools": pools,
        "cache": cache.status() if cache is not None else {"enabled": False, "status": "disabled"},
        "read_replica": db.replica_state(),
        "request_deadline_seconds": services.settings.request_deadline_seconds,
    }
