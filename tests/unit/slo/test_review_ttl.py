"""The cache TTL recommendation: the hit rate and the rebuild cost the window showed, read
through the model "a key asked λ/s misses 1/(1+λT)", with its reasoning spelt out."""

from __future__ import annotations

import dataclasses

import pytest

from slo.errors import SourceError
from slo.evaluate import SpecConfig, Window
from slo.query import Increase, OverTime, Query, RawSample
from slo.review.ttl import TtlEvidence, gather, recommend, ttl_advice
from slo.sources import QuerySource
from slo.spec import Resolver

WEEK = 7 * 86400.0
# A healthy week: 1M lookups at 99% hits, 45 ms per rebuild, a primary pool of 5, TTL 300 s.
GOOD = TtlEvidence(
    window_seconds=WEEK,
    hits=990_000,
    misses=10_000,
    rebuild_seconds=0.045,
    pool_size=5,
    ttl_seconds=300,
    ttl_measured=True,
)


def with_(**changes: object) -> TtlEvidence:
    return dataclasses.replace(GOOD, **changes)  # type: ignore[arg-type]


def test_a_comfortable_hit_rate_buys_fresher_data_with_a_worst_case_above_target() -> None:
    advice = recommend(GOOD, hit_rate_target=0.9)
    # 1% misses at 300 s; with half the 10% budget in reserve, misses may grow 5x: 60 s.
    assert advice.ttl_seconds == 60
    text = "\n".join(advice.lines())
    assert "hit rate 99.00% (target 90%) at a TTL of 300s" in text
    assert "at or above 95.00% in the worst case" in text
    assert "data at most 60s old instead of 300s" in text


def test_a_hit_rate_below_target_asks_for_a_longer_ttl_one_bounded_step_at_a_time() -> None:
    advice = recommend(with_(hits=800_000, misses=200_000), hit_rate_target=0.9)
    assert advice.ttl_seconds == 1200  # 300 s x 4 at most; 3600 s would be 12x
    assert "only for keys asked again within 1200s" in "\n".join(advice.lines())


def test_an_expensive_rebuild_on_a_small_pool_keeps_the_ttl_long() -> None:
    advice = recommend(with_(rebuild_seconds=20.0, pool_size=2), hit_rate_target=0.9)
    # 0.0165 misses/s x 20 s = 0.33 connections: 16.5% of the pool at 300 s, over the 10%.
    assert advice.ttl_seconds == 600
    text = "\n".join(advice.lines())
    assert "16.53% of the primary pool of 2" in text
    assert "rebuilds keep more than 10% of the pool busy: 600s" in text


def test_too_few_lookups_give_no_recommendation() -> None:
    advice = recommend(with_(hits=50, misses=10))
    assert advice.ttl_seconds is None
    assert advice.lines()[0] == "cache TTL: no recommendation"


def test_no_misses_at_all_keeps_the_ttl() -> None:
    assert recommend(with_(misses=0)).ttl_seconds == 300


def test_a_ttl_the_service_does_not_export_is_assumed_to_be_the_guides_300s() -> None:
    advice = recommend(with_(ttl_measured=False))
    assert "(assumed: no catalog_cache_ttl_seconds)" in advice.lines()[1]


class Recorded(QuerySource):
    """Answers each query by its metric name; records what was asked."""

    def __init__(self, values: dict[str, float]) -> None:
        self.values = values
        self.asked: list[str] = []

    def read(self, query: Query, start: float, end: float) -> list[RawSample]:
        assert isinstance(query, Increase | OverTime)
        self.asked.append(query.selector.promql())
        value = self.values.get(query.selector.name)
        return [] if value is None else [RawSample(value=value)]


VALUES = {
    "catalog_cache_hits_total": 990_000,
    "catalog_cache_misses_total": 10_000,
    "connection_pool_busy_seconds_total": 450.0,
    "db_queries_total": 10_000,
    "connection_pool_size": 5,
    "catalog_cache_ttl_seconds": 300,
}


def test_the_evidence_is_read_through_the_metric_contract() -> None:
    source = Recorded(VALUES)
    assert gather(source, Resolver(), 0, WEEK) == GOOD
    assert 'db_queries_total{table=~"models|gateways"}' in source.asked
    assert 'connection_pool_size{client_type="primary"}' in source.asked


def test_a_mapping_renames_what_is_read() -> None:
    config = SpecConfig.load(
        spec=None, mapping="slo/criteria/mappings/gatewayz-backend.yaml", profile="production"
    )
    source = Recorded(VALUES)
    gather(source, config.resolver, 0, WEEK)
    assert 'connection_pool_size{pool_name="primary"}' in source.asked


def test_the_review_hook_uses_the_profiles_hit_rate_target() -> None:
    config = SpecConfig.load(spec=None, mapping=None, profile="production")
    run = config.run(window=Window(start=0, end=WEEK), source=Recorded(VALUES))
    assert ttl_advice(run).splitlines()[0] == "cache TTL: recommended 60s"


def test_a_failing_source_gives_no_advice_and_says_why_not_an_error() -> None:
    class Down(QuerySource):
        def read(self, query: Query, start: float, end: float) -> list[RawSample]:
            raise SourceError("http://prometheus:9090: connection refused")

    config = SpecConfig.load(spec=None, mapping=None, profile="production")
    run = config.run(window=Window(start=0, end=WEEK), source=Down())
    assert ttl_advice(run) == (
        "cache TTL: no recommendation\n"
        "  the source failed: http://prometheus:9090: connection refused"
    )


@pytest.mark.parametrize("ttl", [250.0, 300.0])
def test_a_ttl_just_enough_is_kept_not_rounded_up(ttl: float) -> None:
    # 2.5% misses need 2.5% x 2 / 10% = 50% of the TTL... at 4.5% they need 90% of it.
    advice = recommend(with_(hits=955_000, misses=45_000, ttl_seconds=ttl), hit_rate_target=0.9)
    assert advice.ttl_seconds == ttl
