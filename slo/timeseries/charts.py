"""The charts of a window, as data: one catalog SLI per line, what a point is, and which
judged objectives lend their thresholds (and to which line)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Literal

from slo.metrics import (
    CACHE_HITS,
    CACHE_MISSES,
    DB_QUERIES,
    HTTP_REQUEST_DURATION,
    HTTP_REQUESTS,
    LABEL_CLIENT_TYPE,
    LABEL_PATH,
    LABEL_STATUS,
    POOL_BUSY_SECONDS,
    POOL_SIZE,
    POOL_UTILIZATION,
)
from slo.spec.models import QuantileSli, RatioSli, Selector, UtilizationSli

ChartSli = RatioSli | QuantileSli | UtilizationSli

CLIENT_TYPES: Final = ("primary", "replica")


def _ratio(numerator: Selector, denominator: list[Selector]) -> RatioSli:
    return RatioSli(kind="ratio", numerator=[numerator], denominator=denominator)


def _count(selector: Selector) -> RatioSli:
    """A ratio of a counter to itself: its ``requests`` is the counter's increase."""
    return _ratio(selector, [selector])


def p95(selector: Selector) -> QuantileSli:
    return QuantileSli(kind="quantile", quantile=0.95, histogram=selector)


def _pool(client_type: str) -> UtilizationSli:
    match = {LABEL_CLIENT_TYPE: client_type}
    return UtilizationSli(
        kind="utilization",
        busy=Selector(metric=POOL_BUSY_SECONDS, match=match),
        size=Selector(metric=POOL_SIZE, match=match),
        fallback_gauge=Selector(metric=POOL_UTILIZATION, match=match),
    )


@dataclass(frozen=True, kw_only=True)
class Chart:
    """One chart as data: a title, one SLI per line, and what a point is."""

    title: str
    unit: str
    lines: Callable[[str], dict[str, ChartSli]]  # models path -> line name -> SLI
    per_second: bool = False  # the point is the SLI's event count per second, not its value
    objective: str | None = None
    thresholds: dict[str, str | None] = field(default_factory=dict)  # objective -> its line
    style: Literal["line", "stacked"] = "line"


_EVERY_REQUEST: Final = [Selector(metric=HTTP_REQUESTS)]

CHARTS: Final[dict[str, Chart]] = {
    "cache_hit_rate": Chart(
        title="Cache hit rate",
        unit="ratio",
        lines=lambda _: {
            "hit rate": RatioSli(
                kind="ratio",
                numerator=[Selector(metric=CACHE_HITS)],
                denominator=[Selector(metric=CACHE_HITS), Selector(metric=CACHE_MISSES)],
            )
        },
        objective="cache_hit_rate",
        thresholds={"cache_hit_rate": None},
    ),
    "latency_p95": Chart(
        title="P95 response time of {path}",
        unit="seconds",
        lines=lambda path: {
            f"{path} P95": p95(Selector(metric=HTTP_REQUEST_DURATION, match={LABEL_PATH: path}))
        },
        objective="latency_p95",
        thresholds={"latency_p95": None},
    ),
    "pool_utilization": Chart(
        title="Connection pool utilization by client type",
        unit="ratio",
        lines=lambda _: {client_type: _pool(client_type) for client_type in CLIENT_TYPES},
        objective="primary_pool_utilization",
        thresholds={"primary_pool_utilization": "primary", "replica_pool_utilization": "replica"},
    ),
    "timeout_rate": Chart(
        title="499 and 504 responses (share of all requests)",
        unit="ratio",
        lines=lambda _: {
            status: _ratio(
                Selector(metric=HTTP_REQUESTS, match={LABEL_STATUS: status}), _EVERY_REQUEST
            )
            for status in ("499", "504")
        },
        objective="timeout_error_rate",
        thresholds={"timeout_error_rate": None},  # judged on their sum: stacked
        style="stacked",
    ),
    "requests_per_second": Chart(
        title="Requests per second (server count)",
        unit="requests_per_second",
        lines=lambda path: {
            "all requests": _count(Selector(metric=HTTP_REQUESTS)),
            path: _count(Selector(metric=HTTP_REQUESTS, match={LABEL_PATH: path})),
        },
        per_second=True,
        objective="throughput_rps",
        thresholds={"throughput_rps": "all requests"},
    ),
    "db_queries": Chart(
        title="Database queries per second by client type",
        unit="requests_per_second",
        lines=lambda _: {
            client_type: _count(Selector(metric=DB_QUERIES, match={LABEL_CLIENT_TYPE: client_type}))
            for client_type in CLIENT_TYPES
        },
        per_second=True,
    ),
}
CLIENT_VS_SERVER: Final = "client_vs_server_latency"
CLIENT_VS_SERVER_TITLE: Final = "Client vs server latency (P95, all requests)"
