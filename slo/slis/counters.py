"""Ratio of counter increases (hit rate, 499/504 rate, replica share, error rate)."""

from __future__ import annotations

from slo.query import Increase, Needs, RawResult, number, render
from slo.slis.base import Measurement, SliDef, SliExpression, total, unique_metrics
from slo.spec import ResolvedSelector
from slo.timeutil import parse_duration


class RatioDef(SliDef):
    """sum(numerator increases) / sum(denominator increases) over the window.

    With ``traffic`` selectors, a denominator that counted nothing while the traffic
    counters rose gives 0 (nothing of that traffic was served by the feature), not NaN.

    A numerator term with no series counts as zero when its metric has series in the
    denominator (no 504 was ever counted); a denominator term with no series leaves the SLI
    without a value (the metric is absent: never a pass).
    """

    kind = "ratio"

    def __init__(
        self,
        numerator: list[ResolvedSelector],
        denominator: list[ResolvedSelector],
        traffic: list[ResolvedSelector] | None = None,
    ) -> None:
        self.numerator = numerator
        self.denominator = denominator
        self.traffic = traffic or []

    def _terms(self) -> list[tuple[str, ResolvedSelector]]:
        return (
            [(f"numerator_{i}", s) for i, s in enumerate(self.numerator)]
            + [(f"denominator_{i}", s) for i, s in enumerate(self.denominator)]
            + [(f"traffic_{i}", s) for i, s in enumerate(self.traffic)]
        )

    def needs(self) -> Needs:
        return {name: Increase(selector=sel) for name, sel in self._terms()}

    def measure(self, raw: RawResult, *, duration: float) -> Measurement:
        missing = tuple(
            sel.promql()
            for i, sel in enumerate(self.denominator)
            if not raw.get(f"denominator_{i}")
        )
        present = {
            sel.name for i, sel in enumerate(self.denominator) if raw.get(f"denominator_{i}")
        }
        missing += tuple(
            sel.promql()
            for i, sel in enumerate(self.numerator)
            if not raw.get(f"numerator_{i}") and sel.name not in present
        )
        if missing:
            return Measurement(value=None, missing=missing)
        numerator = sum(total(raw.get(f"numerator_{i}", [])) for i in range(len(self.numerator)))
        denominator = sum(total(raw[f"denominator_{i}"]) for i in range(len(self.denominator)))
        if denominator == 0:
            served = sum(total(raw.get(f"traffic_{i}", [])) for i in range(len(self.traffic)))
            if served > 0:
                names = " + ".join(sel.name for sel in self.denominator)
                note = f"{names} counted nothing while the service served {served:.0f} requests"
                return Measurement(value=0.0, requests=served, note=note)
            return Measurement(value=float("nan"), requests=0.0, note="no events in the window")
        return Measurement(value=numerator / denominator, requests=denominator)

    def expression(self, window: str) -> SliExpression:
        queries = self.queries(window=window, at=None)
        denominator_names = {sel.name for sel in self.denominator}
        numerator = " + ".join(
            render("zero_if_absent", query=queries[f"numerator_{i}"])
            if sel.name in denominator_names
            else queries[f"numerator_{i}"]
            for i, sel in enumerate(self.numerator)
        )
        denominator = " + ".join(queries[f"denominator_{i}"] for i in range(len(self.denominator)))
        value = render("ratio", numerator=numerator, denominator=denominator)
        requests = denominator
        if self.traffic:
            traffic = " + ".join(queries[f"traffic_{i}"] for i in range(len(self.traffic)))
            value = render(
                "ratio_or_unserved", ratio=value, traffic=traffic, denominator=denominator
            )
            requests = render("requests_or_traffic", denominator=denominator, traffic=traffic)
        return SliExpression(value=value, requests=requests)

    def required(self) -> list[list[ResolvedSelector]]:
        names = {sel.name for sel in self.denominator}
        needed = list(self.denominator) + [s for s in self.numerator if s.name not in names]
        return [unique_metrics(needed)]

    def must_move(self) -> list[ResolvedSelector]:
        # An error counter that stays still is good news; the denominator must count.
        return list(self.denominator)


class IncreaseDef(SliDef):
    """How much counters rose over the window: the sum of their increases, or per second.

    A counter with no series counts as zero when another counter of the sum has series; no
    series at all leaves the SLI without a value (``on_missing`` decides what that means).
    """

    kind = "increase"

    def __init__(self, counters: list[ResolvedSelector], *, per_second: bool) -> None:
        self.counters = counters
        self.per_second = per_second

    def needs(self) -> Needs:
        return {f"counter_{i}": Increase(selector=sel) for i, sel in enumerate(self.counters)}

    def measure(self, raw: RawResult, *, duration: float) -> Measurement:
        answered = [
            raw[f"counter_{i}"] for i in range(len(self.counters)) if raw.get(f"counter_{i}")
        ]
        if not answered:
            return Measurement(value=None, missing=tuple(sel.promql() for sel in self.counters))
        rose = sum(total(samples) for samples in answered)
        if not self.per_second:
            return Measurement(value=rose)
        if duration <= 0:
            return Measurement(value=float("nan"), note="the window has no length")
        return Measurement(value=rose / duration, requests=rose)

    def expression(self, window: str) -> SliExpression:
        summed = " + ".join(
            render("zero_if_absent", query=q) for q in self.queries(window=window, at=None).values()
        )
        if not self.per_second:
            return SliExpression(value=summed)
        return SliExpression(
            value=render("per_second", value=summed, seconds=number(parse_duration(window)))
        )

    def required(self) -> list[list[ResolvedSelector]]:
        # Any one counter of the sum gives it a value (the others count zero).
        return [[sel] for sel in unique_metrics(self.selectors())]

    def must_move(self) -> list[ResolvedSelector]:
        return []  # "no connection errors", "the rolled-back feature is frozen": stillness is good
