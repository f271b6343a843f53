"""Latency from histogram buckets: a quantile, or the share under a threshold."""

from __future__ import annotations

from slo.metrics import BUCKET_SUFFIX, LABEL_LE
from slo.slis.base import Measurement, RawResult, SeriesReader, SliDef
from slo.slis.histogram import buckets_from, fraction_under, quantile
from slo.slis.promql import at_modifier, render
from slo.spec.mapping import ResolvedSelector

BUCKETS = "buckets"


class _HistogramDef(SliDef):
    def __init__(self, histogram: ResolvedSelector) -> None:
        self.histogram = histogram
        self.buckets = histogram.with_suffix(BUCKET_SUFFIX)

    def queries(self, *, window: str, at: float | None) -> dict[str, str]:
        query = render(
            "bucket_increase", selector=self.buckets.promql(), window=window, at=at_modifier(at)
        )
        return {BUCKETS: query}

    def fetch_embedded(self, reader: SeriesReader, start: float, end: float) -> RawResult:
        return {BUCKETS: reader.increase(self.buckets, start, end, by=(LABEL_LE,))}

    def selectors(self) -> list[ResolvedSelector]:
        return [self.buckets]


class QuantileDef(_HistogramDef):
    """``histogram_quantile(q, sum by (le) (increase(..._bucket[w])))`` with its bucket edges."""

    kind = "quantile"

    def __init__(self, histogram: ResolvedSelector, q: float) -> None:
        super().__init__(histogram)
        self.q = q

    def measure(self, raw: RawResult, *, duration: float) -> Measurement:
        buckets = buckets_from(raw.get(BUCKETS, []))
        if buckets is None:
            return Measurement(value=None, missing=(self.buckets.promql(),))
        estimate = quantile(self.q, buckets)
        if estimate is None:
            return Measurement(value=float("nan"), requests=0.0, note="no observations")
        return Measurement(
            value=estimate.value,
            lower=estimate.lower,
            upper=estimate.upper,
            requests=buckets.total,
            in_inf_bucket=estimate.in_inf_bucket,
        )


class FractionUnderDef(_HistogramDef):
    """Share of observations at or under ``le``: the ``le`` bucket over the ``+Inf`` bucket."""

    kind = "fraction_under"

    def __init__(self, histogram: ResolvedSelector, le: float) -> None:
        super().__init__(histogram)
        self.le = le

    def measure(self, raw: RawResult, *, duration: float) -> Measurement:
        buckets = buckets_from(raw.get(BUCKETS, []))
        if buckets is None:
            return Measurement(value=None, missing=(self.buckets.promql(),))
        share = fraction_under(self.le, buckets)
        if share is None:
            return Measurement(value=float("nan"), requests=0.0, note="no observations")
        value, low, high = share
        exact = low == high
        return Measurement(
            value=value,
            lower=None if exact else low,
            upper=None if exact else high,
            requests=buckets.total,
            note="" if exact else f"le={self.le} is not a bucket edge: interpolated",
        )
