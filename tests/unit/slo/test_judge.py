"""Verdict rules, table-driven from one known-good objective and measurement."""

from __future__ import annotations

import math
from typing import Any

import pytest

from reports import Verdict
from slo.evaluate import judge_baseline, judge_threshold, overall
from slo.slis import Measurement
from slo.spec import Objective

P, W, F, INC, S = Verdict.PASS, Verdict.WARN, Verdict.FAIL, Verdict.INCONCLUSIVE, Verdict.SKIPPED

BASE: dict[str, Any] = {
    "id": "latency_p95",
    "description": "P95 response time <200ms",
    "sli": {"kind": "quantile", "quantile": 0.95, "histogram": {"metric": "http_request_duration"}},
    "comparator": "<",
    "threshold": 0.2,
    "unit": "seconds",
    "min_requests": 100,
}
RATIO_SLI = {
    "kind": "ratio",
    "numerator": [{"metric": "cache_hits"}],
    "denominator": [{"metric": "cache_misses"}],
}
FAILURES_SLI = {"kind": "client", "stat": "failures"}
GOOD = Measurement(value=0.15, lower=0.1, upper=0.2, requests=1000)


def objective(**change: Any) -> Objective:
    return Objective.model_validate({**BASE, **change})


def measurement(**change: Any) -> Measurement:
    return Measurement(**{**GOOD.__dict__, **change})


CASES = [
    ("the known-good case passes", {}, {}, P, "150 ms < 200 ms"),
    ("a bucket ending at the threshold passes", {}, {"value": 0.2}, P, "200 ms < 200 ms"),
    (
        "a bucket starting at the threshold fails",
        {},
        {"value": 0.3, "lower": 0.2, "upper": 0.5},
        F,
        "in (200 ms, 500 ms] is not < 200 ms",
    ),
    (
        "a bucket straddling the threshold is inconclusive",
        {"threshold": 0.15},
        {},
        INC,
        "lies in (100 ms, 200 ms], which straddles < 150 ms",
    ),
    (
        "a quantile in +Inf above the threshold fails",
        {},
        {"value": 1.0, "lower": 1.0, "upper": math.inf, "in_inf_bucket": True},
        F,
        "(in the +Inf bucket)",
    ),
    (
        "a quantile in +Inf with the threshold beyond the last edge is inconclusive",
        {"threshold": 2.0},
        {"value": 1.0, "lower": 1.0, "upper": math.inf, "in_inf_bucket": True},
        INC,
        "straddles",
    ),
    (
        "no series is inconclusive",
        {},
        {"value": None, "missing": ("x_bucket",)},
        INC,
        "no data: x_bucket",
    ),
    (
        "no series fails when the spec says so",
        {"on_missing": "fail"},
        {"value": None},
        F,
        "no data",
    ),
    (
        "NaN is inconclusive",
        {},
        {"value": math.nan, "lower": None, "upper": None},
        INC,
        "value is nan",
    ),
    ("too few requests is inconclusive", {}, {"requests": 99}, INC, "only 99 requests"),
    (
        "too few requests whose errors already break a '<' ratio fail",
        {"comparator": "<", "threshold": 0.001, "unit": "ratio", "sli": RATIO_SLI},
        {"value": 29 / 37, "requests": 37, "lower": None, "upper": None},
        F,
        "even if the next 63 all went well it would be 29%",
    ),
    (
        "too few requests with a single error under a '<' 2% ratio stay inconclusive",
        {"comparator": "<", "threshold": 0.02, "unit": "ratio", "sli": RATIO_SLI},
        {"value": 1 / 50, "requests": 50, "lower": None, "upper": None},
        INC,
        "only 50 requests",
    ),
    (
        "too few requests that no completion can lift over a '>' ratio fail",
        {"comparator": ">", "threshold": 0.9, "unit": "ratio", "sli": RATIO_SLI},
        {"value": 0.0, "requests": 29, "lower": None, "upper": None},
        F,
        "it would be 71%, not > 90%",
    ),
    (
        "too few requests that enough good ones could lift over a '>' ratio stay inconclusive",
        {"comparator": ">", "threshold": 0.9, "unit": "ratio", "sli": RATIO_SLI},
        {"value": 0.5, "requests": 10, "lower": None, "upper": None},
        INC,
        "only 10 requests",
    ),
    (
        "a warn threshold not met warns",
        {"warn": 0.1},
        {"lower": None, "upper": None},
        W,
        "warn level",
    ),
    (
        "a point value on a strict threshold fails",
        {"comparator": ">", "threshold": 0.9, "unit": "ratio", "sli": RATIO_SLI},
        {"value": 0.9, "lower": None, "upper": None},
        F,
        "90% is not > 90%",
    ),
    (
        "a point value on an inclusive threshold passes",
        {"comparator": ">=", "threshold": 0.7, "unit": "ratio", "sli": RATIO_SLI},
        {"value": 0.7, "lower": None, "upper": None},
        P,
        "70% >= 70%",
    ),
    (
        "equality to zero passes on zero",
        {"comparator": "==", "threshold": 0, "unit": "count", "sli": FAILURES_SLI},
        {"value": 0.0, "lower": None, "upper": None},
        P,
        "0 == 0",
    ),
]


@pytest.mark.parametrize(
    ("name", "obj", "meas", "verdict", "words"), CASES, ids=[c[0] for c in CASES]
)
def test_threshold_verdicts(
    name: str, obj: dict[str, Any], meas: dict[str, Any], verdict: Verdict, words: str
) -> None:
    found, reason = judge_threshold(objective(**obj), measurement(**meas))
    assert (found, words in reason) == (verdict, True), reason


RELATIVE = {
    "comparator": None,
    "threshold": None,
    "unit": "ratio",
    "min_requests": 0,
    "sli": RATIO_SLI,
}
BASELINE_CASES = [
    ("no baseline is skipped", "no_increase", None, 0.01, S),
    ("the same rate is no increase", "no_increase", 0.01, 0.01, P),
    ("a rise within tolerance is no increase", "no_increase", 0.01, 0.0105, P),
    ("a rise beyond tolerance fails", "no_increase", 0.01, 0.0120, F),
    ("a drop beyond tolerance is reduced", "reduced", 0.01, 0.0080, P),
    ("a drop within tolerance is not reduced", "reduced", 0.01, 0.0095, F),
    ("a NaN baseline is inconclusive", "no_increase", math.nan, 0.01, INC),
]


@pytest.mark.parametrize(
    ("name", "comparison", "base", "value", "verdict"),
    BASELINE_CASES,
    ids=[c[0] for c in BASELINE_CASES],
)
def test_baseline_verdicts(
    name: str, comparison: str, base: float | None, value: float, verdict: Verdict
) -> None:
    obj = objective(**RELATIVE, baseline={"comparison": comparison, "tolerance": 0.001})
    assert judge_baseline(obj, Measurement(value=value, requests=1000), base)[0] == verdict


def test_improved_for_a_higher_is_better_sli_needs_a_rise() -> None:
    obj = objective(**RELATIVE, baseline={"comparison": "improved", "better": "higher"})
    assert judge_baseline(obj, Measurement(value=0.95), 0.90)[0] == P
    assert judge_baseline(obj, Measurement(value=0.85), 0.90)[0] == F


def _result(verdict: Verdict, gating: bool = True) -> Any:
    from reports import ObjectiveResult

    return ObjectiveResult(
        id="x",
        description="d",
        verdict=verdict,
        reason="r",
        value=None,
        threshold=None,
        comparator=None,
        unit="ratio",
        gating=gating,
        kind="ratio",
        query="q",
    )


@pytest.mark.parametrize(
    ("verdicts", "expected"),
    [
        ([P, W, S], P),
        ([P, INC], INC),
        ([INC, F], F),
        ([P, (F, False)], P),  # a failing objective that only informs does not gate
        ([P, (INC, False)], P),
    ],
)
def test_the_overall_verdict_follows_the_gating_objectives(
    verdicts: list[Any], expected: Verdict
) -> None:
    results = [_result(*v) if isinstance(v, tuple) else _result(v) for v in verdicts]
    assert overall(results) == expected
