"""`slo compare`: the guide's Expected Impact table from a before and an after report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from report_fixture import END, START, build_report, objective

from reports import RawSeries, Report, ReportWindow, Threshold, TimeSeries
from reports.compare import compare_reports, render_comparison


def measured(
    *, p95: float, primary: float, replica: float, pool: float, timeouts: float | None, hit: float
) -> Report:
    """A 10-minute report with the objectives the impact table reads."""
    window = ReportWindow(start=START, end=START + timedelta(minutes=10))
    raw_timeouts = {"denominator_0": [RawSeries(value=6000)]}
    if timeouts is not None:
        raw_timeouts["numerator_0"] = [RawSeries(value=timeouts)]
    return build_report(
        window=window,
        timeseries=[],
        objectives=[
            objective(id="latency_p95", value=p95, unit="seconds"),
            objective(
                id="replica_query_share",
                value=replica / (primary + replica),
                raw={
                    "numerator_0": [RawSeries(value=replica)],
                    "denominator_0": [RawSeries(value=primary + replica)],
                },
            ),
            objective(id="primary_pool_utilization", value=pool),
            objective(id="timeout_error_rate", value=0.0, raw=raw_timeouts),
            objective(id="cache_hit_rate", value=hit),
        ],
    )


BEFORE = measured(p95=0.9, primary=6000, replica=0, pool=0.6, timeouts=37, hit=0.0)
AFTER = measured(p95=0.008, primary=100, replica=900, pool=0.1, timeouts=None, hit=0.95)


def rows(before: Report = BEFORE, after: Report = AFTER) -> dict[str, object]:
    return {row.id: row for row in compare_reports(before, after).rows}


def test_the_table_has_the_guides_five_impact_rows_in_its_order() -> None:
    assert list(rows()) == [
        "response_time", "primary_db_queries", "pool_utilization", "timeouts", "hit_rate",
    ]  # fmt: skip


def test_changes_are_relative_to_before_and_judged_against_the_promise() -> None:
    found = rows()
    p95 = found["response_time"]
    assert p95.change == pytest.approx(0.008 / 0.9 - 1)  # type: ignore[attr-defined]
    assert p95.met is True  # type: ignore[attr-defined]
    primary = found["primary_db_queries"]
    assert (primary.before, primary.after) == pytest.approx((10.0, 100 / 600))  # type: ignore[attr-defined]
    assert primary.met is True  # type: ignore[attr-defined]  # -98.3% <= -98%
    assert found["pool_utilization"].met is True  # type: ignore[attr-defined]


def test_a_promise_missed_by_a_little_is_not_kept() -> None:
    after = measured(p95=0.008, primary=200, replica=800, pool=0.25, timeouts=1, hit=0.9)
    found = rows(after=after)
    assert found["primary_db_queries"].met is False  # type: ignore[attr-defined]  # -96.7%
    assert found["pool_utilization"].met is False  # type: ignore[attr-defined]  # -58%
    assert found["timeouts"].met is False  # type: ignore[attr-defined]  # one is not none
    assert found["hit_rate"].met is False  # type: ignore[attr-defined]  # 90% is not > 90%


def test_no_timeout_series_with_counted_requests_means_zero_timeouts() -> None:
    timeouts = rows()["timeouts"]
    assert (timeouts.before, timeouts.after, timeouts.met) == (37, 0.0, True)  # type: ignore[attr-defined]


def test_a_figure_neither_report_holds_is_not_available_rather_than_zero() -> None:
    bare = build_report(objectives=[objective()], timeseries=[], client=None)
    found = rows(before=bare, after=bare)
    assert found["response_time"].before is None  # type: ignore[attr-defined]
    assert found["response_time"].met is None  # type: ignore[attr-defined]
    assert "| Response time (P95) | n/a | n/a | n/a |" in render_comparison(
        compare_reports(bare, bare)
    )


def test_charts_stand_in_when_the_profile_did_not_judge_a_figure() -> None:
    chart = TimeSeries(
        id="db_queries",
        title="Database queries per second",
        unit="requests_per_second",
        lines={"primary": [(START, 4.0), (END, 6.0)]},
        thresholds=[Threshold(value=1, comparator="<")],
    )
    with_chart = build_report(objectives=[], timeseries=[chart])
    primary = rows(before=with_chart, after=with_chart)["primary_db_queries"]
    assert primary.before == 5.0  # type: ignore[attr-defined]
    assert primary.source == "chart db_queries (mean)"  # type: ignore[attr-defined]


def test_the_rendering_shows_before_after_change_and_whether_the_promise_was_kept() -> None:
    text = render_comparison(compare_reports(BEFORE, AFTER))
    assert (
        "| Response time (P95) | 900 ms | 8 ms | -99.1% | 99% faster response times | ✅ yes |"
        in text
    )
    assert "| 499/504 responses in the window | 37 | 0 | -100.0% |" in text
    assert "| Cache hit rate | 0% | 95% | from 0 | Cache hit rate \\>90% | ✅ yes |" in text
