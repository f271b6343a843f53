"""What an objective's alert compares its SLI with: the spec's threshold, or a baseline's.

A Prometheus rule cannot read a report, so an objective judged against a baseline run
(``baseline: {comparison: no_increase, tolerance: 0.05}``) gets an alert only when
``slo rules --baseline report.json`` names that run: the report's value of the objective
plus or minus the tolerance becomes a fixed threshold, compared as the gate compares
(``judge_baseline``). Without it the objective is listed in the header, with how to get it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from slo.evaluate import fmt
from slo.spec import Objective
from slo.spec.models import Comparator

#: How the header says to turn a baseline objective into an alert.
HOW_TO_ALERT: Final = (
    "`slo rules --baseline report.json` (a report of the baseline run) alerts on it"
)


@dataclass(frozen=True, kw_only=True)
class BaselineValues:
    """The measured value of each objective of a baseline report, and how to name it.

    ``slo rules --baseline FILE`` reads them from the report (``values[id]`` is the
    report's ``objectives[id].value``, None when it has no value).
    """

    label: str
    values: Mapping[str, float | None]


@dataclass(frozen=True, kw_only=True)
class Limit:
    """The alert's comparison: the objective holds while ``SLI <comparator> threshold``.

    ``words`` states it in the description and the header; ``from_baseline`` is set when
    the threshold was made from a baseline value (no error budget: no burn-rate alerts).
    """

    comparator: Comparator
    threshold: float
    words: str
    from_baseline: bool = False


def limit_of(objective: Objective, baseline: BaselineValues | None) -> Limit | str:
    """The objective's limit, or why it has none (a note for the header)."""
    rule = objective.baseline
    if rule is None:
        assert objective.comparator is not None and objective.threshold is not None
        words = f"{objective.comparator} {fmt(objective.threshold, objective.unit)}"
        return Limit(comparator=objective.comparator, threshold=objective.threshold, words=words)
    if baseline is None:
        return f"judged against a baseline run, no fixed threshold; {HOW_TO_ALERT}"
    value = baseline.values.get(objective.id)
    if value is None or not math.isfinite(value):
        shown = "no value" if value is None else f"the value {value}"
        return f"judged against a baseline run; {baseline.label} has {shown} for it"
    unit = objective.unit
    tolerance = rule.tolerance * abs(value) if rule.relative else rule.tolerance
    lower = rule.comparison == "reduced" or (
        rule.comparison == "improved" and rule.better == "lower"
    )
    comparator: Comparator
    if rule.comparison == "no_increase":
        comparator, threshold = "<=", value + tolerance
    elif lower:
        comparator, threshold = "<", value - tolerance
    else:
        comparator, threshold = ">", value + tolerance
    threshold = round(threshold, 12)  # 0.01 + 0.05 is 0.06, not 0.060000000000000005
    shown = f"{rule.tolerance:.0%} of it" if rule.relative else fmt(tolerance, unit)
    sign = "-" if comparator == "<" else "+"
    words = (
        f"{rule.comparison.replace('_', ' ')}: {comparator} {fmt(threshold, unit)} (the baseline "
        f"{fmt(value, unit)} in {baseline.label} {sign} the tolerance {shown})"
    )
    return Limit(comparator=comparator, threshold=threshold, words=words, from_baseline=True)
