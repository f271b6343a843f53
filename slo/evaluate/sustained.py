"""Sustained objectives ("for 7 days"): judged slice by slice; failing slices are listed."""

from __future__ import annotations

from reports import SliceResult, Verdict
from slo.evaluate.judge import Outcome, fmt, judge_threshold
from slo.evaluate.window import Window
from slo.slis import SliDef
from slo.sources import MetricSource
from slo.spec import Objective
from slo.timeutil import format_duration, parse_duration, to_datetime


def too_short(objective: Objective, window: Window) -> Outcome | None:
    """``skipped`` when the window is shorter than the objective's ``min_window``."""
    assert objective.sustained is not None
    needed = parse_duration(objective.sustained.min_window)
    if window.duration + 1e-6 < needed:
        have = format_duration(max(round(window.duration), 1))
        return (
            Verdict.SKIPPED,
            f"needs a window of at least {objective.sustained.min_window}, this one is {have}",
        )
    return None


def judge_slices(
    objective: Objective, sli: SliDef, source: MetricSource, window: Window
) -> tuple[Outcome, list[SliceResult]]:
    """One verdict per slice, then the objective's: fail if any slice fails."""
    assert objective.sustained is not None
    size = parse_duration(objective.sustained.slice)
    ends = window.slice_ends(size)
    raws = source.fetch_slices(sli, ends, size)
    slices: list[SliceResult] = []
    for end, raw in zip(ends, raws, strict=True):
        measurement = sli.measure(raw, duration=size)
        verdict, reason = judge_threshold(objective, measurement)
        slices.append(
            SliceResult(
                start=to_datetime(end - size),
                end=to_datetime(end),
                verdict=verdict,
                value=measurement.value,
                reason=reason,
            )
        )
    return _combine(objective, slices), slices


def _combine(objective: Objective, slices: list[SliceResult]) -> Outcome:
    n = len(slices)
    size = objective.sustained.slice if objective.sustained else "slice"
    failed = [s for s in slices if s.verdict == Verdict.FAIL]
    if failed:
        first = failed[0]
        return (
            Verdict.FAIL,
            f"{len(failed)} of {n} {size} slices failed, first {first.start.isoformat()}: "
            f"{first.reason}",
        )
    unsure = [s for s in slices if s.verdict == Verdict.INCONCLUSIVE]
    if unsure:
        return (
            Verdict.INCONCLUSIVE,
            f"{len(unsure)} of {n} {size} slices inconclusive, first {unsure[0].start.isoformat()}:"
            f" {unsure[0].reason}",
        )
    values = [s.value for s in slices if s.value is not None]
    worst = fmt(values[-1] if values else None, objective.unit)
    if any(s.verdict == Verdict.WARN for s in slices):
        return Verdict.WARN, f"all {n} {size} slices meet the threshold, some only at warn level"
    return Verdict.PASS, f"all {n} {size} slices pass (last {worst})"
