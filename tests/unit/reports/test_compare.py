"""`slo compare`: the guide's Expected Impact table from a before and an after report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from report_fixture import END, START, build_report, objective

from reports import (
    FigureResult,
    RawSeries,
    Report,
    ReportWindow,
    Threshold,
    TimeSeries,
    compare_reports,
    render_comparison,
)


def measured(
    *, p95: float, primary: float, replica: float, pool: float, timeouts: float, hit: float
) -> Report:
    """A 10-minute report with the figures the impact table reads (``primary`` and
    ``replica`` are query counts over the window; the figure is primary queries per second)."""
    window = ReportWindow(start=START, end=START + timedelta(minutes=10))

    def figure(value: float, unit: str) -> FigureResult:
        return FigureResult(description="a figure", value=value, unit=unit)

    return build_report(
        window=window,
        timeseries=[],
        objectives=[
            objective(id="latency_p95", value=p95, unit="seconds"),
            objective(id="replica_query_share", value=replica / (primary + replica)),
        ],
        figures={
            "response_time": figure(p95, "seconds"),
            "primary_db_queries": figure(primary / 600, "requests_per_second"),
            "pool_utilization": figure(pool, "ratio"),
            "timeouts": figure(timeouts, "count"),
            "hit_rate": figure(hit, "ratio"),
        },
    )


BEFORE = measured(p95=0.9, primary=6000, replica=0, pool=0.6, timeouts=37, hit=0.0)
AFTER = measured(p95=0.008, primary=100, replica=900, pool=0.1, timeouts=0, hit=0.95)


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


def test_no_timeouts_after_keeps_the_promise_to_eliminate_them() -> None:
    # slo measures 0, not n/a, when requests were counted but no 499/504 series exists
    # (tests/unit/slo/test_figures.py); compare only reads the figure.
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


def test_a_report_without_figures_reads_charts_and_never_objective_ids_or_raw_results() -> None:
    # A report.json written before figures existed: objectives alone give nothing (their ids
    # and raw query results are slo's business), charts and Locust's P95 still stand in.
    old = build_report(
        window=ReportWindow(start=START, end=START + timedelta(minutes=10)),
        objectives=[
            objective(id="latency_p95", value=0.9, unit="seconds"),
            objective(
                id="timeout_error_rate",
                value=0.01,
                raw={
                    "numerator_0": [RawSeries(value=60)],
                    "denominator_0": [RawSeries(value=6000)],
                },
            ),
        ],
    )
    found = rows(before=old, after=AFTER)
    assert found["response_time"].source == "chart latency_p95 (mean); figure response_time"  # type: ignore[attr-defined]
    assert found["timeouts"].before is None  # type: ignore[attr-defined]
    bare = build_report(objectives=old.objectives, timeseries=[])
    assert rows(before=bare, after=bare)["response_time"].source == "client P95"  # type: ignore[attr-defined]
    assert rows(before=bare, after=bare)["primary_db_queries"].before is None  # type: ignore[attr-defined]


def test_a_figure_in_another_unit_is_not_read_as_the_rows_unit() -> None:
    odd = AFTER.model_copy(
        update={
            "figures": {"response_time": FigureResult(description="", value=8, unit="milliseconds")}
        }
    )
    assert rows(before=BEFORE, after=odd)["response_time"].after == 0.15  # type: ignore[attr-defined]  # client P95


def test_a_figure_slo_could_not_measure_is_not_available() -> None:
    unmeasured = AFTER.model_copy(
        update={
            "figures": {
                "hit_rate": FigureResult(description="", value=None, unit="ratio", reason="no data")
            }
        }
    )
    hit = rows(before=BEFORE, after=unmeasured)["hit_rate"]
    assert (hit.after, hit.met) == (None, None)  # type: ignore[attr-defined]
