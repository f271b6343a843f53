"""One PromQL expression per SLI, assembled from the SLI's own named queries.

``slo check`` runs ``SliDef.queries(window=W)`` and combines the results in Python
(``SliDef.measure``); this module combines the *same* query strings in PromQL, with the
same rules for missing data: a denominator that counted nothing gives no sample, an absent
numerator counts as zero when its metric is in the denominator, ``traffic`` turns "no
lookups while requests were served" into 0, pool utilization falls back to the gauge.
"""

from __future__ import annotations

from dataclasses import dataclass

from slo.rules.promql import number, render
from slo.slis import SliDef
from slo.slis.counters import RatioDef
from slo.slis.gauges import AvailabilityDef, GaugeDef, UtilizationDef
from slo.slis.latency import BUCKETS, QuantileDef
from slo.spec.mapping import ResolvedSelector
from slo.timeutil import parse_duration

#: How each gauge aggregation picks one value from the per-series results (the gate's rule).
_WORST = {"gauge": "max", "availability": "min"}


@dataclass(frozen=True, kw_only=True)
class SliExpression:
    """The SLI's value over ``window`` and, when it has one, its number of events."""

    value: str
    requests: str | None = None


class UnsupportedSli(Exception):
    """The SLI kind has no single-expression form (fraction_under, client statistics)."""


def sli_expression(sli: SliDef, window: str) -> SliExpression:
    """The PromQL computing ``sli`` over ``window``, built from ``sli.queries(window=...)``."""
    queries = sli.queries(window=window, at=None)
    if isinstance(sli, RatioDef):
        return _ratio(sli, queries)
    if isinstance(sli, QuantileDef):
        buckets = queries[BUCKETS]
        return SliExpression(
            value=render("quantile", q=number(sli.q), buckets=buckets),
            requests=render("observations", buckets=buckets),
        )
    if isinstance(sli, UtilizationDef):
        seconds = number(parse_duration(window))
        exact = render("utilization", busy=queries["busy"], seconds=seconds, size=queries["size"])
        if "fallback" in queries:
            exact = render("or_fallback", exact=exact, fallback=queries["fallback"])
        return SliExpression(value=exact)
    if isinstance(sli, GaugeDef | AvailabilityDef):
        (query,) = queries.values()
        return SliExpression(value=render("worst_series", func=_WORST[sli.kind], query=query))
    raise UnsupportedSli(f"a {sli.kind} SLI has no single PromQL expression")


def _ratio(sli: RatioDef, queries: dict[str, str]) -> SliExpression:
    denominator_names = {sel.name for sel in sli.denominator}
    numerator = " + ".join(
        render("zero_if_absent", query=queries[f"numerator_{i}"])
        if sel.name in denominator_names
        else queries[f"numerator_{i}"]
        for i, sel in enumerate(sli.numerator)
    )
    denominator = " + ".join(queries[f"denominator_{i}"] for i in range(len(sli.denominator)))
    value = render("ratio", numerator=numerator, denominator=denominator)
    requests = denominator
    if sli.traffic:
        traffic = " + ".join(queries[f"traffic_{i}"] for i in range(len(sli.traffic)))
        value = render("ratio_or_unserved", ratio=value, traffic=traffic, denominator=denominator)
        requests = render("requests_or_traffic", denominator=denominator, traffic=traffic)
    return SliExpression(value=value, requests=requests)


def required(sli: SliDef) -> list[list[ResolvedSelector]]:
    """What must exist for the SLI to have a value: any one of these groups, all of a group.

    Only the metric (with the mapping's matchers, not the SLI's filters) counts: a metric
    with no 504 series yet is healthy; a metric with no series at all is a silent exporter.
    """
    if isinstance(sli, RatioDef):
        names = {sel.name for sel in sli.denominator}
        needed = list(sli.denominator) + [s for s in sli.numerator if s.name not in names]
        return [_unique(needed)]
    if isinstance(sli, UtilizationDef):
        groups = [_unique([sli.busy, sli.size])]
        if sli.fallback is not None:
            groups.append([sli.fallback])
        return groups
    return [_unique(sli.selectors())]


def _unique(selectors: list[ResolvedSelector]) -> list[ResolvedSelector]:
    seen: dict[str, ResolvedSelector] = {}
    for sel in selectors:
        seen.setdefault(sel.name, sel)
    return list(seen.values())
