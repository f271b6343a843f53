"""report.md: verdict first, one row per objective, what failed and why, escaped labels."""

from __future__ import annotations

from golden import check_golden
from report_fixture import SCRIPT, build_report, objective

from reports import Report, Verdict
from reports.markdown import MAX_SLICES, render_markdown
from reports.templating import markdown_code_spans


def test_the_markdown_report_matches_its_golden_file(report: Report) -> None:
    check_golden("report.md", render_markdown(report))


def test_the_verdict_is_the_first_line(report: Report) -> None:
    first = render_markdown(report).splitlines()[0]
    assert first.startswith("## ❌ SLO gate: FAIL")


def test_a_passing_report_says_so_first_and_has_no_failure_section() -> None:
    text = render_markdown(
        build_report(verdict=Verdict.PASS, exit_code=0, objectives=[objective()])
    )
    assert text.splitlines()[0].startswith("## ✅ SLO gate: PASS")
    assert "**PASS**: 1 of 1 gating objectives judged, all met." in text
    assert "What failed" not in text


def test_every_objective_has_one_table_row_with_the_guide_wording(report: Report) -> None:
    table = render_markdown(report).split("| | Objective |")[1].split("\n\n")[0]
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + len(report.objectives)  # separator, one per objective
    assert any("P95 response time \\<200ms" in row and "-150.0 ms" in row for row in rows)


def test_failed_objectives_are_explained_with_their_failing_slices(report: Report) -> None:
    failed = render_markdown(report).split("### What failed and why")[1]
    assert "No 499/504 errors for 48 hours" in failed
    assert "2026-01-01 01:00:00 UTC → 2026-01-01 02:00:00 UTC: 0.21%" in failed


def test_failing_slices_are_capped_and_the_rest_counted() -> None:
    many = objective(
        verdict=Verdict.FAIL, failing_slices=[build_report().objectives[5].slices[1]] * 25
    )
    text = render_markdown(build_report(objectives=[many]))
    assert text.count("→ 2026-01-01 02:00:00 UTC") == MAX_SLICES
    assert f"and {25 - MAX_SLICES} more failing slices" in text


def test_a_script_label_cannot_become_html_or_break_the_table(report: Report) -> None:
    text = render_markdown(report)
    assert SCRIPT not in text
    assert "\\<script\\>alert('x')\\</script\\> \\| hit rate \\*bold\\*" in text


def test_a_query_is_shown_verbatim_in_a_code_span(report: Report) -> None:
    assert '`sum by (le) (increase(http_request_duration_seconds_bucket{path="/models"}' in (
        render_markdown(report)
    )


def test_commands_in_the_window_note_are_code_spans_and_the_rest_is_escaped() -> None:
    assert str(markdown_code_spans("need <b> `slo check --last 48h` or *x*")) == (
        "need \\<b\\> `slo check --last 48h` or \\*x\\*"
    )
