"""Chart series of a window, read from an embedded store filled with known samples."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from reports import ObjectiveResult, Verdict
from slo.errors import SourceError
from slo.evaluate import Window
from slo.slis import RawResult, SliDef
from slo.sources import EmbeddedSource, SampleStore
from slo.timeseries import ChartOptions, build_timeseries, chart_step, with_timeseries

T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z
MINUTES = 10
BAD_MINUTE = 6  # misses jump in the 7th minute: hit rate 50% there
EDGES = ("0.05", "0.1", "0.2", "0.5", "+Inf")


def _store() -> SampleStore:
    """One scrape per second for 10 minutes; every rate is constant within a minute."""
    store = SampleStore()
    hits = misses = ok = timeouts = primary = replica = busy_p = busy_r = 0.0
    buckets = dict.fromkeys(EDGES, 0.0)
    for second in range(MINUTES * 60 + 1):
        minute = (second - 1) // 60
        if second:
            bad = minute == BAD_MINUTE
            hits += 9
            misses += 9 if bad else 1
            ok += 19 if bad else 20
            timeouts += 1 if bad else 0
            primary += 1
            replica += 4
            busy_p += 0.5  # pool of 5: 10% busy
            busy_r += 5.0  # pool of 10: 50% busy
            # 20 /models requests a second: 19 under 0.1 s, 1 at 0.5 s (P95 = 0.1 s)
            for edge, share in zip(EDGES, (10, 19, 19, 20, 20), strict=True):
                buckets[edge] += share
        samples: list[tuple[str, dict[str, str], float]] = [
            ("catalog_cache_hits_total", {"gateway": "all"}, hits),
            ("catalog_cache_misses_total", {"gateway": "all"}, misses),
            ("http_requests_total", {"method": "GET", "path": "/models", "status": "200"}, ok),
            (
                "http_requests_total",
                {"method": "GET", "path": "/models", "status": "504"},
                timeouts,
            ),
            ("db_queries_total", {"client_type": "primary", "table": "models"}, primary),
            ("db_queries_total", {"client_type": "replica", "table": "models"}, replica),
            ("connection_pool_busy_seconds_total", {"client_type": "primary"}, busy_p),
            ("connection_pool_busy_seconds_total", {"client_type": "replica"}, busy_r),
            ("connection_pool_size", {"client_type": "primary"}, 5.0),
            ("connection_pool_size", {"client_type": "replica"}, 10.0),
        ]
        samples += [
            (
                "http_request_duration_seconds_bucket",
                {"method": "GET", "path": "/models", "le": e},
                v,
            )
            for e, v in buckets.items()
        ]
        store.add_samples(T0 + second, samples)
    return store


WINDOW = Window(start=T0, end=T0 + MINUTES * 60)
PER_MINUTE = ChartOptions(points=MINUTES, min_step=60)


def charts(**extra: object) -> dict[str, object]:
    found = build_timeseries(EmbeddedSource(_store()), WINDOW, options=PER_MINUTE, **extra)  # type: ignore[arg-type]
    return {s.id: s for s in found}


def values(series: object, line: str) -> list[float | None]:
    return [v for _, v in series.lines[line]]  # type: ignore[attr-defined]


def test_the_step_is_the_nicest_one_giving_at_most_the_wanted_number_of_points() -> None:
    assert chart_step(Window(start=0, end=600), ChartOptions(points=120, min_step=1)) == 5
    assert chart_step(Window(start=0, end=7 * 86400), ChartOptions(points=200)) == 3600
    assert chart_step(Window(start=0, end=600), ChartOptions(points=600, min_step=15)) == 15


def test_the_hit_rate_chart_has_one_point_per_minute_and_shows_the_bad_minute() -> None:
    series = charts()["cache_hit_rate"]
    hit = values(series, "hit rate")
    assert len(hit) == MINUTES
    assert hit[BAD_MINUTE] == pytest.approx(0.5)
    assert all(v == pytest.approx(0.9) for i, v in enumerate(hit) if i != BAD_MINUTE)
    first = series.lines["hit rate"][0][0]  # type: ignore[attr-defined]
    assert first == datetime(2026, 1, 1, 0, 1, tzinfo=UTC)  # a point sits at its step's end


def test_pool_utilization_is_exact_per_client_type() -> None:
    series = charts()["pool_utilization"]
    assert values(series, "primary") == pytest.approx([0.1] * MINUTES)
    assert values(series, "replica") == pytest.approx([0.5] * MINUTES)


def test_the_timeout_chart_stacks_499_and_504_shares() -> None:
    series = charts()["timeout_rate"]
    assert series.style == "stacked"  # type: ignore[attr-defined]
    assert values(series, "504")[BAD_MINUTE] == pytest.approx(1 / 20)
    assert values(series, "499")[BAD_MINUTE] == 0


def test_requests_and_database_queries_are_per_second() -> None:
    found = charts()
    assert values(found["requests_per_second"], "all requests") == pytest.approx([20.0] * MINUTES)
    assert values(found["db_queries"], "primary") == pytest.approx([1.0] * MINUTES)
    assert values(found["db_queries"], "replica") == pytest.approx([4.0] * MINUTES)


def test_the_p95_chart_reads_the_models_histogram() -> None:
    p95 = values(charts()["latency_p95"], "/models P95")
    assert all(v is not None and 0.05 < v <= 0.1 for v in p95)


def test_thresholds_come_from_the_judged_objectives_and_apply_to_their_line() -> None:
    judged = ObjectiveResult(
        id="replica_pool_utilization",
        description="x",
        verdict=Verdict.PASS,
        reason="",
        value=0.5,
        threshold=0.7,
        comparator="<",
        unit="ratio",
        gating=True,
        kind="utilization",
        query="",
    )
    series = charts(objectives=[judged])["pool_utilization"]
    [threshold] = series.thresholds  # type: ignore[attr-defined]
    assert (threshold.value, threshold.comparator, threshold.line) == (0.7, "<", "replica")
    assert charts()["pool_utilization"].thresholds == []  # type: ignore[attr-defined]


def test_client_latency_is_drawn_beside_the_server_histogram_when_given() -> None:
    asked: list[tuple[float, float]] = []

    def client_p95(start: float, end: float) -> float | None:
        asked.append((start, end))
        return 120.0

    series = charts(client_p95=client_p95)["client_vs_server_latency"]
    assert values(series, "client (Locust)") == pytest.approx([0.12] * MINUTES)
    assert asked[0] == (T0, T0 + 60)
    assert "client_vs_server_latency" not in charts()


class _Broken:
    kind = "prometheus"
    description = "broken"

    def fetch(self, sli: SliDef, start: float, end: float) -> tuple[RawResult, dict[str, str]]:
        raise SourceError("Prometheus at http://prom failed")

    def fetch_slices(self, sli: SliDef, ends: list[float], size: float) -> list[RawResult]:
        raise SourceError("Prometheus at http://prom failed")


def test_a_source_that_fails_leaves_empty_charts_with_the_reason_instead_of_raising() -> None:
    found = build_timeseries(_Broken(), WINDOW, options=PER_MINUTE)
    assert found and all(not s.has_data for s in found)
    assert all("Prometheus at http://prom failed" in s.note for s in found)


def test_with_timeseries_adds_the_charts_to_a_report() -> None:
    from reports import Report, ReportWindow

    report = Report(
        verdict=Verdict.PASS,
        exit_code=0,
        profile="staging",
        spec="s",
        source="e",
        target="",
        window=ReportWindow(
            start=datetime(2026, 1, 1, tzinfo=UTC), end=datetime(2026, 1, 1, 0, 10, tzinfo=UTC)
        ),
        objectives=[],
        generated_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    charted = with_timeseries(report, EmbeddedSource(_store()), WINDOW, options=PER_MINUTE)
    assert [s.id for s in charted.timeseries][:2] == ["cache_hit_rate", "latency_p95"]
    assert not math.isnan(values(charted.timeseries[0], "hit rate")[0] or math.nan)


def test_the_hit_rate_chart_reads_the_objective_so_caching_off_draws_0_percent_not_gaps() -> None:
    # Caching off: /models is served, the cache counters exist but never move. The gate
    # judges that as a 0% hit rate (its SLI has a traffic term); the chart must agree.
    store = SampleStore()
    for second in range(3 * 60 + 1):
        store.add_samples(
            T0 + second,
            [
                ("catalog_cache_hits_total", {"gateway": "all"}, 0.0),
                ("catalog_cache_misses_total", {"gateway": "all"}, 0.0),
                ("http_requests_total", {"method": "GET", "path": "/models", "status": "200"},
                 20.0 * second),
            ],
        )  # fmt: skip
    window = Window(start=T0, end=T0 + 180)
    found = build_timeseries(
        EmbeddedSource(store), window, options=ChartOptions(points=3, min_step=60)
    )
    (hit_rate,) = [s for s in found if s.id == "cache_hit_rate"]
    values = [value for _, value in hit_rate.lines["hit rate"]]
    assert values == [0.0, 0.0, 0.0]


def test_a_line_naming_an_objective_the_spec_lacks_leaves_the_chart_empty_with_a_note() -> None:
    from slo.spec import Spec

    spec = Spec(version="slo-harness/v1", name="bare", profiles={})
    found = build_timeseries(EmbeddedSource(_store()), WINDOW, options=PER_MINUTE, spec=spec)
    (hit_rate,) = [s for s in found if s.id == "cache_hit_rate"]
    assert not hit_rate.lines
    assert "no objective 'cache_hit_rate'" in hit_rate.note
