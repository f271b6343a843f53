"""Golden tests of the deployment-hours profiles (promotion, rollout-cache, rollout-replica,
escalation, rollback-verified): every objective passes on one known dataset and fails on
another, judged on a real Prometheus (promtool backfill) and on the embedded source holding
the same samples. The datasets (``golden_data.build_guard_datasets``) share the TSDB with
the older golden datasets, in hours of their own."""

from __future__ import annotations

import itertools
import math
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "slo"))

from golden_data import (
    BAD_HOURS,
    DAY_SECONDS,
    build_datasets,
    build_guard_datasets,
    fill_store,
)
from slo_prometheus import run_prometheus

from reports import Report, Verdict
from slo.evaluate import RunConfig, Window, evaluate
from slo.sources import EmbeddedSource, PrometheusConfig, PrometheusSource, SampleStore
from slo.spec import default_spec_path, load_spec

GUARD = build_guard_datasets()
OLDER = build_datasets()
SPEC = load_spec(default_spec_path())
PROFILES = ("promotion", "rollout-cache", "rollout-replica", "escalation", "rollback-verified")
P, F, INC, S = Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE, Verdict.SKIPPED
ANY = object()  # the value is not checked (sustained objectives: their slices are)


def window_of(name: str) -> Window:
    return Window(start=GUARD[name].start, end=GUARD[name].end)


@pytest.fixture(scope="module")
def prometheus_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="slo-guard-") as tmp:
        yield from run_prometheus(Path(tmp), {**OLDER, **GUARD})


@pytest.fixture(scope="module")
def embedded() -> EmbeddedSource:
    store = SampleStore()
    fill_store(store, {**OLDER, **GUARD})
    return EmbeddedSource(store)


@pytest.fixture(params=["prometheus", "embedded"])
def source(request: pytest.FixtureRequest, prometheus_url: str, embedded: EmbeddedSource) -> Any:
    if request.param == "prometheus":
        return PrometheusSource(PrometheusConfig(url=prometheus_url, timeout=5))
    return embedded


def run(
    source: Any,
    profile: str,
    dataset: str,
    against: str | None = None,
    *,
    window: Window | None = None,
    **extra: Any,
) -> Report:
    return evaluate(
        RunConfig(
            spec=SPEC,
            spec_label="phase1.yaml",
            profile=profile,
            window=window or window_of(dataset),
            source=source,
            baseline_window=None if against is None else window_of(against),
            **extra,
        )
    )


# Values the datasets were built to give (golden_data: per-minute numbers x 10 minutes).
P95_FAST = 0.05 + 0.025 * 50 / 60  # 70.8 ms: guard_after
P95_BEFORE = 0.4
P95_TUNED = 0.0075
P95_REGRESSED = 0.875

# profile, dataset, baseline dataset, {objective: (verdict, value)}
CASES: list[tuple[str, str, str | None, dict[str, tuple[Verdict, Any]]]] = [
    # ---- promotion: the whole-window checks (the 24-hour ones are below) ----
    (
        "promotion",
        "guard_after",
        "guard_before",
        {
            "cache_hit_rate": (P, 0.95),
            "error_rate_increase": (P, 0.005),
            "response_time_improved": (P, P95_FAST),
            "pool_usage_reduced": (P, 0.1),
            "staging_cache_hit_rate_24h": (S, None),  # a 10-minute window: too short
        },
    ),
    (
        "promotion",
        "guard_after",
        "guard_tuned",
        {
            "error_rate_increase": (F, 0.005),
            "response_time_improved": (F, P95_FAST),
            "pool_usage_reduced": (F, 0.1),
        },
    ),
    ("promotion", "guard_regressed", None, {"cache_hit_rate": (F, 0.8)}),
    # ---- rollout-cache ----
    (
        "rollout-cache",
        "guard_after",
        "guard_before",
        {
            "cache_hit_rate": (P, 0.95),
            "response_time_improved": (P, P95_FAST),
            "error_rate_increase": (P, 0.005),
        },
    ),
    (
        "rollout-cache",
        "guard_after",
        "guard_tuned",
        {
            "cache_hit_rate": (P, 0.95),
            "response_time_improved": (F, P95_FAST),
            "error_rate_increase": (F, 0.005),
        },
    ),
    (
        "rollout-cache",
        "guard_regressed",
        "guard_before",
        {
            "cache_hit_rate": (F, 0.8),
            "response_time_improved": (F, P95_REGRESSED),
            "error_rate_increase": (F, 0.08),
        },
    ),
    # ---- rollout-replica ----
    (
        "rollout-replica",
        "guard_after",
        "guard_before",
        {
            "primary_db_load_drops": (P, 1.0),  # 60 a minute vs 600 a minute
            "replica_serving_reads": (P, 0.9),
            "replica_share_increasing": (P, 0.9),
            "no_replica_connection_errors": (P, 0.0),
            "replica_staleness": (P, 1.5),  # the NaN sample is not judged
        },
    ),
    (
        "rollout-replica",
        "guard_after",
        "guard_tuned",
        {
            "primary_db_load_drops": (F, 1.0),  # vs 0.1/s
            "replica_serving_reads": (P, 0.9),
            "replica_share_increasing": (F, 0.9),  # vs 99%
            "no_replica_connection_errors": (P, 0.0),
        },
    ),
    (
        "rollout-replica",
        "guard_before",
        None,
        {
            "replica_serving_reads": (F, 0.0),
            # before Step 3 the replica's counters do not exist: nothing to judge
            "no_replica_connection_errors": (INC, None),
            "replica_staleness": (INC, None),
        },
    ),
    (
        "rollout-replica",
        "guard_regressed",
        None,
        {"no_replica_connection_errors": (F, 30.0), "replica_staleness": (F, 45.0)},
    ),
    # ---- escalation ----
    (
        "escalation",
        "guard_after",
        "guard_before",
        {
            "error_rate_increase_5pct": (P, 0.005),
            "response_time_over_2s_5min": (P, P95_FAST),
            "cache_completely_failing": (P, 0.95),
            "read_replica_causing_errors": (P, 0.0),
        },
    ),
    # 0.5% against 0%: within 5 points (the 0.1-point checks above fail on the same pair)
    ("escalation", "guard_after", "guard_tuned", {"error_rate_increase_5pct": (P, 0.005)}),
    # 6% against 1%: exactly 5 points is not "more than 5"
    ("escalation", "guard_six_pct", "guard_before", {"error_rate_increase_5pct": (P, 0.06)}),
    (
        "escalation",
        "guard_regressed",
        "guard_before",
        {
            "error_rate_increase_5pct": (F, 0.08),  # 7 points over 1%
            "cache_completely_failing": (P, 0.8),
            "read_replica_causing_errors": (F, 30.0),  # connection errors
        },
    ),
    (
        "escalation",
        "guard_cache_down",
        None,
        {
            "response_time_over_2s_5min": (F, ANY),
            "cache_completely_failing": (F, 0.0),
            "read_replica_causing_errors": (P, 0.0),
        },
    ),
    ("escalation", "guard_slow_bursts", None, {"response_time_over_2s_5min": (P, ANY)}),
    ("escalation", "guard_slow_5min", None, {"response_time_over_2s_5min": (F, ANY)}),
    # failed replica queries, on a build without the connection-error counter
    ("escalation", "guard_replica_failing", None, {"read_replica_causing_errors": (F, 12.0)}),
    # ---- rollback-verified ----
    (
        "rollback-verified",
        "guard_rolled_back",
        "guard_regressed",
        {
            "service_healthy": (P, 1.0),
            "cache_metrics_frozen": (P, None),  # absent: as expected
            "error_rates_stable": (P, 0.005),
        },
    ),
    ("rollback-verified", "guard_rolled_back", "guard_tuned", {"error_rates_stable": (F, 0.005)}),
    (
        "rollback-verified",
        "guard_rolled_back_frozen",
        "guard_after",
        {
            "service_healthy": (F, 40 / 41),  # one scrape of 41 failed
            "cache_metrics_frozen": (P, 0.0),  # present, not moving
            "error_rates_stable": (P, 0.005),  # equal to the baseline
        },
    ),
    # caching still on: 9500 hits + 500 misses + 0 errors in the window
    ("rollback-verified", "guard_after", None, {"cache_metrics_frozen": (F, 10000.0)}),
]

# The 24-hour objectives: a day where every hourly slice passes, and a day with one bad
# hour per objective (golden_data.BAD_HOURS).
DAY_OBJECTIVES = {
    "staging_cache_hit_rate_24h": "hit_rate",
    "staging_latency_p95_24h": "latency",
    "staging_primary_pool_24h": "primary_pool",
    "staging_replica_pool_24h": "replica_pool",
    "staging_timeouts_24h": "timeouts",
}


def _case_id(case: tuple[str, str, str | None, Any]) -> str:
    profile, dataset, baseline, _ = case
    return f"{profile}:{dataset}" + (f"-vs-{baseline}" if baseline else "")


@pytest.mark.parametrize(
    ("profile", "dataset", "baseline", "expected"), CASES, ids=[_case_id(c) for c in CASES]
)
def test_each_objective_gives_its_verdict_and_value(
    source: Any,
    profile: str,
    dataset: str,
    baseline: str | None,
    expected: dict[str, tuple[Verdict, Any]],
) -> None:
    report = run(source, profile, dataset, baseline)
    found = {r.id: r for r in report.objectives}
    assert {k: found[k].verdict for k in expected} == {k: v for k, (v, _) in expected.items()}
    for key, (_, value) in expected.items():
        if value is ANY:
            continue
        if value is None:
            assert found[key].value is None, key
        else:
            assert found[key].value == pytest.approx(value, rel=1e-12), key


def test_every_new_objective_has_a_passing_and_a_failing_case() -> None:
    seen: dict[tuple[str, str], set[Verdict]] = {}
    for profile, _, _, expected in CASES:
        for key, (verdict, _) in expected.items():
            seen.setdefault((profile, key), set()).add(verdict)
    for key in DAY_OBJECTIVES:  # test_promotion_needs_24_hours_in_every_hourly_slice
        seen.setdefault(("promotion", key), set()).update({P, F})
    for profile in PROFILES:
        for o in SPEC.profiles[profile].objectives:
            assert {P, F} <= seen.get((profile, o.id), set()), f"{profile}/{o.id}"


def test_the_guard_datasets_keep_out_of_the_older_datasets_hours() -> None:
    spans = sorted((d.start, d.end) for d in [*OLDER.values(), *GUARD.values()])
    assert all(end < next_start for (_, end), (next_start, _) in itertools.pairwise(spans))


def test_promotion_needs_24_hours_in_every_hourly_slice(source: Any) -> None:
    ok = run(source, "promotion", "staging_day_ok")
    bad = run(source, "promotion", "staging_day_bad")
    start = GUARD["staging_day_bad"].start
    for key, criterion in DAY_OBJECTIVES.items():
        passed, failed = ok.objective(key), bad.objective(key)
        assert (passed.verdict, len(passed.slices)) == (P, 24), (key, passed.reason)
        assert passed.reason.startswith("all 24 1h slices pass"), passed.reason
        assert failed.verdict == F, (key, failed.reason)
        hour = BAD_HOURS[criterion]
        assert [s.start.timestamp() for s in failed.failing_slices] == [start + hour * 3600], key
        assert failed.reason.startswith("1 of 24 1h slices failed"), failed.reason
    # the bad hours' own values
    values = {key: bad.objective(key).failing_slices[0].value for key in DAY_OBJECTIVES}
    assert values == pytest.approx(
        {
            "staging_cache_hit_rate_24h": 0.85,
            "staging_latency_p95_24h": 0.24,  # 0.2 + 0.1 * 400/1000, in (0.2, 0.3]
            "staging_primary_pool_24h": 0.6,
            "staging_replica_pool_24h": 0.8,
            "staging_timeouts_24h": 0.002,
        },
        rel=1e-12,
    )


def test_23_hours_of_staging_is_not_enough(source: Any) -> None:
    start = GUARD["staging_day_ok"].start
    report = run(
        source,
        "promotion",
        "staging_day_ok",
        window=Window(start=start, end=start + DAY_SECONDS - 3600),
    )
    for key in DAY_OBJECTIVES:
        result = report.objective(key)
        assert result.verdict == S
        assert result.reason == "needs a window of at least 24h, this one is 23h"


def test_five_slow_minutes_in_a_row_trip_the_escalation(source: Any) -> None:
    result = run(source, "escalation", "guard_slow_5min").objective("response_time_over_2s_5min")
    start = GUARD["guard_slow_5min"].start
    assert [s.start.timestamp() - start for s in result.failing_slices] == [
        60.0 * m for m in range(2, 7)
    ]
    assert result.reason.startswith("5 1m slices in a row failed, from 2026-01-03T19:02:00")
    slow = 2.5 + 2.5 * (950 - 40) / 960
    assert [s.value for s in result.failing_slices] == pytest.approx([slow] * 5, rel=1e-12)
    assert "(in the +Inf bucket)" not in result.failing_slices[0].reason


def test_four_slow_minutes_then_a_fast_one_do_not(source: Any) -> None:
    result = run(source, "escalation", "guard_slow_bursts").objective("response_time_over_2s_5min")
    assert result.verdict == P
    assert len(result.failing_slices) == 8  # 8 of the 10 minutes were slow
    assert result.reason == "no 5 1m slices in a row failed (longest run 4 of 10)"
    fast = [s for s in result.slices if s.verdict == P]
    assert [s.value for s in fast] == pytest.approx([P95_FAST] * 2, rel=1e-12)


def test_a_time_scale_judges_the_same_minutes_in_quarter_minute_slices(source: Any) -> None:
    # x0.25: 15-second slices, five in a row; a run of four slow minutes is 16 of them.
    result = run(source, "escalation", "guard_slow_bursts", time_scale=0.25).objective(
        "response_time_over_2s_5min"
    )
    assert result.verdict == F
    assert len(result.slices) == 40
    assert len(result.failing_slices) == 32
    assert result.reason.startswith("5 1m (x0.25: 15s) slices in a row failed, from ")


def test_exactly_five_points_more_errors_is_not_an_escalation(source: Any) -> None:
    result = run(source, "escalation", "guard_six_pct", "guard_before").objective(
        "error_rate_increase_5pct"
    )
    assert (result.verdict, result.baseline_value) == (P, pytest.approx(0.01, rel=1e-12))
    assert result.reason == "no increase: 6% vs baseline 1% (tolerance 5%)"


def test_exactly_five_points_more_errors_is_not_an_escalation_whatever_the_baseline(
    source: Any,
) -> None:
    result = run(source, "escalation", "guard_errors_8_55", "guard_errors_3_55").objective(
        "error_rate_increase_5pct"
    )
    assert (result.value, result.baseline_value) == (
        pytest.approx(0.0855, rel=1e-12),
        pytest.approx(0.0355, rel=1e-12),
    )
    assert result.verdict == P, result.reason


def test_minutes_too_quiet_to_judge_are_inconclusive_not_a_pass(source: Any) -> None:
    # The older "sparse" dataset: 4 /models requests a minute, under min_requests 5.
    sparse = Window(start=OLDER["sparse"].start, end=OLDER["sparse"].end)
    result = run(source, "escalation", "sparse", window=sparse).objective(
        "response_time_over_2s_5min"
    )
    assert result.verdict == INC, result.reason
    assert [s.verdict for s in result.slices] == [INC] * 10
    assert result.slices[0].reason.startswith("only 4 requests in the window, need at least 5")


def test_absent_cache_metrics_are_what_the_rollback_expects(source: Any) -> None:
    report = run(source, "rollback-verified", "guard_rolled_back")
    result = report.objective("cache_metrics_frozen")
    assert (result.verdict, result.value) == (P, None)
    assert result.reason.endswith(": absent, as expected")
    assert "catalog_cache_hits_total" in result.reason
    moving = run(source, "rollback-verified", "guard_after").objective("cache_metrics_frozen")
    assert moving.reason == "10000 is not == 0", moving.reason


def test_a_replica_lag_never_sampled_is_inconclusive_not_a_pass(source: Any) -> None:
    result = run(source, "rollout-replica", "guard_lag_unknown").objective("replica_staleness")
    assert result.verdict == INC, result.reason
    assert result.value is None or math.isnan(result.value)


def test_a_pinned_baseline_report_judges_like_its_window(source: Any) -> None:
    before = run(source, "rollout-replica", "guard_before")
    assert before.objective("primary_db_load_drops").value == pytest.approx(10.0, rel=1e-12)
    pinned = run(source, "rollout-replica", "guard_after", baseline=before)
    windowed = run(source, "rollout-replica", "guard_after", "guard_before")
    assert [(r.id, r.verdict, r.baseline_value) for r in pinned.objectives] == [
        (r.id, r.verdict, r.baseline_value) for r in windowed.objectives
    ]
    assert [r.verdict for r in pinned.objectives] == [P] * 5
    assert pinned.objective("primary_db_load_drops").baseline_value == pytest.approx(10.0)
    assert pinned.objective("replica_share_increasing").baseline_value == 0.0
