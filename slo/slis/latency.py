"""Latency from histogram buckets: a quantile, or the share under a threshold."""

from __future__ import annotations

from abc import abstractmethod

from slo.metrics import BUCKET_SUFFIX, LABEL_LE
from slo.query import Increase, Needs, RawResult, number, render
from slo.slis.base import Measurement, SliDef, SliExpression
from slo.slis.histogram import Buckets, buckets_from, fraction_under, quantile
from slo.spec import ResolvedSelector

BUCKETS = "buckets"


class _HistogramDef(SliDef):
    def __init__(self, histogram: ResolvedSelector) -> None:
        self.histogram = histogram
        self.buckets = histogram.with_suffix(BUCKET_SUFFIX)

    def needs(self) -> Needs:
        return {BUCKETS: Increase(selector=self.buckets, by=(LABEL_LE,))}

    def measure(self, raw: RawResult, *, duration: float) -> Measurement:
        buckets = buckets_from(raw.get(BUCKETS, []))
        if buckets is None:
            return Measurement(value=None, missing=(self.buckets.promql(),))
        if buckets.total <= 0:
            return Measurement(value=float("nan"), requests=0.0, note="no observations")
        return self.from_buckets(buckets)

    @abstractmethod
    def from_buckets(self, buckets: Buckets) -> Measurement:
        """The measurement from buckets holding at least one observation."""


class QuantileDef(_HistogramDef):
    """The ``q`` quantile of the bucket increases, interpolated as Prometheus does, with the
    edges of the bucket it falls in."""

    kind = "quantile"

    def __init__(self, histogram: ResolvedSelector, q: float) -> None:
        super().__init__(histogram)
        self.q = q

    def from_buckets(self, buckets: Buckets) -> Measurement:
        estimate = quantile(self.q, buckets)
        assert estimate is not None  # only None without observations
        return Measurement(
            value=estimate.value,
            lower=estimate.lower,
            upper=estimate.upper,
            requests=buckets.total,
            in_inf_bucket=estimate.in_inf_bucket,
        )

    def expression(self, window: str) -> SliExpression:
        buckets = self.queries(window=window, at=None)[BUCKETS]
        return SliExpression(
            value=render("quantile", q=number(self.q), buckets=buckets),
            requests=render("observations", buckets=buckets),
        )


class FractionUnderDef(_HistogramDef):
    """Share of observations at or under ``le``: the ``le`` bucket over the ``+Inf`` bucket."""

    kind = "fraction_under"

    def __init__(self, histogram: ResolvedSelector, le: float) -> None:
        super().__init__(histogram)
        self.le = le

    def from_buckets(self, buckets: Buckets) -> Measurement:
        share = fraction_under(self.le, buckets)
        assert share is not None  # only None without observations
        value, low, high = share
        exact = low == high
        return Measurement(
            value=value,
            lower=None if exact else low,
            upper=None if exact else high,
            requests=buckets.total,
            note="" if exact else f"le={self.le} is not a bucket edge: interpolated",
        )
