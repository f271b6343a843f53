"""What a running app holds: settings, metrics, pools, cache, catalog; and how routes get it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from reference_app.cache import ResponseCache
from reference_app.catalog import CatalogService
from reference_app.db import Database
from reference_app.metrics import ServiceMetrics
from reference_app.settings import Settings

__all__ = ["CatalogDep", "DatabaseDep", "Services", "ServicesDep", "get_services"]


@dataclass(frozen=True, kw_only=True)
class Services:
    settings: Settings
    metrics: ServiceMetrics
    db: Database
    cache: ResponseCache | None
    catalog: CatalogService


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


# Async on purpose: FastAPI runs plain `def` dependencies in a worker thread.
async def get_services(request: Request) -> Services:
    return _services(request)


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_catalog(request: Request) -> CatalogService:
    return _services(request).catalog


async def get_database(request: Request) -> Database:
    return _services(request).db


CatalogDep = Annotated[CatalogService, Depends(get_catalog)]
DatabaseDep = Annotated[Database, Depends(get_database)]
