"""The app factory, without servers: nothing connects at build time, bad input is 4xx JSON."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from reference_app import Settings, create_app

# Nothing listens on port 1; the lifespan is not run, so the pools stay closed.
SETTINGS = Settings(DATABASE_URL="postgresql://nobody@127.0.0.1:1/none", REQUEST_DEADLINE_SECONDS=2)


@pytest.fixture
def app() -> FastAPI:
    return create_app(SETTINGS)


def get(app: FastAPI, url: str, method: str = "GET") -> httpx.Response:
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.request(method, url)

    return asyncio.run(call())


def test_building_the_app_connects_to_nothing(app: FastAPI) -> None:
    assert not app.state.services.db.primary.is_open


def test_two_apps_do_not_share_a_registry() -> None:
    a, b = create_app(SETTINGS), create_app(SETTINGS)
    assert a.state.services.metrics.registry is not b.state.services.metrics.registry


def test_bad_query_parameters_are_400_json_before_any_database_work(app: FastAPI) -> None:
    response = get(app, "/models?limit=-1")
    assert response.status_code == 400
    assert response.json()["error"]["parameter"] == "limit"


def test_unknown_paths_and_methods_are_json(app: FastAPI) -> None:
    assert get(app, "/nope").json()["error"]["code"] == "not_found"
    response = get(app, "/models", method="POST")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_health_needs_no_database(app: FastAPI) -> None:
    assert get(app, "/health").json() == {"status": "healthy"}
