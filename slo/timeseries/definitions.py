"""The charts of a window, as data: per line an objective id (whose SLI the spec defines)
or the chart's own SLI, what a point is, and which judged objectives lend their thresholds
(and to which line)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

from slo.metrics import DB_QUERIES, HTTP_REQUESTS, LABEL_CLIENT_TYPE, LABEL_PATH, LABEL_STATUS
from slo.spec import QuantileSli, RatioSli, Selector, UtilizationSli

ChartSli = RatioSli | QuantileSli | UtilizationSli
#: A line is an objective id (its SLI comes from the spec) or a chart's own SLI.
Line = str | ChartSli

CLIENT_TYPES: Final = ("primary", "replica")
MODELS_PATH: Final = "/models"


def _ratio(numerator: Selector, denominator: list[Selector]) -> RatioSli:
    return RatioSli(kind="ratio", numerator=[numerator], denominator=denominator)


def _count(selector: Selector) -> RatioSli:
    """A ratio of a counter to itself: its ``requests`` is the counter's increase."""
    return _ratio(selector, [selector])


def p95(selector: Selector) -> QuantileSli:
    return QuantileSli(kind="quantile", quantile=0.95, histogram=selector)


@dataclass(frozen=True, kw_only=True)
class Chart:
    """One chart as data: a title, its lines, and what a point is."""

    title: str
    unit: str
    lines: dict[str, Line]  # line name -> objective id or SLI
    per_second: bool = False  # the point is the SLI's event count per second, not its value
    objective: str | None = None
    thresholds: dict[str, str | None] = field(default_factory=dict)  # objective -> its line
    style: Literal["line", "stacked"] = "line"


def _of_objective(objective: str, title: str, unit: str, line: str) -> Chart:
    """A chart of one objective's SLI, with its threshold."""
    return Chart(
        title=title,
        unit=unit,
        lines={line: objective},
        objective=objective,
        thresholds={objective: None},
    )


_EVERY_REQUEST: Final = [Selector(metric=HTTP_REQUESTS)]

CHARTS: Final[dict[str, Chart]] = {
    "cache_hit_rate": _of_objective("cache_hit_rate", "Cache hit rate", "ratio", "hit rate"),
    "latency_p95": _of_objective(
        "latency_p95", "P95 response time of {path}", "seconds", "{path} P95"
    ),
    "pool_utilization": Chart(
        title="Connection pool utilization by client type",
        unit="ratio",
        lines={"primary": "primary_pool_utilization", "replica": "replica_pool_utilization"},
        objective="primary_pool_utilization",
        thresholds={"primary_pool_utilization": "primary", "replica_pool_utilization": "replica"},
    ),
    "timeout_rate": Chart(
        title="499 and 504 responses (share of all requests)",
        unit="ratio",
        lines={
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
        lines={
            "all requests": _count(Selector(metric=HTTP_REQUESTS)),
            MODELS_PATH: _count(Selector(metric=HTTP_REQUESTS, match={LABEL_PATH: MODELS_PATH})),
        },
        per_second=True,
        objective="throughput_rps",
        thresholds={"throughput_rps": "all requests"},
    ),
    "db_queries": Chart(
        title="Database queries per second by client type",
        unit="requests_per_second",
        lines={
            client_type: _count(Selector(metric=DB_QUERIES, match={LABEL_CLIENT_TYPE: client_type}))
            for client_type in CLIENT_TYPES
        },
        per_second=True,
    ),
}
CLIENT_VS_SERVER: Final = "client_vs_server_latency"
CLIENT_VS_SERVER_TITLE: Final = "Client vs server latency (P95, all requests)"
