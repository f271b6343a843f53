"""Gauges over the window: sample aggregation, exact pool utilization, availability."""

from __future__ import annotations

import math
from typing import Final

from slo.slis.base import Measurement, RawResult, RawSample, SeriesReader, SliDef, total
from slo.slis.promql import at_modifier, render
from slo.spec.mapping import ResolvedSelector

# aggregation -> (PromQL function, its leading arguments)
_OVER_TIME: Final[dict[str, tuple[str, str]]] = {
    "max": ("max_over_time", ""),
    "mean": ("avg_over_time", ""),
    "p95": ("quantile_over_time", "0.95, "),
}


def quantile_of(values: list[float], q: float) -> float:
    """Prometheus's ``quantile_over_time`` (linear between closest ranks)."""
    ordered = sorted(values)
    rank = q * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    weight = rank - low
    return ordered[low] * (1 - weight) + ordered[high] * weight


def aggregate(values: list[float], aggregation: str) -> float:
    if aggregation == "max":
        return max(values)
    if aggregation == "mean":
        return math.fsum(values) / len(values)
    return quantile_of(values, 0.95)


def _over_time(
    reader: SeriesReader, sel: ResolvedSelector, start: float, end: float, aggregation: str
) -> list[RawSample]:
    series = reader.gauge_series(sel, start, end)
    return [
        RawSample(labels={"series": key}, value=aggregate(values, aggregation))
        for key, values in sorted(series.items())
        if values
    ]


def _over_time_query(sel: ResolvedSelector, aggregation: str, window: str, at: float | None) -> str:
    func, args = _OVER_TIME[aggregation]
    return render(
        "over_time", func=func, args=args, selector=sel.promql(), window=window, at=at_modifier(at)
    )


class GaugeDef(SliDef):
    """Each series' samples aggregated (max, mean or p95); the worst (largest) series counts."""

    kind = "gauge"

    def __init__(self, gauge: ResolvedSelector, aggregation: str) -> None:
        self.gauge = gauge
        self.aggregation = aggregation

    def queries(self, *, window: str, at: float | None) -> dict[str, str]:
        return {"gauge": _over_time_query(self.gauge, self.aggregation, window, at)}

    def fetch_embedded(self, reader: SeriesReader, start: float, end: float) -> RawResult:
        return {"gauge": _over_time(reader, self.gauge, start, end, self.aggregation)}

    def measure(self, raw: RawResult, *, duration: float) -> Measurement:
        samples = raw.get("gauge", [])
        if not samples:
            return Measurement(value=None, missing=(self.gauge.promql(),))
        return Measurement(value=max(s.value for s in samples))

    def selectors(self) -> list[ResolvedSelector]:
        return [self.gauge]


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

    def queries(self, *, window: str, at: float | None) -> dict[str, str]:
        pin = at_modifier(at)
        found = {
            "busy": render("increase", selector=self.busy.promql(), window=window, at=pin),
            "size": render("sum_max_over_time", selector=self.size.promql(), window=window, at=pin),
        }
        if self.fallback is not None:
            found["fallback"] = _over_time_query(self.fallback, "mean", window, at)
        return found

    def fetch_embedded(self, reader: SeriesReader, start: float, end: float) -> RawResult:
        sizes = _over_time(reader, self.size, start, end, "max")
        found: RawResult = {
            "busy": reader.increase(self.busy, start, end),
            "size": [RawSample(value=total(sizes))] if sizes else [],
        }
        if self.fallback is not None:
            found["fallback"] = _over_time(reader, self.fallback, start, end, "mean")
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

    def selectors(self) -> list[ResolvedSelector]:
        extra = [self.fallback] if self.fallback is not None else []
        return [self.busy, self.size, *extra]

    def must_move(self) -> list[ResolvedSelector]:
        return []  # an idle pool (the replica took the reads) is what the guide hopes for


class AvailabilityDef(SliDef):
    """Share of scrapes (time slices) in which the target was up; the worst target counts."""

    kind = "availability"

    def __init__(self, up: ResolvedSelector) -> None:
        self.up = up

    def queries(self, *, window: str, at: float | None) -> dict[str, str]:
        return {"up": _over_time_query(self.up, "mean", window, at)}

    def fetch_embedded(self, reader: SeriesReader, start: float, end: float) -> RawResult:
        return {"up": _over_time(reader, self.up, start, end, "mean")}

    def measure(self, raw: RawResult, *, duration: float) -> Measurement:
        samples = raw.get("up", [])
        if not samples:
            return Measurement(value=None, missing=(self.up.promql(),))
        return Measurement(value=min(s.value for s in samples))

    def selectors(self) -> list[ResolvedSelector]:
        return [self.up]
