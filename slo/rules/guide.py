"""The deployment guide's three alerts, with its thresholds and ``for:`` durations.

They read the same SLIs as the gate (the cache hit ratio is the shipped ``cache_hit_rate``
SLI, recorded once), and their metric names go through the spec's mapping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from slo.metrics import LABEL_CLIENT_TYPE, POOL_UTILIZATION, REPLICA_CONNECTION_ERRORS
from slo.query import number, render
from slo.rules.model import AlertRule
from slo.rules.recorder import Recorder
from slo.rules.runbooks import RUNBOOKS, Topic
from slo.slis import build_objective_sli
from slo.spec import Resolver, Selector, Spec

CACHE_HIT_RATE_MIN: Final = 0.8
CACHE_HIT_RATE_WINDOW: Final = "10m"
CACHE_HIT_RATE_FOR: Final = "15m"
POOL_SATURATED_ABOVE: Final = 0.8
POOL_SATURATED_FOR: Final = "5m"
REPLICA_ERRORS_PER_SECOND: Final = 1.0
REPLICA_ERRORS_WINDOW: Final = "5m"
REPLICA_ERRORS_FOR: Final = "5m"

#: The objective whose SLI CacheHitRateLow reads: hits / (hits + misses), and 0% when /models
#: is served with no lookups (caching off), so "cache completely failing" pages.
CACHE_HIT_RATE_OBJECTIVE: Final = "cache_hit_rate"
PRIMARY_POOL: Final = Selector(metric=POOL_UTILIZATION, match={LABEL_CLIENT_TYPE: "primary"})
REPLICA_ERRORS: Final = Selector(metric=REPLICA_CONNECTION_ERRORS)


@dataclass(frozen=True, kw_only=True)
class GuideAlert:
    """The words and timing of one of the guide's alerts; its expression is built apart."""

    objective: str
    for_: str
    topic: Topic
    summary: str
    description: str

    def rule(self, alert: str, expr: str, labels: dict[str, str]) -> AlertRule:
        """The alert: it pages, names its objective and the guide's runbook."""
        return AlertRule(
            alert=alert,
            expr=expr,
            for_=self.for_,
            labels={**labels, "severity": "page", "objective": self.objective},
            annotations={
                "summary": self.summary,
                "description": self.description,
                "runbook": RUNBOOKS[self.topic],
            },
        )


GUIDE_ALERTS: Final = {
    "CacheHitRateLow": GuideAlert(
        objective="cache_hit_rate",
        for_=CACHE_HIT_RATE_FOR,
        topic="cache",
        summary="Cache hit rate below 80% for 15 minutes",
        description="hits / (hits + misses) over 10m is {{ $value | humanizePercentage }} "
        "(the guide's alert: < 80% for 15m). 0% with /models traffic means the "
        "cache served nothing: caching is off or failing.",
    ),
    "ConnectionPoolSaturated": GuideAlert(
        objective="primary_pool_utilization",
        for_=POOL_SATURATED_FOR,
        topic="primary_pool",
        summary="Primary DB connection pool above 80%",
        description="The primary pool has been {{ $value | humanizePercentage }} in use for "
        "5m (the guide's alert: > 80% for 5m).",
    ),
    "ReadReplicaErrors": GuideAlert(
        objective="read_replica_errors",
        for_=REPLICA_ERRORS_FOR,
        topic="replica",
        summary="Read replica experiencing connection errors",
        description="{{ $value | humanize }} replica connection errors per second over 5m "
        "(the guide's alert: > 1/s for 5m); reads fall back to the primary.",
    ),
}


def guide_alerts(
    spec: Spec, resolver: Resolver, recorder: Recorder, labels: dict[str, str]
) -> list[AlertRule]:
    """CacheHitRateLow (when the spec has the objective it reads), ConnectionPoolSaturated,
    ReadReplicaErrors."""
    exprs: dict[str, str] = {}
    if spec.objective_sli(CACHE_HIT_RATE_OBJECTIVE) is not None:
        hit_rate = build_objective_sli(spec, CACHE_HIT_RATE_OBJECTIVE, resolver)
        window = CACHE_HIT_RATE_WINDOW
        series = recorder.series(
            "cache_hit_rate", "rate", window, hit_rate.expression(window).value
        )
        threshold = number(CACHE_HIT_RATE_MIN)
        exprs["CacheHitRateLow"] = render("violation", series=series, op="<", threshold=threshold)
    pool = resolver.resolve(PRIMARY_POOL).promql()
    exprs["ConnectionPoolSaturated"] = render(
        "gauge_above", selector=pool, threshold=number(POOL_SATURATED_ABOVE)
    )
    exprs["ReadReplicaErrors"] = render(
        "rate_above",
        selector=resolver.resolve(REPLICA_ERRORS).promql(),
        window=REPLICA_ERRORS_WINDOW,
        threshold=number(REPLICA_ERRORS_PER_SECOND),
    )
    return [GUIDE_ALERTS[alert].rule(alert, expr, labels) for alert, expr in exprs.items()]
