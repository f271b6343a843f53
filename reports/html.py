"""``report.html``: one self-contained page a person would rather read than the numbers.

A verdict banner, why it failed, the objectives table, charts of the judged window (inline
SVG from :mod:`reports.charts`), the resolved queries and the run's metadata. Nothing is
fetched: styles are inline, charts are inline SVG, and a Content-Security-Policy of
``default-src 'none'`` forbids any request should a future edit add one.
"""

from __future__ import annotations

from importlib import metadata as importlib_metadata
from typing import Any, Final

from reports.cells import cell, fmt_margin, margin, value_cell
from reports.charts import chart_svg
from reports.model import ObjectiveResult, Report, Verdict
from reports.redact import redact_model
from reports.review_view import review_view
from reports.run_view import load_line, route_rows
from reports.templating import html_environment
from reports.text import (
    by_severity,
    counts,
    duration,
    report_context,
    span,
    target,
    target_line,
    when,
)
from reports.timeseries import TimeSeries
from reports.watch_view import WatchView, watch_view

FILENAME: Final = "report.html"


def _version() -> str:
    try:
        return importlib_metadata.version("slo-harness")
    except importlib_metadata.PackageNotFoundError:
        return "unknown"


def _row(result: ObjectiveResult) -> dict[str, Any]:
    found = margin(result)
    return {
        "id": result.id,
        "description": result.description,
        "gating": result.gating,
        "verdict": result.verdict.value,
        "reason": result.reason,
        "runbook": result.runbook or "",
        "value": value_cell(result),
        "target": target(result),
        "margin": fmt_margin(result),
        "margin_class": "" if found is None else ("neg" if found < 0 else "pos"),
        "slices": [
            {
                "verdict": s.verdict.value,
                "title": f"{when(s.start)} → {when(s.end)}: {s.verdict.value}, "
                f"{cell(s.value, result.unit)} ({s.reason})",
            }
            for s in result.slices
        ],
    }


def _chart(series: TimeSeries, report: Report) -> dict[str, Any]:
    subtitle: list[str] = []
    verdict = ""
    if series.objective:
        try:
            judged = report.objective(series.objective)
        except KeyError:
            pass
        else:
            verdict = judged.verdict.value
            value = "" if judged.value is None else f": {cell(judged.value, judged.unit)}"
            subtitle.append(f"{judged.id} over the whole window{value}")
    if series.step_seconds:
        subtitle.append(f"one point per {span(round(series.step_seconds))}")
    return {
        "id": series.id,
        "title": series.title,
        "verdict": verdict,
        "subtitle": " · ".join(subtitle),
        "svg": chart_svg(series) if series.has_data else None,
        "note": series.note,
        "query": series.query,
    }


def _watch_charts(view: WatchView | None) -> list[dict[str, Any]]:
    if view is None:
        return []
    return [
        {
            "id": series.id,
            "title": series.title,
            "subtitle": f"{series.objective} at each tick",
            "svg": chart_svg(series) if series.has_data else None,
        }
        for series in view.series
    ]


def _metadata(report: Report) -> list[tuple[str, str]]:
    found = [
        ("verdict", f"{report.verdict.value} (exit code {report.exit_code})"),
        ("profile", report.profile),
        ("window", f"{when(report.window.start)} → {when(report.window.end)} ({duration(report)})"),
        ("target", target_line(report)),
        ("source", report.source),
        ("spec", report.spec),
        ("baseline", report.baseline or "none"),
        (
            "time scale",
            f"x{report.time_scale:g} (sustained slices shortened)"
            if report.time_scale != 1.0
            else "as written in the spec",
        ),
        ("generated", when(report.generated_at)),
        ("report schema", report.schema_),
        ("rendered by", f"slo-harness {_version()}"),
    ]
    if report.load is not None:
        found.append(("load", load_line(report)))
    c = report.client
    if c is not None:
        found.append(
            (
                "client (Locust)",
                f"{c.requests} requests, {c.failures} failures, "
                f"{'' if c.timeouts is None else f'{c.timeouts} client timeouts, '}"
                f"{'' if c.rps is None else cell(c.rps, 'requests_per_second') + ', '}"
                f"mean {cell(c.mean_ms, 'milliseconds')}, P95 {cell(c.p95_ms, 'milliseconds')}",
            )
        )
        if c.agreement:
            found.append(("client vs server", c.agreement))
    return found


def render_html(report: Report, *, secrets: tuple[str, ...] = ()) -> str:
    """The HTML report (credentials in any string redacted)."""
    report = redact_model(report, secrets)
    rows = [_row(r) for r in by_severity(report)]
    found = counts(report)
    watch = watch_view(report)
    return (
        html_environment()
        .get_template("report.html.j2")
        .render(
            report=report,
            **report_context(report),
            counts=[(v.value, n) for v, n in found.items() if n],
            rows=rows,
            failed=[r for r in rows if r["verdict"] == Verdict.FAIL.value],
            unsure=[r for r in rows if r["verdict"] == Verdict.INCONCLUSIVE.value],
            charts=[_chart(s, report) for s in report.timeseries],
            queries=[
                {"id": r.id, "name": name, "query": query}
                for r in report.objectives
                for name, query in (r.queries or {"": r.query}).items()
            ],
            metadata=_metadata(report),
            load=load_line(report),
            routes=route_rows(report),
            footer=f"slo-harness {_version()} · {report.schema_}",
            review=review_view(report),
            watch=watch,
            watch_charts=_watch_charts(watch),
        )
    )
