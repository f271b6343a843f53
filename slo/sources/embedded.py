"""The embedded source: query values computed over an in-process ``SampleStore``.

The store (``slo.sources.samples``) is filled by the embedded scraper. This source answers
the same query values Prometheus answers (``slo.query``): counter increases with resets
handled by the store, and per-series gauge aggregates with Prometheus's own rules.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from slo.query import Increase, OverTime, Query, RawSample
from slo.sources.base import QuerySource
from slo.sources.samples import Matcher, SampleStore
from slo.spec import MatcherTuple, ResolvedSelector


def quantile_of(values: list[float], q: float) -> float:
    """Prometheus's ``quantile_over_time`` (linear between closest ranks)."""
    ordered = sorted(values)
    rank = q * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    weight = rank - low
    return ordered[low] * (1 - weight) + ordered[high] * weight


def aggregate(values: list[float], aggregation: str) -> float:
    """One series' samples reduced as the matching ``*_over_time`` function does."""
    if aggregation == "max":
        return max(values)
    if aggregation == "mean":
        return math.fsum(values) / len(values)
    if aggregation == "last":
        return values[-1]
    if aggregation == "count":
        return float(len(values))
    return quantile_of(values, 0.95)


def matches(labels: Mapping[str, str], matchers: Sequence[MatcherTuple]) -> bool:
    """PromQL matcher semantics, by the store's own ``Matcher``."""
    return all(Matcher(label, op, value).matches(labels) for label, op, value in matchers)


class EmbeddedSource(QuerySource):
    """Evaluates query values over samples the harness scraped itself."""

    kind = "embedded"

    def __init__(self, store: SampleStore, *, description: str = "embedded samples") -> None:
        self.store = store
        self.description = description

    def read(self, query: Query, start: float, end: float) -> list[RawSample]:
        if isinstance(query, Increase):
            return self.increase(query.selector, start, end, by=query.by)
        if isinstance(query, OverTime):
            found = [
                RawSample(labels={"series": key}, value=aggregate(values, query.aggregation))
                for key, values in sorted(self.gauge_series(query.selector, start, end).items())
                if values
            ]
            if query.total:
                return [RawSample(value=math.fsum(s.value for s in found))] if found else []
            return found
        return []  # a client statistic: not in the server's samples

    def increase(
        self, selector: ResolvedSelector, start: float, end: float, by: Sequence[str] = ()
    ) -> list[RawSample]:
        """Sum of counter increases of the matching series in [start, end], grouped by ``by``."""
        found = self.store.counter_increase(
            selector.name, _matchers(selector), start, end, by=tuple(by)
        )
        return [
            RawSample(labels=dict(zip(by, key, strict=True)), value=float(value))
            for key, value in sorted(found.items())
        ]

    def gauge_series(
        self, selector: ResolvedSelector, start: float, end: float
    ) -> dict[str, list[float]]:
        """Each matching series' samples in [start, end], keyed by a series name."""
        chosen = self.series(selector)
        if not chosen:
            return {}
        by = tuple(sorted({key for labels in chosen for key in labels}))
        frame = self.store.gauge_values(selector.name, _matchers(selector), start, end, by=by)
        return {
            str(column): [float(v) for v in frame[column].dropna().tolist()]
            for column in frame.columns
            if column != "ts"
        }

    def series(self, selector: ResolvedSelector) -> list[dict[str, str]]:
        """Label sets of the stored series ``selector`` matches."""
        return [
            labels
            for labels in self.store.series_labels(selector.name)
            if matches(labels, selector.matchers)
        ]


def _matchers(selector: ResolvedSelector) -> list[Matcher]:
    return [Matcher(label, op, value) for label, op, value in selector.matchers]
