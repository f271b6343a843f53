from __future__ import annotations

import math

import pytest

from scenarios.judging import RunTimes, client_stats, judged_window
from scenarios.plans import build_plan
from scenarios.recorder import ClientRecorder
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
