"""Sustained objectives ("for 7 days"): judged slice by slice; failing slices are listed."""

from __future__ import annotations

from reports import SliceResult, Verdict
from slo.evaluate.judge import Outcome, fmt, judge_threshold
from slo.evaluate.window import Window
from slo.slis import SliDef
from slo.sources import MetricSource
from slo.spec import Objective
from slo.timeutil import format_duration, parse_duration, to_datetime


def _scaled(duration: str, scale: float) -> tuple[float, str]:
    """Seconds of a spec duration at ``scale``, and how to name it (``1m (x0.05: 3s)``)."""
    seconds = parse_duration(duration) * scale
    if scale == 1.0:
        return seconds, duration
    return seconds, f"{duration} (x{scale:g}: {format_duration(max(round(seconds, 3), 0.001))})"


def too_short(objective: Objective, window: Window, scale: float = 1.0) -> Outcome | None:
    """``skipped`` when the window is shorter than the objective's ``min_window``."""
    assert objective.sustained is not None
    needed, named = _scaled(objective.sustained.min_window, scale)
    if window.duration + 1e-6 < needed:
        have = format_duration(max(round(window.duration), 1))
        return Verdict.SKIPPED, f"needs a window of at least {named}, this one is {have}"
    return None


def judge_slices(
    objective: Objective, sli: SliDef, source: MetricSource, window: Window, scale: float = 1.0
) -> tuple[Outcome, list[SliceResult]]:
    """One verdict per slice, then the objective's: fail if any slice fails (or, with
    ``consecutive``, if that many slices in a row fail)."""
    assert objective.sustained is not None
    size, named = _scaled(objective.sustained.slice, scale)
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
    if objective.sustained.consecutive:
        return _in_a_row(objective.sustained.consecutive, named, slices), slices
    return _combine(objective, slices, named), slices


def _in_a_row(needed: int, size: str, slices: list[SliceResult]) -> Outcome:
    """Fail on ``needed`` failing slices in a row; inconclusive when slices without data
    could make (or complete) such a run: missing data is never a pass; else pass."""
    run: list[SliceResult] = []  # the current run of failing slices
    maybe = 0  # the current run of failing or inconclusive slices
    hidden = False
    for s in slices:
        run = [*run, s] if s.verdict == Verdict.FAIL else []
        maybe = maybe + 1 if s.verdict in (Verdict.FAIL, Verdict.INCONCLUSIVE) else 0
        if len(run) >= needed:
            first = run[0]
            return (
                Verdict.FAIL,
                f"{needed} {size} slices in a row failed, from {first.start.isoformat()}: "
                f"{s.reason}",
            )
        hidden = hidden or maybe >= needed
    if hidden:
        return (
            Verdict.INCONCLUSIVE,
            f"slices without data could complete {needed} failing {size} slices in a row",
        )
    longest = _longest_failing(slices)
    return (
        Verdict.PASS,
        f"no {needed} {size} slices in a row failed (longest run {longest} of {len(slices)})",
    )


def _longest_failing(slices: list[SliceResult]) -> int:
    longest = current = 0
    for s in slices:
        current = current + 1 if s.verdict == Verdict.FAIL else 0
        longest = max(longest, current)
    return longest


def _combine(objective: Objective, slices: list[SliceResult], size: str) -> Outcome:
    n = len(slices)
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
