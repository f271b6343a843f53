"""Grafana dashboard JSON from the criteria spec (``slo dashboard``).

The guide's four panels (cache hit rate, P95 of /models, primary pool utilization, read
replica queries per second) and one panel per objective with its threshold drawn as a
line. Every SLI panel names an objective and shows its SLI's ``expression``, built from
the same queries ``slo check`` runs; the datasource is a template variable so the dashboard
imports into any Grafana.
"""

from __future__ import annotations

import json
from typing import Any, Final

from slo.metrics import LABEL_STATUS, REPLICA_QUERIES
from slo.query import UnsupportedSli, render
from slo.rules import PRIMARY_POOL, VIOLATION
from slo.slis import build_objective_sli, build_sli
from slo.spec import Objective, Resolver, Selector, Spec

DATASOURCE: Final = {"type": "prometheus", "uid": "${datasource}"}
#: The guide's panels read 5-minute windows.
PANEL_WINDOW: Final = "5m"
SCHEMA_VERSION: Final = 38
GRAFANA_UNITS: Final = {
    "ratio": "percentunit",
    "seconds": "s",
    "milliseconds": "ms",
    "requests_per_second": "reqps",
    "count": "short",
}
#: The objectives behind the guide's Panel 1 (cache hit rate) and Panel 2 (P95 of /models).
HIT_RATE_OBJECTIVE: Final = "cache_hit_rate"
LATENCY_OBJECTIVE: Final = "latency_p95"


def build_dashboard(
    spec: Spec, profile: str, resolver: Resolver, *, window: str = PANEL_WINDOW
) -> dict[str, Any]:
    """The dashboard document of ``profile``; objectives without PromQL get a text panel."""
    panels = _guide_panels(spec, resolver, window)
    for objective in spec.profiles[profile].objectives:
        panels.append(objective_panel(objective, resolver, window))
    for index, panel in enumerate(panels):
        panel["id"] = index + 1
        panel["gridPos"] = {"h": 8, "w": 12, "x": 12 * (index % 2), "y": 8 * (index // 2)}
    return {
        "uid": f"slo-{spec.name}-{profile}"[:40],
        "title": f"SLO {spec.name} / {profile}",
        "description": spec.profiles[profile].description,
        "tags": ["slo", spec.name, profile],
        "timezone": "utc",
        "schemaVersion": SCHEMA_VERSION,
        "editable": True,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "label": "Prometheus",
                    "type": "datasource",
                    "query": "prometheus",
                    "current": {},
                    "hide": 0,
                }
            ]
        },
        "annotations": {"list": []},
        "panels": panels,
    }


def dashboard_text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=False) + "\n"


def _guide_panels(spec: Spec, resolver: Resolver, window: str) -> list[dict[str, Any]]:
    hit_rate = build_objective_sli(spec, HIT_RATE_OBJECTIVE, resolver)
    latency = build_objective_sli(spec, LATENCY_OBJECTIVE, resolver)
    replica = resolver.resolve(Selector(metric=REPLICA_QUERIES))
    status = resolver.label(REPLICA_QUERIES, LABEL_STATUS)
    return [
        _timeseries(
            "Cache hit rate",
            "Guide panel 1: hits / (hits + misses); 0 when /models is served without lookups.",
            [hit_rate.expression(window).value],
            unit="percentunit",
        ),
        _timeseries(
            "P95 response time /models",
            "Guide panel 2: the 95th percentile of /models response times.",
            [latency.expression(window).value],
            unit="s",
        ),
        _timeseries(
            "Primary DB pool utilization",
            "Guide panel 3: connection_pool_utilization of the primary pool (sampled gauge).",
            [resolver.resolve(PRIMARY_POOL).promql()],
            unit="percentunit",
        ),
        _timeseries(
            "Read replica queries per second",
            "Guide panel 4: rate of read_replica_queries_total by status.",
            [render("rate_by", by=status, selector=replica.promql(), window=window)],
            unit="reqps",
        ),
    ]


def objective_panel(objective: Objective, resolver: Resolver, window: str) -> dict[str, Any]:
    """A time series of the objective's SLI with its threshold, or a text panel saying why not."""
    sli = build_sli(objective.sli, resolver)
    title = f"{objective.id}: {objective.description}"
    if not sli.reads_server:
        return _text(title, "Judged from the load generator's statistics, not Prometheus.")
    try:
        expr = sli.expression(window).value
    except UnsupportedSli as exc:
        return _text(title, str(exc))
    panel = _timeseries(
        title,
        f"Same expression as `slo check` over a {window} window.",
        [expr],
        unit=GRAFANA_UNITS[objective.unit],
    )
    if objective.threshold is not None and objective.comparator is not None:
        panel["fieldConfig"]["defaults"]["thresholds"] = _thresholds(
            objective.comparator, objective.threshold
        )
        panel["fieldConfig"]["defaults"]["custom"]["thresholdsStyle"] = {"mode": "line+area"}
    return panel


def _thresholds(comparator: str, threshold: float) -> dict[str, Any]:
    """Green where the objective holds, red where it breaks, the edge at the threshold."""
    bad_above = VIOLATION[comparator] in (">", ">=", "!=")
    below, above = ("green", "red") if bad_above else ("red", "green")
    return {
        "mode": "absolute",
        "steps": [{"color": below, "value": None}, {"color": above, "value": threshold}],
    }


def _timeseries(title: str, description: str, exprs: list[str], *, unit: str) -> dict[str, Any]:
    return {
        "type": "timeseries",
        "title": title,
        "description": description,
        "datasource": DATASOURCE,
        "fieldConfig": {
            "defaults": {
                "unit": unit,
                "custom": {"drawStyle": "line", "lineWidth": 1, "spanNulls": False},
            },
            "overrides": [],
        },
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}},
        "targets": [
            {"refId": chr(ord("A") + i), "datasource": DATASOURCE, "expr": expr, "range": True}
            for i, expr in enumerate(exprs)
        ],
    }


def _text(title: str, content: str) -> dict[str, Any]:
    return {"type": "text", "title": title, "options": {"mode": "markdown", "content": content}}
