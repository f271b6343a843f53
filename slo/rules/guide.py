"""The deployment guide's three alerts, with its thresholds and ``for:`` durations.

They read the same SLIs as the gate (the cache hit ratio is the shipped ``cache_hit_rate``
SLI, recorded once), and their metric names go through the spec's mapping.
"""

from __future__ import annotations

from typing import Final

from slo.metrics import (
    CACHE_HITS,
    CACHE_MISSES,
    HTTP_REQUESTS,
    LABEL_CLIENT_TYPE,
    LABEL_PATH,
    POOL_UTILIZATION,
    REPLICA_CONNECTION_ERRORS,
)
from slo.rules.expressions import sli_expression
from slo.rules.model import AlertRule
from slo.rules.promql import number, render
from slo.rules.recorder import Recorder
from slo.rules.runbooks import RUNBOOKS
from slo.slis import SliDef, build_sli
from slo.spec import Resolver, Selector
from slo.spec.models import RatioSli

CACHE_HIT_RATE_MIN: Final = 0.8
CACHE_HIT_RATE_WINDOW: Final = "10m"
CACHE_HIT_RATE_FOR: Final = "15m"
POOL_SATURATED_ABOVE: Final = 0.8
POOL_SATURATED_FOR: Final = "5m"
REPLICA_ERRORS_PER_SECOND: Final = 1.0
REPLICA_ERRORS_WINDOW: Final = "5m"
REPLICA_ERRORS_FOR: Final = "5m"

#: hits / (hits + misses); no lookups while /models served requests is a 0% hit rate
#: (caching off), so "cache completely failing" pages instead of going silent.
CACHE_HIT_RATIO: Final = RatioSli(
    kind="ratio",
    numerator=[Selector(metric=CACHE_HITS)],
    denominator=[Selector(metric=CACHE_HITS), Selector(metric=CACHE_MISSES)],
    traffic=[Selector(metric=HTTP_REQUESTS, match_re={LABEL_PATH: "/models.*"})],
)
PRIMARY_POOL: Final = Selector(metric=POOL_UTILIZATION, match={LABEL_CLIENT_TYPE: "primary"})
REPLICA_ERRORS: Final = Selector(metric=REPLICA_CONNECTION_ERRORS)


def cache_hit_ratio(resolver: Resolver) -> SliDef:
    sli = build_sli(CACHE_HIT_RATIO, resolver)
    assert isinstance(sli, SliDef)
    return sli


def guide_alerts(resolver: Resolver, recorder: Recorder, labels: dict[str, str]) -> list[AlertRule]:
    """CacheHitRateLow, ConnectionPoolSaturated, ReadReplicaErrors."""
    hit_ratio = recorder.series(
        "cache_hit_rate",
        "rate",
        CACHE_HIT_RATE_WINDOW,
        sli_expression(cache_hit_ratio(resolver), CACHE_HIT_RATE_WINDOW).value,
    )
    pool = resolver.resolve(PRIMARY_POOL)
    errors = resolver.resolve(REPLICA_ERRORS)
    return [
        AlertRule(
            alert="CacheHitRateLow",
            expr=render(
                "violation", series=hit_ratio, op="<", threshold=number(CACHE_HIT_RATE_MIN)
            ),
            for_=CACHE_HIT_RATE_FOR,
            labels={**labels, "severity": "page", "objective": "cache_hit_rate"},
            annotations={
                "summary": "Cache hit rate below 80% for 15 minutes",
                "description": (
                    "hits / (hits + misses) over 10m is {{ $value | humanizePercentage }} "
                    "(the guide's alert: < 80% for 15m). 0% with /models traffic means the "
                    "cache served nothing: caching is off or failing."
                ),
                "runbook": RUNBOOKS["cache"],
            },
        ),
        AlertRule(
            alert="ConnectionPoolSaturated",
            expr=render(
                "gauge_above", selector=pool.promql(), threshold=number(POOL_SATURATED_ABOVE)
            ),
            for_=POOL_SATURATED_FOR,
            labels={**labels, "severity": "page", "objective": "primary_pool_utilization"},
            annotations={
                "summary": "Primary DB connection pool above 80%",
                "description": (
                    "The primary pool has been {{ $value | humanizePercentage }} in use for "
                    "5m (the guide's alert: > 80% for 5m)."
                ),
                "runbook": RUNBOOKS["primary_pool"],
            },
        ),
        AlertRule(
            alert="ReadReplicaErrors",
            expr=render(
                "rate_above",
                selector=errors.promql(),
                window=REPLICA_ERRORS_WINDOW,
                threshold=number(REPLICA_ERRORS_PER_SECOND),
            ),
            for_=REPLICA_ERRORS_FOR,
            labels={**labels, "severity": "page", "objective": "read_replica_errors"},
            annotations={
                "summary": "Read replica experiencing connection errors",
                "description": (
                    "{{ $value | humanize }} replica connection errors per second over 5m "
                    "(the guide's alert: > 1/s for 5m); reads fall back to the primary."
                ),
                "runbook": RUNBOOKS["replica"],
            },
        ),
    ]
