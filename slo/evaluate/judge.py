"""Verdict rules: one measurement against one objective, each verdict with a one-line reason.

Missing data is never a pass: no series, NaN/Inf, too few requests, or an uncertainty that
straddles the threshold make an objective ``inconclusive`` (or ``fail`` where the spec says
``on_missing: fail``). The one exception is stated in the spec: ``on_missing: expected``
on an objective that nothing may move (``== 0``), where absent series are what is sought
(a rolled-back feature's metrics gone).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Final

from reports import Verdict, fmt
from slo.slis import Measurement
from slo.spec import Baseline, Objective

Outcome = tuple[Verdict, str]

__all__ = [
    "BASELINE_HINT",
    "COMPARATORS",
    "Outcome",
    "fmt",
    "judge_baseline",
    "judge_threshold",
    "precheck",
]

#: How to give a baseline, in the words of the option every producer has (slo check, slo
#: watch, slo review, the Locust gate); a producer with more options says so (RunConfig).
BASELINE_HINT = "--baseline report.json"

COMPARATORS: Final[dict[str, Callable[[float, float], bool]]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
}


def _decide_interval(lower: float, upper: float, comparator: str, threshold: float) -> bool | None:
    """True/False when every value in (lower, upper] decides the same way, else None.

    A histogram bucket ``le=T`` counts observations at or under T, so a quantile in a bucket
    whose upper edge is the threshold satisfies ``< T``: the bucket is the precision.
    """
    if comparator in ("<", "<="):
        return True if upper <= threshold else False if lower >= threshold else None
    if comparator in (">", ">="):
        return True if lower >= threshold else False if upper <= threshold else None
    if lower == upper == threshold:
        return True
    return False if (threshold < lower or threshold > upper) else None


def precheck(objective: Objective, m: Measurement) -> Outcome | None:
    """The verdict when the data cannot be judged at all; None when it can."""
    unit = objective.unit
    if m.value is None:
        what = ", ".join(m.missing) or "the SLI"
        if objective.on_missing == "expected":
            return Verdict.PASS, f"no series ({what}): absent, as expected"
        verdict = Verdict.FAIL if objective.on_missing == "fail" else Verdict.INCONCLUSIVE
        return verdict, f"no data: {what}"
    if not math.isfinite(m.value):
        return Verdict.INCONCLUSIVE, f"value is {m.value}" + (f" ({m.note})" if m.note else "")
    if m.requests is not None and m.requests < objective.min_requests:
        certain = _fails_whatever_comes(objective, m.value, m.requests)
        if certain is not None:
            return Verdict.FAIL, certain
        return (
            Verdict.INCONCLUSIVE,
            f"only {m.requests:g} requests in the window, need at least {objective.min_requests}"
            f" (value {fmt(m.value, unit)})",
        )
    return None


def _fails_whatever_comes(objective: Objective, value: float, requests: float) -> str | None:
    """For a ratio of counted events with too few requests: the reason it fails anyway.

    Too few requests cannot prove a pass, but they can prove a fail: if the requests
    still missing to reach ``min_requests`` all went the objective's way and the ratio
    would still miss the threshold, more data cannot save it (78% of 37 requests timed
    out is a fail of "< 0.1%", not an inconclusive).
    """
    cmp, thr, minimum = objective.comparator, objective.threshold, objective.min_requests
    if objective.unit != "ratio" or cmp is None or thr is None or cmp == "==" or requests <= 0:
        return None
    events = value * requests
    # "<": the missing requests are all good events; ">": all of them count for it.
    missing = 0.0 if cmp in ("<", "<=") else minimum - requests
    best = (events + missing) / minimum
    if COMPARATORS[cmp](best, thr):
        return None
    return (
        f"{fmt(value, 'ratio')} of only {requests:g} requests: even if the next "
        f"{minimum - requests:g} all went well it would be {fmt(best, 'ratio')}, not "
        f"{cmp} {fmt(thr, 'ratio')}"
    )


def judge_threshold(objective: Objective, m: Measurement) -> Outcome:
    """Judge a measurement against the objective's comparator, threshold and warn threshold."""
    early = precheck(objective, m)
    if early is not None:
        return early
    assert m.value is not None and objective.comparator is not None
    assert objective.threshold is not None
    cmp, thr, unit = objective.comparator, objective.threshold, objective.unit
    value_text = fmt(m.value, unit)
    target = f"{cmp} {fmt(thr, unit)}"
    if m.lower is not None and m.upper is not None:
        decided = _decide_interval(m.lower, m.upper, cmp, thr)
        bounds = f"({fmt(m.lower, unit)}, {fmt(m.upper, unit)}]"
        if decided is None:
            return Verdict.INCONCLUSIVE, f"{value_text} lies in {bounds}, which straddles {target}"
        if not decided:
            where = " (in the +Inf bucket)" if m.in_inf_bucket else f" in {bounds}"
            return Verdict.FAIL, f"{value_text}{where} is not {target}"
    elif not COMPARATORS[cmp](m.value, thr):
        note = f" ({m.note})" if m.note else ""
        return Verdict.FAIL, f"{value_text} is not {target}{note}"
    if objective.warn is not None and not COMPARATORS[cmp](m.value, objective.warn):
        return (
            Verdict.WARN,
            f"{value_text} meets {target} but not the warn level {fmt(objective.warn, unit)}",
        )
    note = f"; {m.note}" if m.note else ""
    return Verdict.PASS, f"{value_text} {target}{note}"


def _beyond(value: float, limit: float) -> bool:
    """``value > limit`` by more than float rounding."""
    return value > limit and not math.isclose(value, limit, rel_tol=1e-9, abs_tol=1e-12)


def judge_baseline(
    objective: Objective, m: Measurement, baseline: float | None, *, hint: str = BASELINE_HINT
) -> Outcome:
    """Judge a relative objective against a baseline value (skipped without one; the reason
    names how to give one: ``hint``, the options of the producer judging)."""
    rule: Baseline | None = objective.baseline
    assert rule is not None
    if baseline is None:
        return Verdict.SKIPPED, f"no baseline given ({hint})"
    early = precheck(objective, m)
    if early is not None:
        return early
    if not math.isfinite(baseline):
        return Verdict.INCONCLUSIVE, f"the baseline value is {baseline}"
    assert m.value is not None
    current, unit = m.value, objective.unit
    tol = rule.tolerance * abs(baseline) if rule.relative else rule.tolerance
    lower = rule.comparison == "reduced" or (
        rule.comparison == "improved" and rule.better == "lower"
    )
    # Exactly on the edge (baseline + tolerance) counts as on it, whatever the float
    # rounding of the sum: 3.55% + 5 points is 8.55%, not 8.549999...%.
    if rule.comparison == "no_increase":
        ok, words = not _beyond(current, baseline + tol), "no increase"
    elif lower:
        ok, words = _beyond(baseline - tol, current), rule.comparison
    else:
        ok, words = _beyond(current, baseline + tol), rule.comparison
    shown = f"{rule.tolerance:.0%} of it" if rule.relative else fmt(tol, unit)
    text = f"{fmt(current, unit)} vs baseline {fmt(baseline, unit)} (tolerance {shown})"
    return (Verdict.PASS if ok else Verdict.FAIL), f"{words if ok else 'not ' + words}: {text}"
