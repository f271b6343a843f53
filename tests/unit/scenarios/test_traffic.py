from __future__ import annotations

import itertools
from collections import Counter

import pytest

from scenarios.traffic import (
    DEFAULT_MIX,
    ROUTE_DETAIL,
    ROUTE_FRONT_PAGE,
    ROUTE_GATEWAY_LIST,
    Catalog,
    TrafficModel,
    expected_distinct_share,
    zipf_weights,
)

CATALOG = Catalog(
    gateways=tuple(f"gw{i}" for i in range(30)),
    providers=tuple(f"p{i}" for i in range(40)),
    models=tuple((f"p{i % 40}", f"m{i}") for i in range(200)),
)


def _stream(model: TrafficModel, n: int) -> list[str]:
    return [model.next_request().path for _ in range(n)]


def test_the_same_seed_gives_the_same_stream() -> None:
    assert _stream(TrafficModel(CATALOG, seed=7), 500) == _stream(
        TrafficModel(CATALOG, seed=7), 500
    )


def test_different_seeds_give_different_streams() -> None:
    assert _stream(TrafficModel(CATALOG, seed=1), 200) != _stream(
        TrafficModel(CATALOG, seed=2), 200
    )


def test_the_front_page_is_the_most_common_request() -> None:
    model = TrafficModel(CATALOG, seed=3)
    routes = Counter(model.next_request().name for _ in range(20_000))
    assert routes.most_common(1)[0][0] == ROUTE_FRONT_PAGE
    share = routes[ROUTE_FRONT_PAGE] / 20_000
    expected = DEFAULT_MIX[ROUTE_FRONT_PAGE] / sum(DEFAULT_MIX.values())
    assert share == pytest.approx(expected, abs=0.02)


def test_popularity_is_skewed_towards_a_hot_set() -> None:
    model = TrafficModel(CATALOG, seed=4)
    gateways = Counter(
        r.path
        for r in (model.next_request() for _ in range(20_000))
        if r.name == ROUTE_GATEWAY_LIST
    )
    ranked = [n for _, n in gateways.most_common()]
    # The top 3 of 30 gateways get more traffic than the bottom 20 together.
    assert sum(ranked[:3]) > sum(ranked[-20:])
    assert gateways.most_common(1)[0][0] == "/models?gateway=gw0&limit=10"


def test_detail_paths_name_a_provider_and_a_model_from_the_catalog() -> None:
    model = TrafficModel(CATALOG, seed=5)
    details = [r for r in (model.next_request() for _ in range(2_000)) if r.name == ROUTE_DETAIL]
    assert details
    known = {f"/models/{p}/{m}" for p, m in CATALOG.models}
    assert all(r.path in known for r in details)


def test_an_empty_catalog_degrades_to_the_front_page_and_gateways() -> None:
    model = TrafficModel(Catalog(), seed=1)
    paths = set(_stream(model, 1_000))
    assert "/models?limit=10" in paths
    assert not any(p.startswith("/models/") or "gateway=" in p for p in paths)


def test_an_unknown_route_in_the_mix_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown routes"):
        TrafficModel(CATALOG, mix={"/nope": 1})


def test_zipf_weights_are_cumulative_and_decreasing_in_increment() -> None:
    cum = zipf_weights(5, exponent=1.0)
    steps = [cum[0]] + [b - a for a, b in itertools.pairwise(cum)]
    assert steps == pytest.approx([1.0, 0.5, 1 / 3, 0.25, 0.2])


def test_the_default_model_leaves_room_for_a_hit_rate_above_90_percent() -> None:
    # Every first sight of a URL is a cache miss; over a 5 000-request run the
    # default model repeats itself enough for a >90% hit rate to be reachable.
    share = expected_distinct_share(CATALOG, requests=5_000)
    assert share < 0.10
