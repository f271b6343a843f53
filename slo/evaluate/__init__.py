"""Judging: the run's configuration (``RunConfig``), windows, verdict rules, sustained
slices, and ``evaluate`` building the Report."""

from __future__ import annotations

from slo.evaluate.config import RunConfig, SpecConfig
from slo.evaluate.engine import EXIT_CODES, evaluate, overall
from slo.evaluate.figures import measure_figures
from slo.evaluate.judge import Outcome, fmt, judge_baseline, judge_threshold
from slo.evaluate.rejudge import rejudge
from slo.evaluate.window import Window
from slo.sources import MetricSource

Evaluation = RunConfig  # its former name, which tests and older callers still use

__all__ = [
    "EXIT_CODES",
    "Evaluation",
    "MetricSource",
    "Outcome",
    "RunConfig",
    "SpecConfig",
    "Window",
    "evaluate",
    "fmt",
    "judge_baseline",
    "judge_threshold",
    "measure_figures",
    "overall",
    "rejudge",
]
