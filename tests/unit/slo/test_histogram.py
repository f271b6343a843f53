"""Bucket arithmetic shared by both sources."""

from __future__ import annotations

import math

import pytest

from slo.slis import RawSample
from slo.slis.histogram import buckets_from, fraction_under, quantile


def buckets(pairs: list[tuple[str, float]]):  # type: ignore[no-untyped-def]
    return buckets_from([RawSample(labels={"le": le}, value=v) for le, v in pairs])


HIST = [("0.1", 50.0), ("0.2", 90.0), ("0.5", 100.0), ("+Inf", 100.0)]


@pytest.mark.parametrize(
    ("q", "value", "lower", "upper"),
    [(0.5, 0.1, 0.0, 0.1), (0.7, 0.15, 0.1, 0.2), (0.95, 0.35, 0.2, 0.5), (0.25, 0.05, 0.0, 0.1)],
)
def test_a_quantile_interpolates_inside_its_bucket_like_prometheus(
    q: float, value: float, lower: float, upper: float
) -> None:
    found = quantile(q, buckets(HIST))
    assert found is not None
    assert (found.value, found.lower, found.upper) == pytest.approx((value, lower, upper))


def test_a_quantile_beyond_the_last_finite_edge_is_flagged_in_inf() -> None:
    found = quantile(0.99, buckets([("0.1", 50.0), ("+Inf", 100.0)]))
    assert found is not None
    assert (found.value, found.upper, found.in_inf_bucket) == (0.1, math.inf, True)


def test_buckets_without_inf_are_not_a_histogram() -> None:
    assert buckets([("0.1", 5.0), ("0.2", 9.0)]) is None


def test_non_monotonic_buckets_are_made_monotonic() -> None:
    found = buckets([("0.1", 60.0), ("0.2", 55.0), ("+Inf", 100.0)])
    assert found is not None and found.counts == (60.0, 60.0, 100.0)


def test_no_observations_give_no_quantile() -> None:
    assert quantile(0.95, buckets([("0.1", 0.0), ("+Inf", 0.0)])) is None


def test_the_share_under_a_bucket_edge_is_exact() -> None:
    assert fraction_under(0.2, buckets(HIST)) == (0.9, 0.9, 0.9)


def test_the_share_under_a_value_between_edges_is_bounded_by_them() -> None:
    assert fraction_under(0.15, buckets(HIST)) == pytest.approx((0.7, 0.5, 0.9))
