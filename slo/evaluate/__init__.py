"""Judging: windows, verdict rules, sustained slices, and ``evaluate`` building the Report."""

from __future__ import annotations

from slo.evaluate.engine import EXIT_CODES, Evaluation, evaluate, overall
from slo.evaluate.judge import fmt, judge_baseline, judge_threshold
from slo.evaluate.rejudge import rejudge
from slo.evaluate.sources import MetricSource
from slo.evaluate.window import Window

__all__ = [
    "EXIT_CODES",
    "Evaluation",
    "MetricSource",
    "Window",
    "evaluate",
    "fmt",
    "judge_baseline",
    "judge_threshold",
    "overall",
    "rejudge",
]
