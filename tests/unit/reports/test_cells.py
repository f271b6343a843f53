"""Table values have even precision; a sustained objective shows its worst slice's value
and margin with the mean beside it, so a failure never carries a green margin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from report_fixture import START, build_report, objective

from reports import SliceResult, Verdict
from reports.cells import cell, delta_cell, fmt_margin, margin, value_cell
from reports.html import render_html
from reports.markdown import render_markdown


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (0.932, "ratio", "93.20%"),
        (0.9417, "ratio", "94.17%"),
        (1.0, "ratio", "100.00%"),
        (0.0000021, "ratio", "<0.01%"),
        (0.0, "ratio", "0.00%"),
        (0.35, "seconds", "350.0 ms"),
        (0.0185, "seconds", "18.5 ms"),
        (30.0, "seconds", "30.00 s"),
        (41.5, "milliseconds", "41.5 ms"),
        (123.456, "requests_per_second", "123.5 req/s"),
        (3.0, "count", "3"),
        (None, "ratio", "no value"),
    ],
)
def test_every_value_of_a_unit_has_the_same_decimals(
    value: float | None, unit: str, shown: str
) -> None:
    assert cell(value, unit) == shown


def test_margins_have_the_same_decimals_as_their_values() -> None:
    assert delta_cell(0.032, "ratio") == "+3.20 pts"
    assert delta_cell(-0.15, "seconds") == "-150.0 ms"


def _thirty_day_review() -> list[SliceResult]:
    """30 daily slices of hit rate: 29 days at 95%, one at 70% (mean 94.17%)."""
    values = [0.95] * 30
    values[12] = 0.70
    return [
        SliceResult(
            start=START + timedelta(days=i),
            end=START + timedelta(days=i + 1),
            verdict=Verdict.PASS if v > 0.9 else Verdict.FAIL,
            value=v,
            reason=f"{v:.0%}",
        )
        for i, v in enumerate(values)
    ]


def test_a_failing_sustained_objective_shows_its_worst_day_and_a_red_margin() -> None:
    slices = _thirty_day_review()
    result = objective(
        verdict=Verdict.FAIL,
        reason="1 of 30 1d slices failed",
        value=0.9417,
        slices=slices,
        failing_slices=[s for s in slices if s.verdict == Verdict.FAIL],
    )
    assert value_cell(result) == "70.00% worst day · mean 94.17%"
    assert margin(result) == pytest.approx(-0.20)
    assert fmt_margin(result) == "-20.00 pts"  # the mean's +4.17 pts no longer shows
    report = build_report(objectives=[result])
    row = next(line for line in render_markdown(report).splitlines() if "`cache_hit_rate`" in line)
    assert "| 70.00% worst day · mean 94.17% | \\> 90% | -20.00 pts |" in row
    assert '<td class="num neg">-20.00 pts</td>' in render_html(report)


def test_a_passing_sustained_objective_shows_its_closest_day_as_the_margin() -> None:
    slices = [
        s.model_copy(update={"value": 0.93 + 0.001 * i, "verdict": Verdict.PASS})
        for i, s in enumerate(_thirty_day_review())
    ]
    result = objective(value=0.95, slices=slices)
    assert value_cell(result) == "93.00% worst day · mean 95.00%"
    assert fmt_margin(result) == "+3.00 pts"


def test_a_whole_window_objective_shows_its_value_alone() -> None:
    assert value_cell(objective()) == "93.20%"
    assert fmt_margin(objective()) == "+3.20 pts"
