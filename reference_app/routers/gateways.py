"""``/gateways``: every gateway with how many models it sells."""

from __future__ import annotations

from fastapi import APIRouter, Response

from reference_app.services import CatalogDep

__all__ = ["router"]

router = APIRouter(tags=["gateways"])


@router.get("/gateways", response_class=Response)
async def list_gateways(catalog: CatalogDep) -> Response:
    return Response(await catalog.gateways(), media_type="application/json")
