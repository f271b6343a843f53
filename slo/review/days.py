"""Each objective of a profile day by day over the review window.

Days are whole 24-hour slices laid from the window's start (a remainder shorter than a day
is not judged, as for sustained objectives). A sustained objective judged per day already
holds its days as slices; every other objective is measured per day with one range query
per named query and a step of one day (``MetricSource.fetch_slices``), so a 30-day review
costs as many queries as a 7-day one. Identical SLIs are read once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

from reports import (
    ObjectiveResult,
    Report,
    ReviewDay,
    ReviewObjective,
    ReviewPeriod,
    SliceResult,
    Verdict,
    target,
)
from slo.evaluate import Outcome, Window, judge_baseline, judge_threshold
from slo.slis import Measurement, RawResult, build_sli
from slo.sources import MetricSource
from slo.spec import Objective, Resolver
from slo.timeutil import to_datetime

__all__ = ["DAY", "breakdown", "day_label", "day_periods"]

DAY: Final = 86400.0


def day_label(start: float, end: float) -> str:
    """``2026-01-04`` for a calendar day (UTC), else ``2026-01-04 12:00 → 2026-01-05 12:00``."""
    if start % DAY == 0 and end - start == DAY:
        return to_datetime(start).date().isoformat()
    return (
        f"{to_datetime(start).strftime('%Y-%m-%d %H:%M')} → "
        f"{to_datetime(end).strftime('%Y-%m-%d %H:%M')}"
    )


def day_periods(window: Window) -> list[ReviewPeriod]:
    """The whole days of ``window``, oldest first."""
    return [
        ReviewPeriod(
            start=to_datetime(end - DAY), end=to_datetime(end), label=day_label(end - DAY, end)
        )
        for end in window.slice_ends(DAY)
    ]


def _is_daily(objective: Objective, result: ObjectiveResult, periods: list[ReviewPeriod]) -> bool:
    """True when the objective's judged slices are exactly the review's days."""
    if objective.sustained is None or objective.sustained.slice != "1d":
        return False
    starts = [s.start for s in result.slices]
    return starts == [p.start for p in periods]


def _judge(objective: Objective, result: ObjectiveResult, measurement: Measurement) -> Outcome:
    if objective.baseline is not None:
        return judge_baseline(objective, measurement, result.baseline_value)
    return judge_threshold(objective, measurement)


def _failing(
    days: list[ReviewDay], slices: list[SliceResult], periods: list[ReviewPeriod]
) -> list[str]:
    """Labels of the days that failed or hold a failing slice (a sustained hourly check)."""
    failing: set[int] = {i for i, d in enumerate(days) if d.verdict == Verdict.FAIL}
    for s in slices:
        if s.verdict != Verdict.FAIL:
            continue
        for i, period in enumerate(periods):
            if period.start < s.end <= period.end:
                failing.add(i)
    return [periods[i].label for i in sorted(failing)]


def breakdown(
    objectives: Sequence[Objective],
    report: Report,
    source: MetricSource,
    window: Window,
    *,
    resolver: Resolver | None = None,
) -> tuple[list[ReviewPeriod], list[ReviewObjective]]:
    """The review's days, and each objective of ``report`` judged on each of them.

    Client-side objectives (Locust statistics) have no history and are left out.
    """
    periods = day_periods(window)
    ends = [p.end.timestamp() for p in periods]
    read: dict[tuple[tuple[str, str], ...], list[RawResult]] = {}
    found: list[ReviewObjective] = []
    for objective in objectives:
        sli = build_sli(objective.sli, resolver or Resolver())
        if not sli.reads_server or not periods:
            continue
        result = report.objective(objective.id)
        days: list[ReviewDay]
        measured: Literal["slices", "per_day"]
        if _is_daily(objective, result, periods):
            measured = "slices"
            days = [
                ReviewDay(start=s.start, verdict=s.verdict, value=s.value, reason=s.reason)
                for s in result.slices
            ]
        else:
            measured = "per_day"
            key = tuple(sorted(sli.queries(window="1d", at=None).items()))
            if key not in read:
                read[key] = source.fetch_slices(sli, ends, DAY)
            days = []
            for period, raw in zip(periods, read[key], strict=True):
                measurement = sli.measure(raw, duration=DAY)
                verdict, reason = _judge(objective, result, measurement)
                days.append(
                    ReviewDay(
                        start=period.start, verdict=verdict, value=measurement.value, reason=reason
                    )
                )
        found.append(
            ReviewObjective(
                id=objective.id,
                description=objective.description,
                unit=objective.unit,
                target=target(result),
                gating=objective.gating,
                measured=measured,
                days=days,
                failing_days=_failing(days, result.slices, periods),
            )
        )
    return periods, found
