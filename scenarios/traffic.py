"""The catalog traffic model: which URLs a user asks for, and how often.

Catalog traffic is dominated by the front page (`/models?limit=10`, the guide's
own example) and a hot set of gateways, providers and models, with a long tail.
Popularity follows a Zipf law over a catalog discovered from the target itself
(`/gateways` and one `/models` page), so the model works against any host that
serves the catalog API, not only the reference service.

The share of distinct URLs in the stream bounds the hit rate a response cache
can reach: `expected_distinct_share` computes it for a given request count.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = [
    "DEFAULT_MIX",
    "Catalog",
    "PlannedRequest",
    "TrafficModel",
    "zipf_weights",
]

# Route names group Locust's statistics per endpoint, not per URL.
ROUTE_FRONT_PAGE = "/models?limit=10"
ROUTE_GATEWAY_LIST = "/models?gateway=[gateway]"
ROUTE_PROVIDER_LIST = "/models?provider=[provider]"
ROUTE_PAGINATION = "/models?limit=[n]&offset=[n]"
ROUTE_DETAIL = "/models/[provider]/[model]"
ROUTE_GATEWAYS = "/gateways"

# Relative weights of each kind of catalog request (health checks are a
# separate, light user class).
DEFAULT_MIX: dict[str, int] = {
    ROUTE_FRONT_PAGE: 50,
    ROUTE_GATEWAY_LIST: 15,
    ROUTE_PROVIDER_LIST: 8,
    ROUTE_PAGINATION: 7,
    ROUTE_DETAIL: 15,
    ROUTE_GATEWAYS: 5,
}

PAGE_SIZE = 20
MAX_PAGE = 10
ZIPF_EXPONENT = 1.1


@dataclass(frozen=True, kw_only=True)
class PlannedRequest:
    """One request of the stream: `name` is the route (stats key), `path` the URL."""

    name: str
    path: str


@dataclass(frozen=True, kw_only=True)
class Catalog:
    """What the traffic model draws parameters from, most popular first."""

    gateways: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    models: tuple[tuple[str, str], ...] = ()  # (provider_slug, model slug)

    @property
    def empty(self) -> bool:
        return not (self.gateways or self.providers or self.models)


def zipf_weights(n: int, exponent: float = ZIPF_EXPONENT) -> list[float]:
    """Cumulative Zipf weights for ranks 1..n (for `random.choices`'s `cum_weights`)."""
    return list(itertools.accumulate(1.0 / (rank**exponent) for rank in range(1, n + 1)))


@dataclass(kw_only=True)
class _Picker:
    items: Sequence[str] | Sequence[tuple[str, str]]
    cum_weights: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.cum_weights = zipf_weights(len(self.items))

    def pick(self, rng: random.Random) -> int:
        total = self.cum_weights[-1]
        return bisect.bisect_left(self.cum_weights, rng.random() * total)


class TrafficModel:
    """A seeded, reproducible stream of catalog requests.

    Kinds whose parameters the catalog cannot supply (no gateways discovered,
    say) fall back to the front page, so the mix degrades rather than fails.
    """

    def __init__(
        self,
        catalog: Catalog,
        *,
        seed: int = 1,
        mix: dict[str, int] | None = None,
    ) -> None:
        self._rng = random.Random(seed)
        self._catalog = catalog
        self._gateways = _Picker(items=catalog.gateways) if catalog.gateways else None
        self._providers = _Picker(items=catalog.providers) if catalog.providers else None
        self._models = _Picker(items=catalog.models) if catalog.models else None
        weights = dict(mix or DEFAULT_MIX)
        unknown = set(weights) - set(DEFAULT_MIX)
        if unknown:
            raise ValueError(f"unknown routes in traffic mix: {sorted(unknown)}")
        self._routes = list(weights)
        self._route_cum = list(itertools.accumulate(weights[r] for r in self._routes))

    def next_request(self) -> PlannedRequest:
        route = self._rng.choices(self._routes, cum_weights=self._route_cum)[0]
        return self._build(route)

    def _build(self, route: str) -> PlannedRequest:
        rng = self._rng
        if route == ROUTE_GATEWAY_LIST and self._gateways:
            gateway = self._catalog.gateways[self._gateways.pick(rng)]
            return PlannedRequest(name=route, path=f"/models?gateway={gateway}&limit=10")
        if route == ROUTE_PROVIDER_LIST and self._providers:
            provider = self._catalog.providers[self._providers.pick(rng)]
            return PlannedRequest(name=route, path=f"/models?provider={provider}&limit=10")
        if route == ROUTE_PAGINATION:
            # Early pages are far more popular than deep ones.
            page = min(int(rng.expovariate(0.6)) + 1, MAX_PAGE)
            offset = page * PAGE_SIZE
            return PlannedRequest(name=route, path=f"/models?limit={PAGE_SIZE}&offset={offset}")
        if route == ROUTE_DETAIL and self._models:
            provider, model = self._catalog.models[self._models.pick(rng)]
            return PlannedRequest(name=route, path=f"/models/{provider}/{model}")
        if route == ROUTE_GATEWAYS:
            return PlannedRequest(name=route, path="/gateways")
        return PlannedRequest(name=ROUTE_FRONT_PAGE, path="/models?limit=10")


def expected_distinct_share(catalog: Catalog, *, requests: int, seed: int = 1) -> float:
    """Share of requests whose URL had not been seen before in a stream of `requests`.

    With a response cache whose TTL outlasts the run, `1 - share` is the best
    hit rate the stream allows (every first sight of a URL is a miss).
    """
    model = TrafficModel(catalog, seed=seed)
    seen: set[str] = set()
    for _ in range(requests):
        seen.add(model.next_request().path)
    return len(seen) / requests if requests else 0.0
