"""The embedded source: SLIs evaluated over an in-process ``SampleStore``.

The store (``slo.sources.samples``) is filled by the embedded scraper; this adapter turns
resolved selectors into the store's matchers and exposes the ``SeriesReader`` protocol
the SLIs read from, so the same SLI definitions run on both sources.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from slo.slis.base import RawResult, RawSample, SliDef
from slo.spec.mapping import MatcherTuple, ResolvedSelector
from slo.timeutil import format_duration


class SampleStoreLike(Protocol):
    """The part of ``slo.sources.samples.SampleStore`` this adapter uses."""

    def series_labels(self, metric: str) -> list[dict[str, str]]: ...

    def counter_increase(
        self, metric: str, matchers: Sequence[Any], start: float, end: float, by: Sequence[str] = ()
    ) -> dict[tuple[str, ...], float]: ...

    def gauge_values(
        self, metric: str, matchers: Sequence[Any], start: float, end: float, by: Sequence[str] = ()
    ) -> Any: ...

    def time_range(self) -> tuple[float, float] | None: ...


def matches(labels: Mapping[str, str], matchers: Sequence[MatcherTuple]) -> bool:
    """PromQL matcher semantics, by the store's own ``Matcher``."""
    from slo.sources.samples import Matcher

    return all(Matcher(label, op, value).matches(labels) for label, op, value in matchers)


class StoreReader:
    """``SeriesReader`` over a ``SampleStore``."""

    def __init__(self, store: SampleStoreLike) -> None:
        self.store = store

    def _matchers(self, selector: ResolvedSelector) -> list[Any]:
        from slo.sources.samples import Matcher  # the store's own matcher type

        return [Matcher(label, op, value) for label, op, value in selector.matchers]

    def increase(
        self, selector: ResolvedSelector, start: float, end: float, by: Sequence[str] = ()
    ) -> list[RawSample]:
        found = self.store.counter_increase(
            selector.name, self._matchers(selector), start, end, by=tuple(by)
        )
        return [
            RawSample(labels=dict(zip(by, key, strict=True)), value=float(value))
            for key, value in sorted(found.items())
        ]

    def gauge_series(
        self, selector: ResolvedSelector, start: float, end: float
    ) -> dict[str, list[float]]:
        chosen = [
            labels
            for labels in self.store.series_labels(selector.name)
            if matches(labels, selector.matchers)
        ]
        if not chosen:
            return {}
        by = tuple(sorted({key for labels in chosen for key in labels}))
        frame = self.store.gauge_values(selector.name, self._matchers(selector), start, end, by=by)
        return {
            str(column): [float(v) for v in frame[column].dropna().tolist()]
            for column in frame.columns
            if column != "ts"
        }


class EmbeddedSource:
    """Evaluates SLIs over samples the harness scraped itself."""

    kind = "embedded"

    def __init__(self, store: SampleStoreLike, *, description: str = "embedded samples") -> None:
        self.reader = StoreReader(store)
        self.store = store
        self.description = description

    def fetch(self, sli: SliDef, start: float, end: float) -> tuple[RawResult, dict[str, str]]:
        queries = sli.queries(window=format_duration(end - start), at=end)
        return sli.fetch_embedded(self.reader, start, end), queries

    def fetch_slices(self, sli: SliDef, ends: list[float], size: float) -> list[RawResult]:
        return [sli.fetch_embedded(self.reader, end - size, end) for end in ends]

    def series(self, selector: ResolvedSelector) -> list[dict[str, str]]:
        return [
            labels
            for labels in self.store.series_labels(selector.name)
            if matches(labels, selector.matchers)
        ]
