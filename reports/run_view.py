"""The run as on-call reads it first: the load that was sent and Locust's view per route
(requests, failures, P50, P95, P99), for the report headers (the target's version is in
:func:`reports.text.report_context`).

Every function takes the (already redacted) report and returns display strings; a report
without a Locust run (``slo check``) has no load and maybe no routes, and says nothing.
"""

from __future__ import annotations

from typing import Any

from reports.cells import cell
from reports.model import Report
from reports.text import span

__all__ = ["load_line", "route_rows"]


def load_line(report: Report) -> str:
    """``shape ramp (…) · peak 50 users · 12345 requests (3 failed) in 2m 30s``, or ``""``."""
    load = report.load
    if load is None:
        return ""
    parts = [f"shape {load.shape}" + (f" ({load.description})" if load.description else "")]
    if load.peak_users is not None:
        parts.append(f"peak {load.peak_users} users")
    if load.requests is not None:
        failed = f" ({load.failures} failed)" if load.failures else ""
        during = f" in {span(round(load.duration_s))}" if load.duration_s is not None else ""
        parts.append(f"{load.requests} requests{failed}{during}")
    elif load.duration_s is not None:
        parts.append(f"ran {span(round(load.duration_s))}")
    return " · ".join(parts)


def route_rows(report: Report) -> list[dict[str, Any]]:
    """One row per route Locust saw in the window, busiest first."""
    client = report.client
    if client is None:
        return []
    return [
        {
            "name": r.name,
            "requests": r.requests,
            "failures": r.failures,
            "failed": r.failures > 0,
            "p50": "" if r.p50_ms is None else cell(r.p50_ms, "milliseconds"),
            "p95": "" if r.p95_ms is None else cell(r.p95_ms, "milliseconds"),
            "p99": "" if r.p99_ms is None else cell(r.p99_ms, "milliseconds"),
        }
        for r in client.routes
    ]
