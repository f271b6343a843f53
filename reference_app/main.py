"""The app factory: settings in, a ready FastAPI app out; nothing connects until start-up."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from prometheus_client import CollectorRegistry
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from reference_app.cache import ResponseCache
from reference_app.catalog import CatalogService
from reference_app.catalog_data import GATEWAYS
from reference_app.db import Database
from reference_app.errors import (
    ApiError,
    DatabaseUnavailable,
    DeadlineExceeded,
    InternalError,
    InvalidParameter,
    SettingsError,
)
from reference_app.front import CatalogApp, HotPaths
from reference_app.local_cache import LocalLayer
from reference_app.metrics import ServiceMetrics
from reference_app.middleware import RequestGuardMiddleware
from reference_app.pools import TrackedPool
from reference_app.replica_lag import ReplicaLagMonitor
from reference_app.routers import gateways, health, models, monitor
from reference_app.services import Services
from reference_app.settings import Settings

__all__ = ["create_app", "load_settings"]

log = logging.getLogger("reference_app")

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}
# Failures of the primary (the replica's are absorbed by the fallback): 503/504, not 500.
_DATABASE_ERRORS: tuple[type[Exception], ...] = (
    TimeoutError,
    OSError,
    asyncpg.QueryCanceledError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.CannotConnectNowError,
)


def load_settings() -> Settings:
    """Settings from the environment, or a ``SettingsError`` naming each bad variable."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        raise SettingsError(f"invalid service settings: {problems}") from None


def _configure_logging(level: str) -> None:
    log.setLevel(level)
    if not logging.getLogger().handlers and not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)


def _build_services(settings: Settings) -> Services:
    metrics = ServiceMetrics.create(CollectorRegistry(auto_describe=True))
    primary = TrackedPool(
        client_type="primary",
        dsn=settings.database_url,
        size=settings.db_pool_size_primary,
        metrics=metrics,
    )
    replica = (
        TrackedPool(
            client_type="replica",
            dsn=settings.read_replica_url,
            size=settings.db_pool_size_replica,
            metrics=metrics,
        )
        if settings.read_replica_url is not None
        else None
    )
    lag = (
        ReplicaLagMonitor(
            primary_dsn=settings.database_url,
            replica_dsn=settings.read_replica_url,
            metrics=metrics,
            max_lag_seconds=settings.replica_max_lag_seconds,
        )
        if settings.read_replica_url is not None
        else None
    )
    db = Database(
        primary=primary,
        replica=replica,
        metrics=metrics,
        # A little past the deadline, so the request's own 504 comes first.
        command_timeout=settings.request_deadline_seconds + 0.5,
        lag=lag,
    )
    local = (
        LocalLayer(max_bytes=settings.catalog_local_cache_max_bytes, ttl=settings.local_cache_ttl)
        if settings.catalog_local_cache_max_bytes > 0
        else None
    )
    cache = (
        ResponseCache(
            url=settings.redis_url,
            ttl=settings.catalog_cache_ttl,
            timeout=settings.redis_timeout_seconds,
            metrics=metrics,
            local=local,
            max_offset=settings.catalog_cache_max_offset,
        )
        if settings.redis_url is not None
        else None
    )
    if cache is not None:
        metrics.cache_ttl.set(settings.catalog_cache_ttl)
    return Services(
        settings=settings,
        metrics=metrics,
        db=db,
        cache=cache,
        catalog=CatalogService(db=db, cache=cache),
    )


def _install_error_handlers(app: FastAPI) -> None:
    async def api_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return JSONResponse(exc.body(), status_code=exc.status_code)

    async def http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        body = {"error": {"code": code, "message": str(exc.detail)}}
        headers = dict(exc.headers or {})
        allow = headers.get("Allow", "")
        if "GET" in allow.split(", ") and "HEAD" not in allow:
            headers["Allow"] = f"{allow}, HEAD"  # reference_app.front answers HEAD as GET
        return JSONResponse(body, status_code=exc.status_code, headers=headers or None)

    async def internal_error(_: Request, exc: Exception) -> JSONResponse:
        # The request guard logs the traceback; the body says nothing about internals.
        error = InternalError("internal error; the service logged it")
        return JSONResponse(error.body(), status_code=error.status_code)

    async def validation_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        parameter = str(first["loc"][-1]) if first["loc"] else None
        error = InvalidParameter(f"{parameter}: {first['msg']}", parameter=parameter)
        return JSONResponse(error.body(), status_code=error.status_code)

    async def database_error(_: Request, exc: Exception) -> JSONResponse:
        error: ApiError
        if isinstance(exc, TimeoutError | asyncpg.QueryCanceledError):
            error = DeadlineExceeded("the database did not answer in time; retry later")
        else:
            log.warning("Primary database query failed: %s: %s", type(exc).__name__, exc)
            error = DatabaseUnavailable("the database is unavailable; retry later")
        return JSONResponse(error.body(), status_code=error.status_code)

    for exc_type in _DATABASE_ERRORS:
        app.add_exception_handler(exc_type, database_error)
    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, internal_error)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service; pools and Redis connect in the lifespan, not here."""
    settings = settings if settings is not None else load_settings()
    _configure_logging(settings.log_level)
    services = _build_services(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await services.db.open()
        if services.cache is not None:
            await services.cache.start()  # bounded: a dead Redis never holds start-up
        if services.db.lag is not None:
            await services.db.lag.start()  # a background task: start-up never waits on it
        log.info(
            "Catalog service ready: cache %s, read replica %s, deadline %gs",
            "on" if services.cache is not None else "off",
            "on" if services.db.replica is not None else "off",
            settings.request_deadline_seconds,
        )
        try:
            yield
        finally:
            if services.db.lag is not None:
                await services.db.lag.stop()
            if services.cache is not None:
                await services.cache.close()
            await services.db.close()

    app = CatalogApp(title="Reference catalog service", version="1.0.0", lifespan=lifespan)
    app.state.services = services
    routers = [module.router for module in (health, models, gateways, monitor)]
    for router in routers:
        app.include_router(router)
    _install_error_handlers(app)
    # The routers' own routes, flat: what the metrics label `path` may be.
    api_routes = [route for router in routers for route in router.routes]
    services.metrics.precreate(
        paths=[route.path for route in api_routes if isinstance(route, APIRoute)],
        gateways=GATEWAYS,
    )
    # The guard in front of everything (FastAPI's own error middleware included), then
    # the hot paths; the rest is FastAPI's.
    app.guarded = RequestGuardMiddleware(
        HotPaths(app.framework, catalog=services.catalog),
        metrics=services.metrics,
        deadline_seconds=settings.request_deadline_seconds,
        routes=api_routes,
    )
    return app
