"""`slo compare`: the guide's Expected Impact table from a before and an after report."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from report_fixture import END, START, build_report, objective

from reports import (
    FigureResult,
    RawSeries,
    Report,
    ReportWindow,
    Threshold,
    TimeSeries,
    Verdict,
    compare_reports,
    render_comparison,
    write_json,
)
from reports.compare import STATUS_CELLS, ImpactRow
from slo.cli import main

README = Path(__file__).resolve().parents[3] / "README.md"


def measured(
    *,
    p95: float,
    primary: float,
    replica: float,
    pool: float,
    timeouts: float,
    hit: float,
    day: int = 0,
) -> Report:
    """A 10-minute report with the figures the impact table reads (``primary`` and
    ``replica`` are query counts over the window; the figure is primary queries per second).
    ``day`` moves the window by that many days (a before and an after are different runs)."""
    start = START + timedelta(days=day)
    window = ReportWindow(start=start, end=start + timedelta(minutes=10))

    def figure(value: float, unit: str) -> FigureResult:
        return FigureResult(description="a figure", value=value, unit=unit)

    return build_report(
        window=window,
        timeseries=[],
        objectives=[
            objective(id="latency_p95", value=p95, unit="seconds"),
            objective(
                id="replica_query_share",
                value=replica / (primary + replica) if primary + replica else 0.0,
            ),
        ],
        figures={
            "response_time": figure(p95, "seconds"),
            "primary_db_queries": figure(primary / 600, "requests_per_second"),
            "pool_utilization": figure(pool, "ratio"),
            "timeouts": figure(timeouts, "count"),
            "hit_rate": figure(hit, "ratio"),
        },
    )


AFTER_FIGURES = {
    "p95": 0.008,
    "primary": 100,
    "replica": 900,
    "pool": 0.1,
    "timeouts": 0,
    "hit": 0.95,
}
BEFORE_FIGURES = {
    "p95": 0.9,
    "primary": 6000,
    "replica": 0,
    "pool": 0.6,
    "timeouts": 37,
    "hit": 0.0,
}


def _figures(figures: dict[str, float], day: int) -> Report:
    return measured(
        p95=figures["p95"],
        primary=figures["primary"],
        replica=figures["replica"],
        pool=figures["pool"],
        timeouts=figures["timeouts"],
        hit=figures["hit"],
        day=day,
    )


def after(**changes: float) -> Report:
    """AFTER with some of its figures changed."""
    return _figures({**AFTER_FIGURES, **changes}, day=1)


def before(**changes: float) -> Report:
    """BEFORE with some of its figures changed."""
    return _figures({**BEFORE_FIGURES, **changes}, day=0)


BEFORE = before()
AFTER = after()


def rows(before: Report = BEFORE, after: Report = AFTER) -> dict[str, ImpactRow]:
    return {row.id: row for row in compare_reports(before, after).rows}


def test_the_table_has_the_guides_five_impact_rows_in_its_order() -> None:
    assert list(rows()) == [
        "response_time", "primary_db_queries", "pool_utilization", "timeouts", "hit_rate",
    ]  # fmt: skip


def test_changes_are_relative_to_before_and_judged_against_the_promise() -> None:
    found = rows()
    p95 = found["response_time"]
    assert p95.change == pytest.approx(0.008 / 0.9 - 1)
    assert p95.met is True
    primary = found["primary_db_queries"]
    assert (primary.before, primary.after) == pytest.approx((10.0, 100 / 600))
    assert primary.met is True  # -98.3% <= -98%
    assert found["pool_utilization"].met is True


def test_a_promise_missed_by_a_little_is_not_kept() -> None:
    found = rows(after=after(primary=200, replica=800, pool=0.25, timeouts=1, hit=0.9))
    assert found["primary_db_queries"].met is False  # -96.7%
    assert found["pool_utilization"].met is False  # -58%
    assert found["timeouts"].met is False  # one is not none
    assert found["hit_rate"].met is False  # 90% is not > 90%


def test_no_timeouts_after_keeps_the_promise_to_eliminate_them() -> None:
    # slo measures 0, not n/a, when requests were counted but no 499/504 series exists
    # (tests/unit/slo/test_figures.py); compare only reads the figure.
    timeouts = rows()["timeouts"]
    assert (timeouts.before, timeouts.after, timeouts.met) == (37, 0.0, True)


def test_a_figure_neither_report_holds_is_not_available_rather_than_zero() -> None:
    bare = build_report(objectives=[objective()], timeseries=[], client=None)
    found = rows(before=bare, after=bare)
    assert found["response_time"].before is None
    assert found["response_time"].met is None
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
    assert primary.before == 5.0
    assert primary.source == "chart db_queries (mean)"


def test_the_rendering_shows_before_after_change_and_whether_the_promise_was_kept() -> None:
    text = render_comparison(compare_reports(BEFORE, AFTER))
    assert (
        "| Response time (P95) | 900 ms | 8 ms | -99.1% "
        "| 99% faster response times (500ms-2s → 5-10ms cached) | ✅ yes |"
    ) in text
    assert "| 499/504 responses in the window | 37 | 0 | -100.0% |" in text
    assert "| Cache hit rate | 0% | 95% | from 0 | Cache hit rate \\>90% | ✅ yes |" in text


def test_counts_extrapolated_by_prometheus_read_as_whole_requests() -> None:
    text = render_comparison(compare_reports(before(timeouts=163.6), AFTER))
    assert "| 499/504 responses in the window | 164 | 0 | -100.0% |" in text


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
    assert found["response_time"].source == "chart latency_p95 (mean); figure response_time"
    assert found["timeouts"].before is None
    bare = build_report(objectives=old.objectives, timeseries=[])
    assert rows(before=bare, after=bare)["response_time"].source == "client P95"
    assert rows(before=bare, after=bare)["primary_db_queries"].before is None


def test_a_figure_in_another_unit_is_not_read_as_the_rows_unit() -> None:
    odd = AFTER.model_copy(
        update={
            "figures": {"response_time": FigureResult(description="", value=8, unit="milliseconds")}
        }
    )
    assert rows(before=BEFORE, after=odd)["response_time"].after == 0.15  # client P95


def test_a_figure_slo_could_not_measure_is_not_available() -> None:
    unmeasured = AFTER.model_copy(
        update={
            "figures": {
                "hit_rate": FigureResult(description="", value=None, unit="ratio", reason="no data")
            }
        }
    )
    hit = rows(before=BEFORE, after=unmeasured)["hit_rate"]
    assert (hit.after, hit.met) == (None, None)


# --- not demonstrated: a before without the guide's symptom proves nothing -------------


def test_no_timeouts_before_makes_their_elimination_not_demonstrated_never_yes() -> None:
    comparison = compare_reports(before(timeouts=0), AFTER)
    timeouts = {row.id: row for row in comparison.rows}["timeouts"]
    assert timeouts.met is True  # the after has none...
    assert timeouts.status == "not demonstrated"  # ...but neither had the before
    text = render_comparison(comparison)
    assert (
        "| 499/504 responses in the window | 0 | 0 | from 0 | Elimination of 499 timeout errors "
        "| ⚠️ not demonstrated (no 499/504 before) |"
    ) in text
    assert "✅ yes |" in text  # the other rows are still kept
    assert comparison.verdict is Verdict.FAIL


def test_a_before_faster_than_500_ms_cannot_demonstrate_99_percent_faster() -> None:
    # -99.3% would keep the promise, but the guide's before is 500ms-2s: 300 ms is not it.
    row = rows(before=before(p95=0.3), after=after(p95=0.002))["response_time"]
    assert row.met is True
    assert (row.status, row.why) == ("not demonstrated", "before P95 under 500 ms")
    assert rows(before=before(p95=0.5), after=after(p95=0.005))["response_time"].status == "kept"


@pytest.mark.parametrize(
    ("figure", "row_id", "why"),
    [
        ("primary", "primary_db_queries", "no primary queries before"),
        ("pool", "pool_utilization", "no pool usage before"),
    ],
)
def test_no_load_on_the_primary_before_makes_its_reduction_not_demonstrated(
    figure: str, row_id: str, why: str
) -> None:
    row = rows(before=before(**{figure: 0}))[row_id]
    assert (row.status, row.why) == ("not demonstrated", why)


def test_timeouts_that_appear_after_break_the_promise_whatever_the_before() -> None:
    row = rows(before=before(timeouts=0), after=after(timeouts=3))["timeouts"]
    assert row.status == "not kept"


def test_the_hit_rate_is_judged_on_the_after_alone() -> None:
    assert rows(before=before(hit=0.95))["hit_rate"].status == "kept"
    assert rows(after=after(hit=0.9))["hit_rate"].status == "not kept"


def test_a_missing_figure_is_n_a_and_the_comparison_inconclusive() -> None:
    unmeasured = AFTER.model_copy(
        update={
            "figures": {
                **AFTER.figures,
                "hit_rate": FigureResult(description="", value=None, unit="ratio"),
            }
        }
    )
    comparison = compare_reports(BEFORE, unmeasured)
    hit = {row.id: row for row in comparison.rows}["hit_rate"]
    assert (hit.status, hit.why) == ("n/a", "not in the after report")
    assert comparison.verdict is Verdict.INCONCLUSIVE
    assert "| ❔ n/a (not in the after report) |" in render_comparison(comparison)
    bare = build_report(objectives=[], timeseries=[], client=None)
    assert rows(before=bare, after=AFTER)["response_time"].why == "not in the before report"


# --- the verdict and the summary line ------------------------------------------------


def test_every_promise_kept_passes_and_one_missed_fails() -> None:
    assert compare_reports(BEFORE, AFTER).verdict is Verdict.PASS
    assert "**PASS: 5 of 5 kept**" in render_comparison(compare_reports(BEFORE, AFTER))
    missed = compare_reports(BEFORE, after(pool=0.25))
    assert missed.verdict is Verdict.FAIL
    assert (
        "**FAIL: 4 of 5 kept; not kept: Primary connection pool utilization**"
        in render_comparison(missed)
    )


def test_a_not_kept_promise_outranks_a_missing_figure() -> None:
    unmeasured = after(pool=0.25).model_copy(
        update={"figures": {**AFTER.figures, "pool_utilization": FigureResult(
            description="", value=0.25, unit="ratio"
        ), "hit_rate": FigureResult(description="", value=None, unit="ratio")}}
    )  # fmt: skip
    comparison = compare_reports(BEFORE, unmeasured)
    assert comparison.verdict is Verdict.FAIL
    assert "; n/a: Cache hit rate" in render_comparison(comparison)


# --- a run compared with itself -------------------------------------------------------


def test_a_report_compared_with_itself_is_the_same_run_and_says_so() -> None:
    comparison = compare_reports(BEFORE, BEFORE)
    assert comparison.same_run
    assert (
        "⚠️ before and after are the same run (http://127.0.0.1:8000, 2026-01-01 00:00:00 UTC "
        "→ 2026-01-01 00:10:00 UTC): a run compared with itself shows no impact"
    ) in render_comparison(comparison)
    # a rejudge of the run judges the same seconds: still the same run
    rejudged = BEFORE.model_copy(update={"generated_at": BEFORE.generated_at + timedelta(1)})
    assert compare_reports(BEFORE, rejudged).same_run
    assert not compare_reports(BEFORE, AFTER).same_run
    assert "same run" not in render_comparison(compare_reports(BEFORE, AFTER))
    elsewhere = BEFORE.model_copy(update={"target": "http://staging:8000"})
    assert not compare_reports(BEFORE, elsewhere).same_run


# --- `slo compare`: the gate -----------------------------------------------------------


def compare_cli(tmp_path: Path, before_report: Report, after_report: Report, *extra: str) -> int:
    before_path = write_json(before_report, tmp_path / "before")
    after_path = write_json(after_report, tmp_path / "after")
    return main(["compare", str(before_path), str(after_path), *extra])


def test_slo_compare_exits_0_when_every_promise_is_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert compare_cli(tmp_path, BEFORE, AFTER) == 0
    out = capsys.readouterr().out
    assert "| Measure | Before | After | Change | The guide promised | Kept |" in out
    assert "**PASS: 5 of 5 kept**" in out


@pytest.mark.parametrize(
    ("before_report", "after_report", "status"),
    [
        (BEFORE, after(p95=0.02), "not kept"),  # -97.8%: not 99% faster
        (before(timeouts=0), AFTER, "not demonstrated"),  # nothing to eliminate
        (before(p95=0.2), after(p95=0.001), "not demonstrated"),  # the before was not slow
    ],
)
def test_slo_compare_exits_1_when_a_promise_is_not_kept_or_not_demonstrated(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    before_report: Report,
    after_report: Report,
    status: str,
) -> None:
    assert compare_cli(tmp_path, before_report, after_report) == 1
    assert f"**FAIL: 4 of 5 kept; {status}: " in capsys.readouterr().out
    assert compare_cli(tmp_path, before_report, after_report, "--report-only") == 0
    assert f"**FAIL: 4 of 5 kept; {status}: " in capsys.readouterr().out  # still said


def test_slo_compare_exits_2_when_a_figure_is_missing_and_nothing_is_broken(
    tmp_path: Path,
) -> None:
    no_hit_rate = AFTER.model_copy(
        update={"figures": {k: v for k, v in AFTER.figures.items() if k != "hit_rate"}}
    )
    assert compare_cli(tmp_path, BEFORE, no_hit_rate) == 2
    assert compare_cli(tmp_path, BEFORE, no_hit_rate, "--report-only") == 0


def test_slo_compare_of_a_report_with_itself_is_bad_usage_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_json(BEFORE, tmp_path)
    for extra in ([], ["--report-only"]):
        assert main(["compare", str(path), str(path), *extra]) == 3
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err.count("\n") == 1
        assert captured.err.startswith("slo: error: before and after are the same run (")
    # a copy of the file, or a rejudge of the run, is the same run too
    copy = tmp_path / "copy.json"
    copy.write_text(path.read_text())
    assert main(["compare", str(path), str(copy)]) == 3


def test_slo_compare_of_a_file_that_is_not_a_report_is_bad_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_json(AFTER, tmp_path)
    assert main(["compare", str(tmp_path / "missing.json"), str(good)]) == 3
    assert "expected a report.json (BEFORE)" in capsys.readouterr().err


def test_slo_compare_writes_the_table_to_output(tmp_path: Path) -> None:
    out = tmp_path / "summary" / "impact.md"
    assert compare_cli(tmp_path, before(timeouts=0), AFTER, "--output", str(out)) == 1
    text = out.read_text()
    assert text.startswith("## Expected impact: before vs after")
    assert "⚠️ not demonstrated (no 499/504 before)" in text


def test_slo_compare_help_states_the_gate_and_its_exit_codes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["compare", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    for claim in (
        "--report-only",
        "--output FILE",
        "not demonstrated the before lacks the symptom the promise cures",
        "0 every promise kept (or --report-only)",
        "1 a promise not kept or not demonstrated",
        "2 no promise broken, but a figure is missing (n/a)",
        "3 bad usage: an unreadable report, or before and after are the same run",
    ):
        assert claim in text
    assert "data source unreachable" not in text  # compare reads files only


# --- README shows a real table: its shape must be what compare renders ----------------


def _markdown_table(text: str, header: str) -> list[list[str]]:
    """The cells of the Markdown table that starts with ``header`` in ``text``."""
    lines = text.splitlines()
    start = lines.index(header)
    table: list[list[str]] = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return table


def test_the_readme_impact_table_has_the_header_rows_and_verdict_words_compare_renders() -> None:
    rendered = render_comparison(compare_reports(BEFORE, AFTER))
    header = next(line for line in rendered.splitlines() if line.startswith("| Measure |"))
    readme_text = README.read_text(encoding="utf-8")
    assert header in readme_text.splitlines(), "README lacks the impact table's header"
    ours, theirs = _markdown_table(rendered, header), _markdown_table(readme_text, header)
    assert theirs[:2] == ours[:2]  # header and separator
    # Measure and promise columns row by row; not the numbers
    assert [(row[0], row[4]) for row in theirs[2:]] == [(row[0], row[4]) for row in ours[2:]]
    for row in theirs[2:]:
        assert any(row[5].startswith(cell) for cell in STATUS_CELLS.values()), row
    summary = re.search(r"^\*\*(PASS|FAIL|INCONCLUSIVE): \d of 5 kept", readme_text, re.M)
    assert summary, "README lacks the table's summary line"
