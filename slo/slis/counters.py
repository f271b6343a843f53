"""Ratio of counter increases (hit rate, 499/504 rate, replica share, error rate)."""

from __future__ import annotations

from slo.query import Increase, Needs, RawResult, render
from slo.slis.base import Measurement, SliDef, SliExpression, total, unique_metrics
from slo.spec import ResolvedSelector


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
