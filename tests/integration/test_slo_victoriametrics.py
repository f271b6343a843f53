"""VictoriaMetrics as the gate's source: the golden datasets of ``test_slo_golden`` imported
into a real VictoriaMetrics give the verdicts, and values within 1%, that a real Prometheus
holding the same samples gives; where MetricsQL answers differently (docs/long-term-stores.md)
the difference is shown; and a 30-day ``slo review`` runs against it.

Both servers run on 127.0.0.1 with their own temp storage and stop at the end of the module.
"""

from __future__ import annotations

import json
import math
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "slo"))

import test_slo_golden as golden
from review_data import DAY, END, week
from slo_prometheus import run_prometheus
from slo_victoriametrics import BINARY, run_victoriametrics

from reports import Report
from slo.cli import main
from slo.evaluate import Evaluation, Window, evaluate
from slo.query import Increase
from slo.sources import PrometheusConfig, PrometheusSource
from slo.spec import Resolver, Selector

pytestmark = pytest.mark.skipif(
    shutil.which(BINARY) is None, reason="victoria-metrics not installed (make bootstrap)"
)


def _served(run: Callable[..., Iterator[str]], *flags: str) -> Iterator[PrometheusSource]:
    with tempfile.TemporaryDirectory(prefix="slo-vm-golden-") as tmp:
        server = run(Path(tmp), golden.DATASETS, **({"flags": flags} if flags else {}))
        with closing(server):
            yield PrometheusSource(PrometheusConfig(url=next(server), timeout=5))


@pytest.fixture(scope="module")
def prometheus() -> Iterator[PrometheusSource]:
    yield from _served(run_prometheus)


@pytest.fixture(scope="module")
def victoria() -> Iterator[PrometheusSource]:
    yield from _served(run_victoriametrics)


def measure(source: PrometheusSource, dataset: str, block: dict[str, Any]) -> Any:
    definition = golden.sli(block)
    w = golden.window_of(dataset)
    raw, _ = source.fetch(definition, w.start, w.end)
    return definition.measure(raw, duration=w.duration)


def _case_id(case: tuple[str, dict[str, Any], float, Any]) -> str:
    dataset, block, _, _ = case
    detail = block.get("aggregation") or block.get("quantile") or block.get("le") or ""
    return f"{dataset}-{block['kind']}{detail}"


# The one golden SLI VictoriaMetrics answers more than 1% away from Prometheus: a gauge's
# mean over a window with a sample exactly on its start (see the left-open test below).
LEFT_OPEN_MEAN = ("healthy", "gauge", "mean")


@pytest.mark.parametrize("case", golden.SLI_CASES, ids=[_case_id(c) for c in golden.SLI_CASES])
def test_each_golden_sli_is_within_1pct_of_prometheus(
    prometheus: PrometheusSource, victoria: PrometheusSource, case: Any
) -> None:
    dataset, block, _, _ = case
    prom, vm = measure(prometheus, dataset, block), measure(victoria, dataset, block)
    assert (vm.lower, vm.upper) == (prom.lower, prom.upper)
    if (dataset, block["kind"], block.get("aggregation")) == LEFT_OPEN_MEAN:
        assert vm.value == pytest.approx(prom.value * 41 / 40, rel=1e-12)
    else:
        assert vm.value == pytest.approx(prom.value, rel=0.01)


def _judged(source: PrometheusSource, profile: str, dataset: str) -> Report:
    return evaluate(
        Evaluation(
            spec=golden.SPEC,
            spec_label="phase1.yaml",
            profile=profile,
            window=golden.window_of(dataset),
            source=source,
        )
    )


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None or math.isnan(a) or math.isnan(b):
        return (a is None or math.isnan(a)) == (b is None or math.isnan(b))
    return math.isclose(a, b, rel_tol=0.01)


@pytest.mark.parametrize(
    ("profile", "dataset", "expected"),
    golden.VERDICT_CASES,
    ids=[f"{profile}-{dataset}" for profile, dataset, _ in golden.VERDICT_CASES],
)
def test_every_objective_gets_prometheus_verdict_and_value_within_1pct(
    prometheus: PrometheusSource,
    victoria: PrometheusSource,
    profile: str,
    dataset: str,
    expected: dict[str, Any],
) -> None:
    prom, vm = _judged(prometheus, profile, dataset), _judged(victoria, profile, dataset)
    assert vm.verdict == prom.verdict
    assert [(o.id, o.verdict) for o in vm.objectives] == [
        (o.id, o.verdict) for o in prom.objectives
    ]
    assert {o.id: o.verdict for o in vm.objectives if o.id in expected} == {
        k: v for k, v in expected.items() if k != "_"
    }
    for ours, theirs in zip(vm.objectives, prom.objectives, strict=True):
        assert _same(ours.value, theirs.value), (ours.id, ours.value, theirs.value)


@pytest.mark.parametrize(
    "check",
    [
        golden.test_caching_off_fails_the_hit_rate_instead_of_leaving_it_undefined,
        golden.test_too_few_requests_is_inconclusive_and_says_how_many,
        golden.test_a_p95_in_the_inf_bucket_fails_rather_than_passing_capped,
        golden.test_a_baseline_window_with_fewer_errors_fails_no_increase,
        golden.test_a_baseline_window_with_more_errors_passes_no_increase,
        golden.test_client_and_server_counts_that_disagree_make_server_objectives_inconclusive,
        golden.test_client_and_server_counts_that_agree_change_nothing,
        golden.test_a_missing_metric_gives_no_value_and_names_the_series,
        golden.test_the_48_hour_objective_lists_the_one_failing_hour,
    ],
    ids=lambda f: f.__name__.removeprefix("test_")[:40],
)
def test_the_golden_behaviours_hold_on_victoriametrics(
    victoria: PrometheusSource, check: Callable[[PrometheusSource], None]
) -> None:
    check(victoria)


def test_slo_check_exits_as_on_prometheus_with_the_same_report_values(
    prometheus: PrometheusSource, victoria: PrometheusSource, tmp_path: Path
) -> None:
    w = golden.window_of("healthy")
    found = {}
    for name, source in (("prometheus", prometheus), ("victoria", victoria)):
        args = ["--start", str(w.start), "--end", str(w.end), "--report-dir", str(tmp_path / name)]
        code = main(["check", "--profile", "staging", "--prometheus-url", source.config.url, *args])
        report = json.loads((tmp_path / name / "report.json").read_text(encoding="utf-8"))
        found[name] = (code, {o["id"]: (o["verdict"], o["value"]) for o in report["objectives"]})
    assert found["victoria"][0] == found["prometheus"][0] == 0
    assert found["victoria"][1] == found["prometheus"][1]


# ---- Where MetricsQL answers differently (docs/long-term-stores.md#victoriametrics) ----


def _hits(source: PrometheusSource, start: float, end: float) -> float:
    selector = Resolver().resolve(Selector(metric="cache_hits"))
    return source.read(Increase(selector=selector), start, end)[0].value


def test_increase_is_not_extrapolated_past_the_last_sample(
    prometheus: PrometheusSource, victoria: PrometheusSource
) -> None:
    w = golden.window_of("healthy")  # hits rise 9500 over the window, sampled every 15 s
    # Windows on the samples: both count exactly what the counter rose.
    assert _hits(prometheus, w.start, w.end) == _hits(victoria, w.start, w.end) == 9500
    # A window running 5 minutes past the last sample (a target that stopped answering):
    # the counter rose 4750 in the half that has samples. Prometheus extrapolates its 285 s
    # of samples half an interval beyond them (and 15 s back to the window's start);
    # VictoriaMetrics counts from the sample before the window to the last one.
    late = (w.end - 300, w.end + 300)
    assert _hits(prometheus, *late) == pytest.approx(4750 * 285 / 300 * 307.5 / 285)  # 4868.75
    assert _hits(victoria, *late) == 4750


def test_a_sample_on_the_windows_start_is_left_out(
    prometheus: PrometheusSource, victoria: PrometheusSource
) -> None:
    # Prometheus 2.x ranges are [start, end]; VictoriaMetrics' (and Prometheus 3's) are
    # (start, end]: of the 41 samples of a 10-minute window, 40 are counted.
    mean = {"kind": "gauge", "aggregation": "mean"} | {
        "gauge": {"metric": "pool_utilization", "match": {"client_type": "primary"}}
    }
    assert measure(prometheus, "healthy", mean).value == pytest.approx(12.2 / 41)
    assert measure(victoria, "healthy", mean).value == pytest.approx(12.2 / 40)  # +2.5%
    uptime = {"kind": "availability", "up": {"metric": "up"}}
    assert measure(prometheus, "failing", uptime).value == pytest.approx(37 / 41)
    assert measure(victoria, "failing", uptime).value == pytest.approx(36 / 40)  # -0.27%
    end = golden.window_of("healthy").end
    count = f'count_over_time(up{{job="service"}}[600s] @ {end})'
    assert [s.value for s in prometheus.instant(count)] == [41]
    assert [s.value for s in victoria.instant(count)] == [40]


def test_the_at_modifier_and_the_5_minute_lookback_are_prometheus(
    prometheus: PrometheusSource, victoria: PrometheusSource
) -> None:
    end = golden.window_of("healthy").end
    pinned = f"sum(increase(catalog_cache_hits_total[600s] @ {end}))"
    for source in (prometheus, victoria):
        # Evaluated a day later, the query pinned to the window's end answers as at the end.
        assert [s.value for s in source.instant(pinned, at=end + DAY)] == [9500]
        # A bare selector finds the last sample up to 5 minutes back (VictoriaMetrics: the
        # instant query's default step), not further.
        assert [s.value for s in source.instant(f'up{{job="service"}} @ {end + 299}')] == [1]
        assert source.instant(f'up{{job="service"}} @ {end + 301}') == []


def _hour_slices(source: PrometheusSource, offset: float, hours: int) -> Any:
    start = golden.T0 + 6 * 3600 + offset  # the two_days dataset: a 504 burst in hour 30
    report = evaluate(
        Evaluation(
            spec=golden.SPEC,
            spec_label="phase1.yaml",
            profile="staging",
            window=Window(start=start, end=start + hours * 3600),
            source=source,
        )
    )
    return report.objective("no_timeout_errors_48h")


def test_fifty_slices_off_the_hour_are_judged_as_on_prometheus_with_nocache(
    prometheus: PrometheusSource, victoria: PrometheusSource
) -> None:
    # A range query of 50 points or more is moved to start on a multiple of its step by
    # VictoriaMetrics' response cache, so slices that do not start on the hour would get
    # no answer of their own ("no data" in every one). The harness's range queries ask
    # with nocache=1 (Prometheus ignores it): the same slices fail as on Prometheus.
    on_prometheus = _hour_slices(prometheus, 600, 50)
    assert on_prometheus.verdict == golden.F
    failing = [s.start for s in on_prometheus.failing_slices]
    assert len(failing) == 1
    on_victoria = _hour_slices(victoria, 600, 50)
    assert on_victoria.verdict == golden.F
    assert [s.start for s in on_victoria.failing_slices] == failing
    # and without nocache, VictoriaMetrics' cache shifts them: what nocache prevents
    url = victoria.config.url
    shifted = httpx.get(
        f"{url}/api/v1/query_range",
        params={
            "query": "sum(increase(http_requests_total[1h]))",
            "start": golden.T0 + 6 * 3600 + 600,
            "end": golden.T0 + 56 * 3600 + 600,
            "step": "3600",
        },
        timeout=10,
    ).json()
    starts = {float(v[0]) for r in shifted["data"]["result"] for v in r["values"]}
    assert starts and all(ts % 3600 == 0 for ts in starts), sorted(starts)[:3]


# ---- A 30-day review ----

MONTH_END = END + 23 * DAY  # 2026-01-31T00:00:00Z: 30 days from 2026-01-01
BAD_DAY = 17  # 2026-01-18


@pytest.fixture(scope="module")
def month_url() -> Iterator[str]:
    # Its own server: the month overlaps the golden datasets' days.
    with tempfile.TemporaryDirectory(prefix="slo-vm-month-") as tmp:
        month = week(end=MONTH_END, days=30, step=300, bad_day=BAD_DAY, bad_hit_rate=0.6)
        yield from run_victoriametrics(Path(tmp), {"month": month})


@pytest.mark.timeout(60)
def test_a_30_day_review_names_the_one_bad_day(
    month_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--profile", "production", "--window", "30d", "--end", str(MONTH_END)]
    code = main(["review", *args, "--prometheus-url", month_url, "--report-dir", str(tmp_path)])

    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert (code, report["verdict"]) == (1, "fail")
    objectives = {o["id"]: o for o in report["objectives"]}
    hit_rate = objectives["cache_hit_rate"]
    assert len(hit_rate["slices"]) == 30
    assert [s["start"][:10] for s in hit_rate["failing_slices"]] == ["2026-01-18"]
    assert hit_rate["value"] == pytest.approx((29 * 0.95 + 0.6) / 30)
    assert {k: o["verdict"] for k, o in objectives.items() if k != "cache_hit_rate"} == {
        "latency_p95": "pass",
        "primary_pool_utilization": "pass",
        "replica_query_share": "pass",
        "uptime": "pass",
    }
    days = {o["id"]: [d["value"] for d in o["days"]] for o in report["review"]["objectives"]}
    expected_hits = [0.95] * 30
    expected_hits[BAD_DAY] = 0.6
    assert days["cache_hit_rate"] == pytest.approx(expected_hits)
    assert days["replica_query_share"] == pytest.approx([0.8] * 30)
    assert days["primary_pool_utilization"] == pytest.approx([0.1] * 30)
    charts = {c["id"]: c for c in report["timeseries"]}
    assert charts["cache_hit_rate"]["step_seconds"] == 6 * 3600
    assert len(charts["cache_hit_rate"]["lines"]["hit rate"]) == 30 * 4
    assert "failing days of cache_hit_rate: 2026-01-18" in capsys.readouterr().out
