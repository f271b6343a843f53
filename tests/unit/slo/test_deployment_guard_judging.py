"""The deployment-hours spec features: consecutive slices, increased and relative baselines,
expected absence, the increase SLI and the time scale, judged on known numbers."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter

from reports import Verdict
from slo.evaluate import Window, judge_baseline, judge_threshold
from slo.evaluate.sustained import judge_slices, too_short
from slo.slis import Measurement, RawResult, RawSample, SliDef, build_sli
from slo.spec import Objective, Resolver

T0 = 1_767_225_600.0


def objective(**fields: Any) -> Objective:
    base: dict[str, Any] = {
        "id": "o",
        "description": "d",
        "sli": {"kind": "increase", "counters": [{"metric": "replica_connection_errors"}]},
        "comparator": "==",
        "threshold": 0,
        "unit": "count",
    }
    return TypeAdapter(Objective).validate_python({**base, **fields})


SLOW = {
    "sli": {"kind": "increase", "counters": [{"metric": "db_queries"}], "per_second": True},
    "comparator": "<",
    "threshold": 2,
    "unit": "requests_per_second",
    "sustained": {"slice": "1m", "min_window": "5m", "consecutive": 5},
}


class PerSlice:
    """A source whose counter rose by the given amounts, one per slice (None: no series)."""

    kind = "fake"
    description = "fake"

    def __init__(self, rises: list[float | None]) -> None:
        self.rises = rises

    def fetch(self, sli: SliDef, start: float, end: float) -> tuple[RawResult, dict[str, str]]:
        raise AssertionError("not used")

    def fetch_slices(self, sli: SliDef, ends: list[float], size: float) -> list[RawResult]:
        assert len(ends) == len(self.rises)
        return [
            {"counter_0": [] if rise is None else [RawSample(value=rise * size)]}
            for rise in self.rises
        ]


def slices_verdict(rises: list[float | None], scale: float = 1.0) -> tuple[Verdict, str]:
    o = objective(**SLOW)
    sli = build_sli(o.sli, Resolver())
    window = Window(start=T0, end=T0 + 60 * scale * len(rises))
    (verdict, reason), _ = judge_slices(o, sli, PerSlice(rises), window, scale)
    return verdict, reason


def test_five_failing_minutes_in_a_row_trip_the_objective() -> None:
    verdict, reason = slices_verdict([1, 3, 3, 3, 3, 3])
    assert verdict == Verdict.FAIL
    assert reason.startswith("5 1m slices in a row failed")


def test_five_failing_minutes_that_are_not_in_a_row_do_not() -> None:
    verdict, reason = slices_verdict([3, 3, 3, 3, 1, 3, 3, 3])
    assert verdict == Verdict.PASS
    assert "longest run 4 of 8" in reason


def test_a_minute_without_data_that_could_complete_the_run_is_inconclusive() -> None:
    verdict, reason = slices_verdict([3, 3, None, 3, 3])
    assert verdict == Verdict.INCONCLUSIVE
    assert "could complete 5 failing" in reason


def test_the_time_scale_shortens_the_slices_and_says_so() -> None:
    verdict, reason = slices_verdict([3, 3, 3, 3, 3], scale=0.05)
    assert verdict == Verdict.FAIL
    assert "1m (x0.05: 3s)" in reason
    short = too_short(objective(**SLOW), Window(start=T0, end=T0 + 14), 0.05)
    assert short is not None and short[0] == Verdict.SKIPPED
    assert too_short(objective(**SLOW), Window(start=T0, end=T0 + 15), 0.05) is None


@pytest.mark.parametrize(
    ("value", "verdict"), [(0.31, Verdict.PASS), (0.30, Verdict.FAIL), (0.2, Verdict.FAIL)]
)
def test_increased_needs_more_than_the_baseline(value: float, verdict: Verdict) -> None:
    o = objective(
        sli={
            "kind": "ratio",
            "numerator": [{"metric": "db_queries", "match": {"client_type": "replica"}}],
            "denominator": [{"metric": "db_queries"}],
        },
        comparator=None,
        threshold=None,
        unit="ratio",
        baseline={"comparison": "increased"},
    )
    assert judge_baseline(o, Measurement(value=value), 0.30)[0] == verdict


@pytest.mark.parametrize(
    ("relative", "value", "verdict"),
    [
        (False, 0.149, Verdict.PASS),  # 5 percentage points above 10%
        (False, 0.151, Verdict.FAIL),
        (True, 0.104, Verdict.PASS),  # 5% of 10% above it
        (True, 0.106, Verdict.FAIL),
    ],
)
def test_the_error_rate_reading_is_a_spec_setting(
    relative: bool, value: float, verdict: Verdict
) -> None:
    o = objective(
        sli={
            "kind": "ratio",
            "numerator": [{"metric": "http_requests", "match_re": {"status": "5.."}}],
            "denominator": [{"metric": "http_requests"}],
        },
        comparator=None,
        threshold=None,
        unit="ratio",
        baseline={"comparison": "no_increase", "tolerance": 0.05, "relative": relative},
    )
    found, reason = judge_baseline(o, Measurement(value=value), 0.10)
    assert found == verdict, reason


def test_absent_series_pass_only_where_the_spec_expects_absence() -> None:
    absent = Measurement(value=None, missing=("catalog_cache_hits_total",))
    expected = objective(on_missing="expected")
    verdict, reason = judge_threshold(expected, absent)
    assert (verdict, reason) == (
        Verdict.PASS,
        "no series (catalog_cache_hits_total): absent, as expected",
    )
    assert judge_threshold(objective(), absent)[0] == Verdict.INCONCLUSIVE
    assert judge_threshold(expected, Measurement(value=3.0))[0] == Verdict.FAIL
    assert judge_threshold(expected, Measurement(value=0.0))[0] == Verdict.PASS


def test_the_increase_sli_sums_counters_counts_a_missing_one_as_zero_and_needs_one() -> None:
    sli = build_sli(
        objective(
            sli={
                "kind": "increase",
                "counters": [{"metric": "cache_hits"}, {"metric": "cache_misses"}],
                "per_second": True,
            },
            comparator="<",
            threshold=1,
            unit="requests_per_second",
        ).sli,
        Resolver(),
    )
    both = sli.measure(
        {"counter_0": [RawSample(value=30.0)], "counter_1": [RawSample(value=30.0)]},
        duration=60,
    )
    assert (both.value, both.requests) == (1.0, 60.0)
    one = sli.measure({"counter_0": [RawSample(value=30.0)], "counter_1": []}, duration=60)
    assert one.value == 0.5
    none = sli.measure({"counter_0": [], "counter_1": []}, duration=60)
    assert none.value is None
    assert none.missing == ("catalog_cache_hits_total", "catalog_cache_misses_total")
    assert sli.expression("5m").value == (
        "((sum(increase(catalog_cache_hits_total[5m])) or vector(0)) + "
        "(sum(increase(catalog_cache_misses_total[5m])) or vector(0))) / 300"
    )


def test_minutes_without_any_data_are_inconclusive_not_a_pass() -> None:
    verdict, _ = slices_verdict([None, None, None, None, None])
    assert verdict == Verdict.INCONCLUSIVE


@pytest.mark.parametrize(
    ("baseline", "current"), [(0.0355, 0.0855), (0.01, 0.06), (0.0001, 0.0501)]
)
def test_exactly_the_tolerance_above_the_baseline_is_no_increase_despite_float_rounding(
    baseline: float, current: float
) -> None:
    o = objective(
        sli={
            "kind": "ratio",
            "numerator": [{"metric": "http_requests", "match_re": {"status": "5.."}}],
            "denominator": [{"metric": "http_requests"}],
        },
        comparator=None,
        threshold=None,
        unit="ratio",
        baseline={"comparison": "no_increase", "tolerance": 0.05},
    )
    assert judge_baseline(o, Measurement(value=current), baseline)[0] == Verdict.PASS
    assert judge_baseline(o, Measurement(value=current + 1e-6), baseline)[0] == Verdict.FAIL
