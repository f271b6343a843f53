"""Charts of a window from a real Prometheus (backfilled with the golden datasets) and from
the embedded store over the same samples: the same points, drawn into report.html."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "slo"))

from golden_data import T0, WINDOW, build_datasets, fill_store
from slo_prometheus import run_prometheus

from reports import Report, ReportWindow, TimeSeries, Verdict
from reports.html import render_html
from slo.evaluate import Window
from slo.sources import EmbeddedSource, PrometheusConfig, PrometheusSource, SampleStore
from slo.timeseries import ChartOptions, build_timeseries
from slo.timeutil import to_datetime

DATASETS = build_datasets()
HEALTHY = Window(start=T0, end=T0 + WINDOW)  # hour 0: constant rates
TWO_DAYS = Window(start=T0 + 6 * 3600, end=T0 + 56 * 3600)  # 504s from hour 30 on
PER_MINUTE = ChartOptions(points=10, min_step=60)  # 4 samples of 15 s in each step


@pytest.fixture(scope="module")
def prometheus_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="slo-charts-") as tmp:
        yield from run_prometheus(Path(tmp), DATASETS)


@pytest.fixture(params=["prometheus", "embedded"])
def source(request: pytest.FixtureRequest, prometheus_url: str) -> Any:
    if request.param == "prometheus":
        return PrometheusSource(PrometheusConfig(url=prometheus_url, timeout=10))
    store = SampleStore()
    fill_store(store, DATASETS)
    return EmbeddedSource(store)


def by_id(found: list[TimeSeries]) -> dict[str, TimeSeries]:
    return {s.id: s for s in found}


def values(series: TimeSeries, line: str) -> list[float | None]:
    return [v for _, v in series.lines[line]]


def test_every_chart_of_a_steady_window_has_the_exact_rate_at_each_step(source: Any) -> None:
    charts = by_id(build_timeseries(source, HEALTHY, options=PER_MINUTE))
    assert values(charts["cache_hit_rate"], "hit rate") == pytest.approx([0.95] * 10, abs=1e-9)
    assert values(charts["requests_per_second"], "all requests") == pytest.approx(
        [10000 / WINDOW] * 10
    )
    pools = charts["pool_utilization"]
    assert values(pools, "primary") == pytest.approx([120 / (WINDOW * 5)] * 10)
    assert values(pools, "replica") == pytest.approx([1800 / (WINDOW * 10)] * 10)
    assert values(charts["db_queries"], "primary") == pytest.approx([200 / WINDOW] * 10)
    assert values(charts["timeout_rate"], "504") == pytest.approx([5 / 10000] * 10)
    assert all(
        v is not None and 0.01 < v <= 0.2 for v in values(charts["latency_p95"], "/models P95")
    )


def test_a_burst_of_504s_shows_in_the_step_where_it_happened(source: Any) -> None:
    options = ChartOptions(points=100, min_step=60)  # 30-minute steps over 50 hours
    timeouts = by_id(build_timeseries(source, TWO_DAYS, options=options))["timeout_rate"]
    assert timeouts.step_seconds == 1800
    hits = [t for t, v in timeouts.lines["504"] if v]
    burst = TWO_DAYS.start + 30 * 3600  # 30 hours into the dataset
    assert hits == [to_datetime(burst + 1800)]  # the step (burst, burst + 30 min]


def test_a_report_drawn_from_prometheus_charts_every_series(prometheus_url: str) -> None:
    source = PrometheusSource(PrometheusConfig(url=prometheus_url, timeout=10))
    report = Report(
        verdict=Verdict.PASS,
        exit_code=0,
        profile="staging",
        spec="phase1.yaml",
        source=source.description,
        target="golden dataset 'healthy'",
        window=ReportWindow(start=to_datetime(HEALTHY.start), end=to_datetime(HEALTHY.end)),
        objectives=[],
        generated_at=to_datetime(HEALTHY.end),
        timeseries=build_timeseries(source, HEALTHY, options=ChartOptions(min_step=60)),
    )
    page = render_html(report)
    assert page.count("<svg") == len(report.timeseries) == 6
