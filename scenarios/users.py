"""Locust users that drive the catalog endpoints.

`CatalogUser` is a browsing user: the traffic model of `traffic.py`, with think
time. `AbUser` is the guide's Step 4 (`ab -n 1000 -c 50`): the front page with
no think time. `HealthChecker` is a light uptime probe on `/health`.

Each process discovers the catalog once from the target (`/gateways` and one
`/models` page), so the users work against any host serving the catalog API.
A request slower than the client timeout is given up: Locust counts it as a
failure and the gate's recorder as a timeout
(`ClientTimeoutError`), and the server should log a 499.
"""

from __future__ import annotations

import itertools
import logging
import socket
from typing import Any, ClassVar

import gevent
from locust import FastHttpUser, between, constant, task

from scenarios.recorder import ClientTimeoutError
from scenarios.traffic import ROUTE_FRONT_PAGE, Catalog, TrafficModel

__all__ = ["AbUser", "CatalogUser", "HealthChecker", "discover_catalog"]

log = logging.getLogger(__name__)

DEFAULT_CLIENT_TIMEOUT = 10.0
DISCOVERY_PAGE = 200
_TIMEOUT_ERRORS = (socket.timeout, TimeoutError, gevent.Timeout)


def _option(environment: Any, name: str, default: Any) -> Any:
    options = getattr(environment, "parsed_options", None)
    value = getattr(options, name, None) if options is not None else None
    return default if value is None else value


def _is_timeout(error: object) -> bool:
    return isinstance(error, _TIMEOUT_ERRORS) or "timed out" in str(error).lower()


def discover_catalog(client: Any) -> Catalog:
    """Read gateways, providers and models (most popular first) from the target."""
    gateways: list[str] = []
    models: list[tuple[str, str]] = []
    with client.get("/gateways", name="[discovery] /gateways", catch_response=True) as resp:
        if resp.status_code == 200:
            body = resp.json()
            items = body.get("data", body) if isinstance(body, dict) else body
            for item in items or []:
                slug = item.get("slug") or item.get("id") if isinstance(item, dict) else item
                if isinstance(slug, str):
                    gateways.append(slug)
        else:
            resp.failure(f"discovery: /gateways answered {resp.status_code}")
    url = f"/models?limit={DISCOVERY_PAGE}"
    with client.get(url, name="[discovery] /models", catch_response=True) as resp:
        if resp.status_code == 200:
            for item in resp.json().get("data", []):
                model_id = str(item.get("id", ""))
                provider, _, slug = model_id.partition("/")
                if slug:
                    models.append((provider, slug))
                elif model_id and item.get("provider_slug"):
                    models.append((str(item["provider_slug"]), model_id))
        else:
            resp.failure(f"discovery: /models answered {resp.status_code}")
    providers = list(dict.fromkeys(provider for provider, _ in models))
    return Catalog(gateways=tuple(gateways), providers=tuple(providers), models=tuple(models))


class _CatalogClientUser(FastHttpUser):
    abstract = True
    network_timeout = DEFAULT_CLIENT_TIMEOUT
    connection_timeout = DEFAULT_CLIENT_TIMEOUT

    def __init__(self, environment: Any) -> None:
        timeout = float(_option(environment, "client_timeout", DEFAULT_CLIENT_TIMEOUT))
        self.network_timeout = timeout
        self.connection_timeout = timeout
        super().__init__(environment)

    def _get(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as resp:
            error = getattr(resp, "error", None)  # set only when the request itself failed
            if error is not None and _is_timeout(error):
                resp.failure(ClientTimeoutError(f"client timeout after {self.network_timeout:g} s"))
            elif resp.status_code >= 400 or resp.status_code == 0:
                resp.failure(f"HTTP {resp.status_code}")


class CatalogUser(_CatalogClientUser):
    """A person browsing the catalog: the traffic model, with think time."""

    weight = 10
    wait_time = between(0.25, 0.75)
    _catalog: ClassVar[Catalog | None] = None  # discovered once per process
    _ids: ClassVar[itertools.count[int]] = itertools.count()

    def on_start(self) -> None:
        cls = type(self)
        if cls._catalog is None:
            cls._catalog = discover_catalog(self.client)
            if cls._catalog.empty:
                log.warning("catalog discovery found nothing; users will ask for the front page")
        seed = int(_option(self.environment, "traffic_seed", 1))
        worker = int(getattr(self.environment.runner, "worker_index", 0) or 0)
        self.traffic = TrafficModel(
            cls._catalog, seed=seed * 100_003 + worker * 1_009 + next(cls._ids)
        )

    @task
    def browse(self) -> None:
        planned = self.traffic.next_request()
        self._get(planned.path, planned.name)


class AbUser(_CatalogClientUser):
    """The guide's `ab -n 1000 -c 50`: the front page, no think time."""

    weight = 1  # the shapes pick their user classes: only `ab` asks for this one
    wait_time = constant(0)

    @task
    def front_page(self) -> None:
        self._get("/models?limit=10", ROUTE_FRONT_PAGE)


class HealthChecker(_CatalogClientUser):
    """One light probe of `/health` every few seconds, like a load balancer's."""

    fixed_count = 1
    wait_time = constant(5)

    @task
    def health(self) -> None:
        self._get("/health", "/health")
