"""Histogram arithmetic shared by both sources (Prometheus's bucket interpolation)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from slo.query import RawSample


@dataclass(frozen=True, kw_only=True)
class Buckets:
    """Cumulative bucket counts sorted by upper edge; the last edge is +Inf."""

    edges: tuple[float, ...]
    counts: tuple[float, ...]

    @property
    def total(self) -> float:
        return self.counts[-1]


def buckets_from(samples: list[RawSample]) -> Buckets | None:
    """Buckets from bucket increases grouped by ``le``; None unless a ``+Inf`` bucket is present."""
    pairs = sorted((float(s.labels.get("le", "nan")), s.value) for s in samples)
    pairs = [(edge, count) for edge, count in pairs if not math.isnan(edge)]
    if len(pairs) < 2 or not math.isinf(pairs[-1][0]):
        return None
    counts: list[float] = []
    for _, count in pairs:  # counts must be monotonic (scrape skew can break it)
        counts.append(max(count, counts[-1]) if counts else count)
    return Buckets(edges=tuple(e for e, _ in pairs), counts=tuple(counts))


@dataclass(frozen=True, kw_only=True)
class QuantileEstimate:
    value: float
    lower: float
    upper: float
    in_inf_bucket: bool


def quantile(q: float, buckets: Buckets) -> QuantileEstimate | None:
    """Prometheus's ``histogram_quantile`` plus the bucket edges around the result."""
    if buckets.total <= 0:
        return None
    rank = q * buckets.total
    index = next(i for i, count in enumerate(buckets.counts) if count >= rank)
    if index == len(buckets.edges) - 1:
        last_finite = buckets.edges[-2]
        return QuantileEstimate(
            value=last_finite, lower=last_finite, upper=math.inf, in_inf_bucket=True
        )
    upper = buckets.edges[index]
    lower = 0.0 if index == 0 else buckets.edges[index - 1]
    if index == 0 and upper <= 0:
        return QuantileEstimate(value=upper, lower=upper, upper=upper, in_inf_bucket=False)
    below = 0.0 if index == 0 else buckets.counts[index - 1]
    in_bucket = buckets.counts[index] - below
    value = lower + (upper - lower) * ((rank - below) / in_bucket)
    return QuantileEstimate(value=value, lower=lower, upper=upper, in_inf_bucket=False)


def fraction_under(le: float, buckets: Buckets) -> tuple[float, float, float] | None:
    """(estimate, lower bound, upper bound) of the share of observations <= ``le``.

    Exact (all three equal) when ``le`` is a bucket edge; otherwise interpolated linearly
    inside the bucket holding ``le``, bounded by the shares at its two edges.
    """
    if buckets.total <= 0:
        return None
    n = buckets.total
    for i, edge in enumerate(buckets.edges):
        if math.isclose(edge, le, rel_tol=1e-9):
            share = buckets.counts[i] / n
            return share, share, share
        if edge > le:
            low_edge = 0.0 if i == 0 else buckets.edges[i - 1]
            low_count = 0.0 if i == 0 else buckets.counts[i - 1]
            high = buckets.counts[i] / n
            low = low_count / n
            if math.isinf(edge):
                return low, low, 1.0
            estimate = low + (high - low) * (le - low_edge) / (edge - low_edge)
            return estimate, low, high
    return 1.0, 1.0, 1.0
