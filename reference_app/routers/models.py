"""``/models``, ``/v1/models`` and ``/models/{provider}/{model}``."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.datastructures import QueryParams

from reference_app.catalog_data import GATEWAYS, PROVIDERS
from reference_app.params import ListQuery, check_path_slug, parse_list_query
from reference_app.services import CatalogDep

__all__ = ["LIST_PATHS", "read_list_query", "router"]

router = APIRouter(tags=["models"])

_JSON = "application/json"
_KNOWN_GATEWAYS = frozenset(GATEWAYS)
_KNOWN_PROVIDERS = frozenset(PROVIDERS)
LIST_PATHS = ("/models", "/v1/models")


def read_list_query(query_string: bytes) -> ListQuery:
    """The list query of a raw query string, as Starlette decodes it; 400 when invalid."""
    return parse_list_query(
        QueryParams(query_string).multi_items(),
        gateways=_KNOWN_GATEWAYS,
        providers=_KNOWN_PROVIDERS,
    )


@router.get(LIST_PATHS[0], response_class=Response)
@router.get(LIST_PATHS[1], response_class=Response)
async def list_models(request: Request, catalog: CatalogDep) -> Response:
    """Models on sale, cheapest offer first per model; ``X-Cache`` says HIT or MISS."""
    query = read_list_query(request.scope["query_string"])
    body, cache_state = await catalog.list_models(query)
    headers = {"X-Cache": cache_state} if cache_state is not None else None
    return Response(body, media_type=_JSON, headers=headers)


@router.get("/models/{provider}/{model}", response_class=Response)
async def model_detail(provider: str, model: str, catalog: CatalogDep) -> Response:
    """One model with every gateway's offer, cheapest first; 404 when it is not on sale."""
    body = await catalog.model_detail(
        check_path_slug("provider", provider), check_path_slug("model", model)
    )
    return Response(body, media_type=_JSON)
