"""``report.md``: the verdict first, then every objective, then what failed and why.

Sized for a pull-request comment or ``$GITHUB_STEP_SUMMARY``: one table row per objective
(the guide's wording, value, threshold, margin, verdict with its reason), failing slices
capped at :data:`MAX_SLICES` per objective, and every label escaped for Markdown.
"""

from __future__ import annotations

from typing import Any, Final

from reports.cells import cell, fmt_margin, value_cell
from reports.model import ObjectiveResult, Report, Verdict
from reports.redact import redact_model
from reports.review_view import review_view
from reports.run_view import load_line, route_rows
from reports.templating import markdown_environment
from reports.text import (
    SYMBOLS,
    by_severity,
    report_context,
    target,
    when,
)
from reports.watch_view import watch_view

FILENAME: Final = "report.md"
MAX_SLICES: Final = 10


def _row(result: ObjectiveResult) -> dict[str, Any]:
    failing = result.failing_slices
    return {
        "symbol": SYMBOLS[result.verdict],
        "id": result.id,
        "description": result.description,
        "gating": result.gating,
        "value": value_cell(result),
        "target": target(result),
        "margin": fmt_margin(result),
        "verdict": result.verdict.value,
        "reason": result.reason,
        "query": result.query,
        "runbook": result.runbook or "",
        "slices": [
            f"{when(s.start)} → {when(s.end)}: {cell(s.value, result.unit)} ({s.reason})"
            for s in failing[:MAX_SLICES]
        ],
        "more_slices": max(len(failing) - MAX_SLICES, 0),
    }


def _client(report: Report) -> str:
    c = report.client
    if c is None:
        return ""
    parts = [
        f"{c.requests} requests" if c.requests is not None else "",
        f"{c.failures} failures" if c.failures is not None else "",
        f"{c.timeouts} client timeouts" if c.timeouts is not None else "",
        cell(c.rps, "requests_per_second") if c.rps is not None else "",
        f"mean {cell(c.mean_ms, 'milliseconds')}" if c.mean_ms is not None else "",
        f"P95 {cell(c.p95_ms, 'milliseconds')}" if c.p95_ms is not None else "",
        c.agreement,
    ]
    return " · ".join(p for p in parts if p)


def render_markdown(report: Report, *, secrets: tuple[str, ...] = ()) -> str:
    """The Markdown report (credentials in any string redacted)."""
    report = redact_model(report, secrets)
    rows = [_row(r) for r in by_severity(report)]
    footer = (
        f"slo-harness · {report.schema_} · spec {report.spec} · generated "
        f"{when(report.generated_at)}"
        + (f" · baseline {report.baseline}" if report.baseline else "")
        + (f" · time scale x{report.time_scale:g}" if report.time_scale != 1.0 else "")
    )
    return (
        markdown_environment()
        .get_template("report.md.j2")
        .render(
            report=report,
            symbol=SYMBOLS[report.verdict],
            **report_context(report),
            rows=rows,
            failed=[row for row in rows if row["verdict"] == Verdict.FAIL.value],
            unsure=[row for row in rows if row["verdict"] == Verdict.INCONCLUSIVE.value],
            client=_client(report),
            load=load_line(report),
            routes=route_rows(report),
            footer=footer,
            review=review_view(report),
            watch=watch_view(report),
        )
    )
