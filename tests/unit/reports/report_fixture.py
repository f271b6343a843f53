"""One fixed ``Report`` that exercises every verdict, slices, a client view, charts and a
``<script>`` label; the golden files are rendered from it."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from reports import (
    ClientSummary,
    LoadSummary,
    ObjectiveResult,
    RawSeries,
    Report,
    ReportWindow,
    RouteSummary,
    SliceResult,
    StatedDuration,
    TargetVersion,
    Threshold,
    TimeSeries,
    Verdict,
)

LATENCY_RUNBOOK = (
    "Diagnose: a low cache hit rate (cached answers take 5-20 ms, misses 200-500 ms), a "
    "saturated primary pool, a slow or hanging Redis."
)
START = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
END = START + timedelta(hours=3)
SCRIPT = "<script>alert('x')</script>"


def objective(**changes: object) -> ObjectiveResult:
    """A passing cache-hit-rate objective, with ``changes`` applied."""
    base: dict[str, object] = {
        "id": "cache_hit_rate",
        "description": "Cache hit rate >90%",
        "verdict": Verdict.PASS,
        "reason": "93.2% > 90%",
        "value": 0.932,
        "threshold": 0.9,
        "comparator": ">",
        "unit": "ratio",
        "gating": True,
        "kind": "ratio",
        "query": "numerator_0 = sum(increase(catalog_cache_hits_total[3h] @ 1767236400.000))",
        "requests": 48210.0,
        "raw": {"numerator_0": [RawSeries(value=44931.7)]},
    }
    base.update(changes)
    return ObjectiveResult.model_validate(base)


def _slices() -> list[SliceResult]:
    values = [0.0, 0.0021, 0.0]
    return [
        SliceResult(
            start=START + timedelta(hours=i),
            end=START + timedelta(hours=i + 1),
            verdict=Verdict.PASS if v == 0 else Verdict.FAIL,
            value=v,
            reason=f"{v * 100:.4g}% == 0%" if v == 0 else f"{v * 100:.4g}% is not == 0%",
        )
        for i, v in enumerate(values)
    ]


def objectives() -> list[ObjectiveResult]:
    slices = _slices()
    return [
        objective(),
        objective(
            id="latency_p95",
            description="P95 response time <200ms",
            verdict=Verdict.FAIL,
            reason="350 ms in (200 ms, 500 ms] is not < 200 ms",
            value=0.35,
            threshold=0.2,
            comparator="<",
            unit="seconds",
            kind="quantile",
            bounds=(0.2, 0.5),
            query="sum by (le) (increase(http_request_duration_seconds_bucket"
            '{path="/models"}[3h] @ 1767236400.000))',
            runbook=LATENCY_RUNBOOK,
        ),
        objective(
            id="primary_pool_utilization",
            description="Primary pool usage <50%",
            verdict=Verdict.WARN,
            reason="46% meets < 50% but not the warn level 40%",
            value=0.46,
            threshold=0.5,
            warn_threshold=0.4,
            comparator="<",
            kind="utilization",
            requests=None,
        ),
        objective(
            id="timeout_error_rate",
            description="Error Rates (Target: <0.1% for 499/504)",
            verdict=Verdict.INCONCLUSIVE,
            reason="only 42 requests in the window, need at least 100 (value 0%)",
            value=0.0,
            threshold=0.001,
            comparator="<",
            requests=42.0,
        ),
        objective(
            id="error_rate_increase",
            description="Zero increase in error rates",
            verdict=Verdict.SKIPPED,
            reason="no baseline given (--baseline report.json or --baseline-start/--baseline-end)",
            value=0.0004,
            threshold=None,
            comparator="no_increase",
        ),
        objective(
            id="no_timeout_errors_48h",
            description="No 499/504 errors for 48 hours",
            verdict=Verdict.FAIL,
            reason="1 of 3 1h slices failed, first 2026-01-01T01:00:00+00:00: 0.21% is not == 0%",
            value=0.0007,
            threshold=0.0,
            comparator="==",
            slices=slices,
            failing_slices=[s for s in slices if s.verdict == Verdict.FAIL],
        ),
        objective(
            id="gateway_hit_rate",
            description=f"Gateway {SCRIPT} | hit rate *bold*",
            verdict=Verdict.FAIL,
            reason=f"label {SCRIPT} was 10% (not > 90%)",
            value=0.1,
            gating=False,
        ),
        objective(
            id="zero_emergency_rollbacks",
            description="Zero emergency rollbacks",
            verdict=Verdict.INCONCLUSIVE,
            reason="unattested: record it with --attest zero_emergency_rollbacks=pass|fail",
            value=None,
            threshold=None,
            comparator=None,
            unit="attestation",
            kind="attestation",
            query="manual attestation",
            requests=None,
            raw={},
        ),
    ]


def _points(
    f: Callable[[int], float], *, step: int = 60, gap: tuple[int, int] | None = None
) -> list[tuple[datetime, float | None]]:
    n = int((END - START).total_seconds() // step)
    points: list[tuple[datetime, float | None]] = []
    for k in range(n + 1):
        value = None if gap and gap[0] <= k < gap[1] else f(k)
        points.append((START + timedelta(seconds=k * step), value))
    return points


def timeseries() -> list[TimeSeries]:
    common = {"step_seconds": 60.0}
    return [
        TimeSeries(
            id="cache_hit_rate",
            title="Cache hit rate",
            unit="ratio",
            objective="cache_hit_rate",
            thresholds=[Threshold(value=0.9, comparator=">")],
            lines={
                "hit rate": _points(
                    lambda k: 0.93 + 0.03 * math.sin(k / 9) - (0.08 if 60 <= k < 66 else 0)
                )
            },
            query="sum(increase(catalog_cache_hits_total[1m])) / ...",
            **common,
        ),
        TimeSeries(
            id="latency_p95",
            title="P95 of /models",
            unit="seconds",
            objective="latency_p95",
            thresholds=[Threshold(value=0.2, comparator="<")],
            lines={
                "/models P95": _points(
                    lambda k: 0.12 + 0.05 * math.sin(k / 14) + (0.25 if 100 <= k < 112 else 0)
                )
            },
            **common,
        ),
        TimeSeries(
            id="pool_utilization",
            title="Pool utilization by client type",
            unit="ratio",
            objective="primary_pool_utilization",
            thresholds=[
                Threshold(value=0.5, comparator="<", line="primary", label="primary < 50%"),
                Threshold(value=0.7, comparator="<", line="replica", label="replica < 70%"),
            ],
            lines={
                "primary": _points(lambda k: 0.35 + 0.1 * math.sin(k / 20)),
                "replica": _points(lambda k: 0.55 + 0.1 * math.cos(k / 25)),
            },
            **common,
        ),
        TimeSeries(
            id="timeout_rate",
            title="499 and 504 responses",
            unit="ratio",
            objective="timeout_error_rate",
            thresholds=[Threshold(value=0.001, comparator="<")],
            style="stacked",
            lines={
                "499": _points(lambda k: 0.0021 if 60 <= k < 120 and k % 7 == 0 else 0.0),
                "504": _points(lambda k: 0.0004 if k % 31 == 0 else 0.0),
            },
            **common,
        ),
        TimeSeries(
            id="requests_per_second",
            title="Requests per second",
            unit="requests_per_second",
            lines={
                "all": _points(lambda k: 120 + 15 * math.sin(k / 6), gap=(30, 34)),
                SCRIPT: _points(lambda k: 80 + 10 * math.sin(k / 6), gap=(30, 34)),
            },
            **common,
        ),
        TimeSeries(
            id="client_vs_server_latency",
            title="Client vs server latency (P95)",
            unit="seconds",
            lines={
                "client (Locust)": _points(lambda k: 0.15 + 0.05 * math.sin(k / 14)),
                "server (histogram)": _points(lambda k: 0.13 + 0.05 * math.sin(k / 14)),
            },
            **common,
        ),
        TimeSeries(
            id="empty_chart",
            title="Replica queries per second",
            unit="requests_per_second",
            lines={"replica": []},
            note="no series for read_replica_queries_total",
        ),
    ]


def build_report(**changes: object) -> Report:
    """The fixed report of the golden files, with ``changes`` applied to its fields."""
    base: dict[str, object] = {
        "verdict": Verdict.FAIL,
        "exit_code": 1,
        "profile": "staging",
        "spec": "slo/criteria/phase1.yaml",
        "source": "prometheus http://127.0.0.1:9090",
        "target": "http://127.0.0.1:8000",
        "window": ReportWindow(start=START, end=END),
        "objectives": objectives(),
        "client": ClientSummary(
            requests=51000,
            failures=0,
            timeouts=3,
            rps=4.72,
            mean_ms=41.5,
            p95_ms=150.0,
            server_requests=50990,
            agreement="client sent 51000 requests, server counted 50990 (0.0% apart)",
            routes=[
                RouteSummary(
                    name="/models", requests=40000, failures=0, p50_ms=38, p95_ms=150, p99_ms=410
                ),
                RouteSummary(
                    name=f"/models/[id] {SCRIPT}",
                    requests=11000,
                    failures=3,
                    p50_ms=41,
                    p95_ms=160,
                    p99_ms=2000,
                ),
            ],
        ),
        "generated_at": END + timedelta(seconds=5),
        "timeseries": timeseries(),
        "load": LoadSummary(
            shape="ramp",
            description="steps of 10 users every 15 s up to 50, then hold 60 s",
            peak_users=50,
            requests=61234,
            failures=3,
            duration_s=11400.0,
        ),
        "target_version": TargetVersion(version="1.0.0", source="/openapi.json"),
        "stated_durations": [
            StatedDuration(seconds=86400, stated_by="profile staging: for 24 Hours"),
            StatedDuration(seconds=172800, stated_by="no_timeout_errors_48h"),
        ],
    }
    base.update(changes)
    return Report.model_validate(base)
