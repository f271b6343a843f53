"""Golden tests: every SLI and objective against a real Prometheus loaded with known data,
and the embedded source held to the same numbers over the same samples."""

from __future__ import annotations

import math
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "slo"))

from golden_data import T0, WINDOW, build_datasets, fill_store
from slo_prometheus import run_prometheus

from reports import Verdict
from slo.evaluate import Evaluation, Window, evaluate
from slo.slis import ClientStats, EndpointStats, SliDef, build_sli
from slo.sources import EmbeddedSource, PrometheusConfig, PrometheusSource, SampleStore
from slo.spec import Resolver, Sli, default_spec_path, load_spec

DATASETS = build_datasets()
HOUR = {"healthy": 0, "failing": 1, "sparse": 2, "edge": 3, "cache_off": 4}
SPEC = load_spec(default_spec_path())


def window_of(name: str) -> Window:
    start = T0 + HOUR[name] * 3600
    return Window(start=start, end=start + WINDOW)


@pytest.fixture(scope="session")
def prometheus_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="slo-golden-") as tmp:
        yield from run_prometheus(Path(tmp), DATASETS)


@pytest.fixture(scope="session")
def embedded() -> EmbeddedSource:
    store = SampleStore()
    fill_store(store, DATASETS)
    return EmbeddedSource(store)


@pytest.fixture(params=["prometheus", "embedded"])
def source(request: pytest.FixtureRequest, prometheus_url: str, embedded: EmbeddedSource) -> Any:
    if request.param == "prometheus":
        return PrometheusSource(PrometheusConfig(url=prometheus_url, timeout=5))
    return embedded


def sli(block: dict[str, Any]) -> SliDef:
    built = build_sli(TypeAdapter(Sli).validate_python(block), Resolver())
    assert isinstance(built, SliDef)
    return built


HIST = {"metric": "http_request_duration", "match": {"path": "/models"}}
HIT_RATE = {
    "kind": "ratio",
    "numerator": [{"metric": "cache_hits"}],
    "denominator": [{"metric": "cache_hits"}, {"metric": "cache_misses"}],
}
PRIMARY = {"client_type": "primary"}

# dataset, sli block, value, (lower, upper) or None
SLI_CASES = [
    ("healthy", HIT_RATE, 0.95, None),  # misses restart mid-window: the reset is counted
    (
        "healthy",
        {
            "kind": "ratio",
            "numerator": [{"metric": "http_requests", "match_re": {"status": "499|504"}}],
            "denominator": [{"metric": "http_requests"}],
        },
        0.0005,
        None,
    ),
    (
        "healthy",
        {
            "kind": "ratio",
            "numerator": [{"metric": "db_queries", "match": {"client_type": "replica"}}],
            "denominator": [{"metric": "db_queries"}],
        },
        0.8,
        None,
    ),
    ("healthy", {"kind": "quantile", "quantile": 0.95, "histogram": HIST}, 0.1, (0.05, 0.1)),
    ("healthy", {"kind": "quantile", "quantile": 0.7, "histogram": HIST}, 0.02, (0.01, 0.025)),
    ("failing", {"kind": "quantile", "quantile": 0.95, "histogram": HIST}, 1.0, (1.0, math.inf)),
    ("healthy", {"kind": "fraction_under", "le": 0.1, "histogram": HIST}, 0.95, None),
    ("healthy", {"kind": "fraction_under", "le": 0.15, "histogram": HIST}, 0.97, (0.95, 0.99)),
    (
        "healthy",
        {
            "kind": "gauge",
            "aggregation": "max",
            "gauge": {"metric": "pool_utilization", "match": PRIMARY},
        },
        0.6,
        None,
    ),
    (
        "healthy",
        {
            "kind": "gauge",
            "aggregation": "mean",
            "gauge": {"metric": "pool_utilization", "match": PRIMARY},
        },
        12.2 / 41,
        None,
    ),
    (
        "healthy",
        {
            "kind": "gauge",
            "aggregation": "p95",
            "gauge": {"metric": "pool_utilization", "match": PRIMARY},
        },
        0.6,
        None,
    ),
    (
        "healthy",
        {
            "kind": "utilization",
            "busy": {"metric": "pool_busy_seconds", "match": PRIMARY},
            "size": {"metric": "pool_size", "match": PRIMARY},
        },
        0.04,
        None,
    ),
    (
        "failing",
        {
            "kind": "utilization",
            "busy": {"metric": "pool_busy_seconds", "match": {"client_type": "replica"}},
            "size": {"metric": "pool_size", "match": {"client_type": "replica"}},
        },
        0.8,
        None,
    ),
    ("healthy", {"kind": "availability", "up": {"metric": "up"}}, 1.0, None),
    ("failing", {"kind": "availability", "up": {"metric": "up"}}, 37 / 41, None),
]


@pytest.mark.parametrize(("dataset", "block", "value", "bounds"), SLI_CASES)
def test_each_sli_measures_the_exact_expected_value(
    source: Any,
    dataset: str,
    block: dict[str, Any],
    value: float,
    bounds: tuple[float, float] | None,
) -> None:
    definition = sli(block)
    w = window_of(dataset)
    raw, _ = source.fetch(definition, w.start, w.end)
    m = definition.measure(raw, duration=w.duration)
    assert m.value == pytest.approx(value, rel=1e-12)
    if bounds is None:
        assert (m.lower, m.upper) == (None, None)
    else:
        assert (m.lower, m.upper) == pytest.approx(bounds)


def test_the_p95_from_buckets_equals_prometheus_histogram_quantile(prometheus_url: str) -> None:
    prom = PrometheusSource(PrometheusConfig(url=prometheus_url, timeout=5))
    end = window_of("healthy").end
    buckets = f"increase(http_request_duration_seconds_bucket[600s] @ {end})"
    q = f"histogram_quantile(0.7, sum by (le) ({buckets}))"
    assert prom.instant(q)[0].value == pytest.approx(0.02, rel=1e-12)


def test_a_missing_metric_gives_no_value_and_names_the_series(source: Any) -> None:
    definition = sli(HIT_RATE)
    w = window_of("sparse")
    raw, _ = source.fetch(definition, w.start, w.end)
    m = definition.measure(raw, duration=w.duration)
    assert m.value is None
    assert "catalog_cache_hits_total" in m.missing


def judge(source: Any, profile: str, dataset: str, **extra: Any) -> dict[str, tuple[Verdict, str]]:
    report = evaluate(
        Evaluation(
            spec=SPEC,
            spec_label="phase1.yaml",
            profile=profile,
            window=window_of(dataset),
            source=source,
            **extra,
        )
    )
    return {r.id: (r.verdict, r.reason) for r in report.objectives} | {"_": (report.verdict, "")}


P, F, INC, S = Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE, Verdict.SKIPPED
VERDICT_CASES = [
    (
        "staging",
        "healthy",
        {
            "cache_hit_rate": P,
            "latency_p95": P,
            "primary_pool_utilization": P,
            "replica_pool_utilization": P,
            "timeout_error_rate": P,
            "error_rate_increase": S,
            "no_timeout_errors_48h": S,
            "_": P,
        },
    ),
    (
        "staging",
        "failing",
        {
            "cache_hit_rate": F,
            "latency_p95": F,
            "primary_pool_utilization": F,
            "replica_pool_utilization": F,
            "timeout_error_rate": F,
            "_": F,
        },
    ),
    (
        "staging",
        "sparse",
        {
            "cache_hit_rate": INC,
            "latency_p95": INC,
            "primary_pool_utilization": INC,
            "timeout_error_rate": INC,
            "_": INC,
        },
    ),
    ("staging", "edge", {"cache_hit_rate": F, "timeout_error_rate": F}),
    (
        "production",
        "healthy",
        {
            "cache_hit_rate": S,
            "latency_p95": P,
            "primary_pool_utilization": P,
            "replica_query_share": P,
            "uptime": P,
            "_": P,
        },
    ),
    (
        "production",
        "failing",
        {
            "latency_p95": F,
            "primary_pool_utilization": F,
            "replica_query_share": F,
            "uptime": F,
            "_": F,
        },
    ),
    ("production", "sparse", {"replica_query_share": INC, "uptime": INC, "_": INC}),
    ("production", "edge", {"latency_p95": P, "replica_query_share": P}),
]


@pytest.mark.parametrize(("profile", "dataset", "expected"), VERDICT_CASES)
def test_each_objective_passes_fails_or_is_inconclusive_on_its_dataset(
    source: Any, profile: str, dataset: str, expected: dict[str, Verdict]
) -> None:
    found = judge(source, profile, dataset)
    assert {k: found[k][0] for k in expected} == expected


def test_a_p95_in_the_inf_bucket_fails_rather_than_passing_capped(source: Any) -> None:
    verdict, reason = judge(source, "staging", "failing")["latency_p95"]
    assert verdict == F
    assert "+Inf bucket" in reason


def test_caching_off_fails_the_hit_rate_instead_of_leaving_it_undefined(source: Any) -> None:
    found = judge(source, "staging", "cache_off")
    verdict, reason = found["cache_hit_rate"]
    assert (verdict, found["latency_p95"][0]) == (F, F)
    assert reason == (
        "0% is not > 90% (catalog_cache_hits_total + catalog_cache_misses_total counted nothing"
        " while the service served 5000 requests)"
    )


def test_too_few_requests_is_inconclusive_and_says_how_many(source: Any) -> None:
    verdict, reason = judge(source, "staging", "sparse")["timeout_error_rate"]
    assert (verdict, reason.split(" (")[0]) == (
        INC,
        "only 40 requests in the window, need at least 100",
    )


def test_a_baseline_window_with_fewer_errors_fails_no_increase(source: Any) -> None:
    base = window_of("healthy")
    verdict, reason = judge(source, "staging", "failing", baseline_window=base)[
        "error_rate_increase"
    ]
    assert verdict == F
    assert reason.startswith("not no increase: 0.2% vs baseline 0.05%")


def test_a_baseline_window_with_more_errors_passes_no_increase(source: Any) -> None:
    base = window_of("failing")
    verdict, _ = judge(source, "staging", "healthy", baseline_window=base)["error_rate_increase"]
    assert verdict == P


def test_client_and_server_counts_that_disagree_make_server_objectives_inconclusive(
    source: Any,
) -> None:
    row = EndpointStats(name="Aggregated", requests=5000, failures=0, mean_ms=10, rps=8.3)
    found = judge(source, "staging", "healthy", client=ClientStats(rows={"Aggregated": row}))
    verdict, reason = found["cache_hit_rate"]
    assert verdict == INC
    assert reason.startswith("client sent 5000 requests, server counted 10000")


def test_client_and_server_counts_that_agree_change_nothing(source: Any) -> None:
    row = EndpointStats(name="Aggregated", requests=10000, failures=0, mean_ms=10, rps=16.7)
    found = judge(source, "staging", "healthy", client=ClientStats(rows={"Aggregated": row}))
    assert found["cache_hit_rate"][0] == P


def test_the_48_hour_objective_lists_the_one_failing_hour(source: Any) -> None:
    start = T0 + 6 * 3600
    report = evaluate(
        Evaluation(
            spec=SPEC,
            spec_label="phase1.yaml",
            profile="staging",
            window=Window(start=start, end=start + 50 * 3600),
            source=source,
        )
    )
    result = report.objective("no_timeout_errors_48h")
    assert result.verdict == F
    assert len(result.slices) == 50
    assert [s.start.timestamp() for s in result.failing_slices] == [start + 30 * 3600]
