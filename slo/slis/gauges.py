"""Gauges over the window: sample aggregation, exact pool utilization, availability."""

from __future__ import annotations

from typing import Final

from slo.query import Aggregation, Increase, Needs, OverTime, RawResult, number, render
from slo.slis.base import Measurement, SliDef, SliExpression, total, unique_metrics
from slo.spec import ResolvedSelector
from slo.timeutil import parse_duration

#: How each per-series result becomes the SLI's value (the gate's rule, and the rules').
_WORST: Final = {"gauge": "max", "availability": "min"}


class _PerSeriesDef(SliDef):
    """Each series' samples aggregated; the worst series counts."""

    name: str = ""

    def __init__(self, selector: ResolvedSelector, aggregation: Aggregation) -> None:
        self.selector = selector
        self.aggregation: Aggregation = aggregation

    def needs(self) -> Needs:
        return {self.name: OverTime(selector=self.selector, aggregation=self.aggregation)}

    def measure(self, raw: RawResult, *, duration: float) -> Measurement:
        samples = raw.get(self.name, [])
        if not samples:
            return Measurement(value=None, missing=(self.selector.promql(),))
        pick = max if _WORST[self.kind] == "max" else min
        return Measurement(value=pick(s.value for s in samples))

    def expression(self, window: str) -> SliExpression:
        (query,) = self.queries(window=window, at=None).values()
        return SliExpression(value=render("worst_series", func=_WORST[self.kind], query=query))


class GaugeDef(_PerSeriesDef):
    """Each series' samples aggregated (max, mean or p95); the worst (largest) series counts."""

    kind = "gauge"
    name = "gauge"

    def __init__(self, gauge: ResolvedSelector, aggregation: Aggregation) -> None:
        super().__init__(gauge, aggregation)
        self.gauge = gauge


class AvailabilityDef(_PerSeriesDef):
    """Share of scrapes (time slices) in which the target was up; the worst target counts."""

    kind = "availability"
    name = "up"

    def __init__(self, up: ResolvedSelector) -> None:
        super().__init__(up, "mean")
        self.up = up


class UtilizationDef(SliDef):
    """busy-seconds increase / (window seconds x pool size): the exact mean utilization.

    Without busy-seconds series (a backend that only exports the gauge), the mean of the
    sampled gauge stands in, and the measurement says so.
    """

    kind = "utilization"

    def __init__(
        self, busy: ResolvedSelector, size: ResolvedSelector, fallback: ResolvedSelector | None
    ) -> None:
        self.busy = busy
        self.size = size
        self.fallback = fallback

    def needs(self) -> Needs:
        found: Needs = {
            "busy": Increase(selector=self.busy),
            "size": OverTime(selector=self.size, aggregation="max", total=True),
        }
        if self.fallback is not None:
            found["fallback"] = OverTime(selector=self.fallback, aggregation="mean")
        return found

    def measure(self, raw: RawResult, *, duration: float) -> Measurement:
        busy, size = raw.get("busy", []), raw.get("size", [])
        if busy and size:
            capacity = duration * total(size)
            if capacity <= 0:
                return Measurement(value=float("nan"), note="pool size is zero")
            return Measurement(value=total(busy) / capacity)
        fallback = raw.get("fallback", [])
        if self.fallback is not None and fallback:
            return Measurement(
                value=max(s.value for s in fallback),
                note=f"no {self.busy.name}: mean of sampled {self.fallback.name}",
            )
        return Measurement(value=None, missing=(self.busy.promql(), self.size.promql()))

    def expression(self, window: str) -> SliExpression:
        queries = self.queries(window=window, at=None)
        seconds = number(parse_duration(window))
        exact = render("utilization", busy=queries["busy"], seconds=seconds, size=queries["size"])
        if "fallback" in queries:
            exact = render("or_fallback", exact=exact, fallback=queries["fallback"])
        return SliExpression(value=exact)

    def required(self) -> list[list[ResolvedSelector]]:
        groups = [unique_metrics([self.busy, self.size])]
        if self.fallback is not None:
            groups.append([self.fallback])
        return groups

    def must_move(self) -> list[ResolvedSelector]:
        return []  # an idle pool (the replica took the reads) is what the guide hopes for
