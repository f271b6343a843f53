"""A metric-absent alert for each metric the profile reads, so a silent exporter pages.

Only the metric counts (its name and the mapping's matchers, not the SLI's filters): a
counter with no 504 series yet is healthy, a metric with no series at all is not. Pool
utilization is absent only when neither its exact pair (busy seconds, pool size) nor its
fallback gauge is there, and a sum of counter increases only when none of its counters is
there, as in the gate. Objectives with ``on_missing: expected`` are not passed in: the
absence of their metrics is what they seek.
"""

from __future__ import annotations

from collections.abc import Iterable

from slo.query import render
from slo.rules.model import AlertRule
from slo.rules.runbooks import RUNBOOKS
from slo.slis import SliDef
from slo.spec import ResolvedSelector, Resolver, Selector

ALERT = "SloMetricAbsent"


def bare(selector: ResolvedSelector, resolver: Resolver) -> ResolvedSelector:
    """The selector's metric with only the mapping's matchers (``_bucket`` suffix kept)."""
    base = resolver.resolve(Selector(metric=selector.logical))
    return ResolvedSelector(name=selector.name, matchers=base.matchers, logical=selector.logical)


def absent_alerts(
    reads: Iterable[tuple[str, SliDef]],
    resolver: Resolver,
    labels: dict[str, str],
    for_: str,
) -> list[AlertRule]:
    """One alert per distinct requirement, naming every objective that needs it."""
    users: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for objective_id, sli in reads:
        groups = [[bare(s, resolver) for s in group] for group in sli.required()]
        expr = " and on() ".join(
            _paren(" or ".join(render("absent", selector=s.promql()) for s in group), groups)
            for group in groups
        )
        users.setdefault(expr, [])
        if objective_id not in users[expr]:
            users[expr].append(objective_id)
        names[expr] = " or ".join("+".join(s.name for s in group) for group in groups)
    return [
        AlertRule(
            alert=ALERT,
            expr=expr,
            for_=for_,
            labels={
                **labels,
                "severity": "page",
                "objective": ",".join(ids),
                "metric": names[expr],
            },
            annotations={
                "summary": f"No series of {names[expr]}: {', '.join(ids)} cannot be judged",
                "description": (
                    f"Prometheus has had no series of {names[expr]} for {for_}; the objectives "
                    f"{', '.join(ids)} of profile {labels['profile']} read it, so `slo check` "
                    "would be inconclusive and their alerts cannot fire."
                ),
                "runbook": RUNBOOKS["absent"],
            },
        )
        for expr, ids in users.items()
    ]


def _paren(expr: str, groups: list[list[ResolvedSelector]]) -> str:
    return f"({expr})" if len(groups) > 1 and " or " in expr else expr
