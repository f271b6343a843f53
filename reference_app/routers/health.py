"""``/health`` (the process answers) and ``/health/database`` (primary and replica answer)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from reference_app.services import DatabaseDep

__all__ = ["HEALTHY", "HEALTH_PATH", "router"]

router = APIRouter(tags=["health"])

_PING_SECONDS = 2.0
HEALTH_PATH = "/health"
# Served as these bytes here and by `reference_app.front` (before FastAPI).
HEALTHY = b'{"status":"healthy"}'


@router.get(HEALTH_PATH, response_class=Response)
async def health() -> Response:
    """``{"status": "healthy"}``: the process answers (no database work)."""
    return Response(HEALTHY, media_type="application/json")


async def _bounded(ping: Any) -> bool | None:
    try:
        async with asyncio.timeout(_PING_SECONDS):
            result: bool | None = await ping
    except TimeoutError:
        return False
    return result


@router.get("/health/database")
async def health_database(db: DatabaseDep) -> JSONResponse:
    primary_ok, replica_ok = await asyncio.gather(
        _bounded(db.ping_primary()), _bounded(db.ping_replica())
    )
    replica: dict[str, Any] = db.replica_state()
    if replica_ok is not None:
        replica["reachable"] = replica_ok
    body = {
        # A replica that is down or lagging past its bound serves no reads: degraded.
        "status": "healthy"
        if primary_ok and replica_ok is not False and not db.replica_lagging
        else "degraded",
        "database": "connected" if primary_ok else "unavailable",
        "primary": {"status": "connected" if primary_ok else "unavailable"},
        "replica": replica,
    }
    if not primary_ok:
        body["status"] = "unhealthy"
        body["error"] = {
            "code": "database_unavailable",
            "message": "the primary database did not answer within "
            f"{_PING_SECONDS:g}s; check DATABASE_URL and the server",
        }
    return JSONResponse(body, status_code=200 if primary_ok else 503)
