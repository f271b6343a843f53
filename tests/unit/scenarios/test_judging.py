from __future__ import annotations

import math

import pytest

from reports import LoadSummary, TargetVersion, window_note
from scenarios.judging import (
    RunFacts,
    RunTimes,
    client_stats,
    judge,
    judged_window,
    route_summaries,
)
from scenarios.plans import build_plan
from scenarios.recorder import ClientRecorder
from slo.evaluate import SpecConfig, Window
from slo.rules.runbooks import RUNBOOKS
from slo.slis import AGGREGATED

T0 = 1_700_000_000.25


def test_the_judged_window_is_the_shapes_steady_phase_in_whole_seconds() -> None:
    plan = build_plan("ramp")  # steady from 75 s to 135 s
    window = judged_window(plan, RunTimes(started=T0, stopped=T0 + 140))
    assert window.start == math.ceil(T0 + 75)
    assert window.end == math.floor(T0 + 135)


def test_warmup_never_counts_even_when_the_option_asks_for_less() -> None:
    plan = build_plan("ramp")
    shorter = judged_window(plan, RunTimes(started=T0, stopped=T0 + 140), warmup=5)
    longer = judged_window(plan, RunTimes(started=T0, stopped=T0 + 140), warmup=100)
    assert shorter.start == math.ceil(T0 + 75)
    assert longer.start == math.ceil(T0 + 100)


def test_a_run_stopped_early_is_judged_up_to_its_stop() -> None:
    plan = build_plan("ramp")
    window = judged_window(plan, RunTimes(started=T0, stopped=T0 + 100))
    assert window.end == math.floor(T0 + 100)


def test_a_run_stopped_before_the_steady_phase_has_nothing_to_judge() -> None:
    with pytest.raises(ValueError, match="before the steady phase"):
        judged_window(build_plan("ramp"), RunTimes(started=T0, stopped=T0 + 60))


def test_the_ab_shape_is_judged_around_the_whole_run_however_short() -> None:
    window = judged_window(build_plan("ab"), RunTimes(started=T0, stopped=T0 + 0.9))
    assert (window.start, window.end) == (math.floor(T0), math.ceil(T0 + 0.9))


def test_client_stats_have_a_row_per_route_and_an_aggregated_row() -> None:
    recorder = ClientRecorder()
    for second in range(10):
        for i in range(20):
            recorder.record(
                ts=1000 + second + i / 20,
                route="/models?limit=10" if i % 2 else "/gateways",
                response_ms=5.0 if i % 2 else 15.0,
                failed=i == 0 and second == 0,
            )
    stats = client_stats(recorder.window(1000, 1010))
    total = stats.rows[AGGREGATED]
    assert total.requests == 200
    assert total.failures == 1
    assert total.rps == pytest.approx(20.0)
    assert total.mean_ms == pytest.approx(10.0)
    assert stats.rows["/gateways"].p95_ms == 15.0
    assert stats.rows["/models?limit=10"].rps == pytest.approx(10.0)


def test_client_stats_of_an_empty_window_have_no_p95() -> None:
    stats = client_stats(ClientRecorder().window(1000, 1010))
    assert stats.rows[AGGREGATED].requests == 0
    assert stats.rows[AGGREGATED].p95_ms is None


def test_the_client_count_range_rides_along_for_the_servers_scrape_edges() -> None:
    recorder = ClientRecorder()
    for second in range(10):
        recorder.record(ts=1000 + second, route="/x", response_ms=1.0, failed=False)
    stats = client_stats(recorder.window(1002, 1008), requests_range=(4, 8))
    assert stats.rows[AGGREGATED].requests == 6
    assert stats.requests_range == (4, 8)


def test_route_summaries_give_each_routes_percentiles_busiest_first() -> None:
    recorder = ClientRecorder()
    for i in range(100):
        recorder.record(ts=1000.5, route="/models", response_ms=float(i + 1), failed=i == 0)
    recorder.record(ts=1001.5, route="/health", response_ms=3.0, failed=False)
    rows = route_summaries(recorder.window(1000, 1010))
    assert [(r.name, r.requests, r.failures) for r in rows] == [
        ("/models", 100, 1),
        ("/health", 1, 0),
    ]
    assert (rows[0].p50_ms, rows[0].p95_ms, rows[0].p99_ms) == (50.0, 95.0, 99.0)


def test_the_judged_report_carries_the_load_the_version_and_the_routes() -> None:
    recorder = ClientRecorder()
    for second in range(1000, 1010):
        recorder.record(ts=second + 0.5, route="/models", response_ms=20.0, failed=False)
    stats = recorder.window(1000, 1010)
    run = SpecConfig.load(spec=None, mapping=None, profile="load-test").run(
        window=Window(start=1000, end=1010), client=client_stats(stats)
    )
    facts = RunFacts(
        load=LoadSummary(shape="ab", peak_users=50, requests=10, failures=0, duration_s=10.0),
        target_version=TargetVersion(version="1.0.0", source="/openapi.json"),
        routes=tuple(route_summaries(stats)),
    )
    report = judge(run, facts)
    assert report.load == facts.load
    assert report.target_version == facts.target_version
    assert report.client is not None
    assert [r.name for r in report.client.routes] == ["/models"]
    assert report.objective("throughput_rps").verdict == "fail"  # 1 req/s, not >= 100
    assert report.exit_code == 1


def test_a_failing_objective_carries_the_guides_runbook_step_and_a_passing_one_none() -> None:
    recorder = ClientRecorder()
    for second in range(1000, 1010):
        recorder.record(ts=second + 0.5, route="/models", response_ms=20.0, failed=False)
    run = SpecConfig.load(spec=None, mapping=None, profile="load-test").run(
        window=Window(start=1000, end=1010), client=client_stats(recorder.window(1000, 1010))
    )
    report = judge(run)
    assert report.objective("throughput_rps").runbook == RUNBOOKS["latency"]
    assert report.objective("mean_latency").verdict == "pass"
    assert report.objective("mean_latency").runbook is None


def test_a_59_second_staging_run_says_which_stated_durations_it_cannot_cover() -> None:
    run = SpecConfig.load(spec=None, mapping=None, profile="staging").run(
        window=Window(start=1000, end=1059)
    )
    report = judge(run)
    assert [d.seconds for d in report.stated_durations] == [86400.0, 172800.0]
    note = window_note(report)
    assert note is not None
    assert note.endswith(
        "for this 59 s window; the 24 h and 48 h criteria need "
        "`slo check --last 48h` or `slo review`"
    )
