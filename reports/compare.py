"""``slo compare BEFORE.json AFTER.json``: the guide's "Expected Impact", measured.

``compare_reports`` measures each of the guide's promises (``reports.impact.IMPACT``) in a
before and an after report, one ``ImpactRow`` each; ``render_comparison`` renders the
table as Markdown. A comparison's verdict is ``fail`` when a row is not kept or not
demonstrated, else ``inconclusive`` when a row is n/a, else ``pass``; a report compared
with itself (``Comparison.same_run``) shows no impact.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.impact import (
    IMPACT,
    SLOW_BEFORE,
    STATUS_CELLS,
    Better,
    Impact,
    ImpactRow,
    Status,
    Symptom,
)
from reports.model import Report, Verdict
from reports.templating import markdown_environment
from reports.text import duration, fmt, when

__all__ = [
    "IMPACT",
    "SLOW_BEFORE",
    "STATUS_CELLS",
    "Better",
    "Comparison",
    "Impact",
    "ImpactRow",
    "Status",
    "Symptom",
    "compare_reports",
    "kept_cell",
    "render_comparison",
    "same_run_line",
    "summary",
]


@dataclass(frozen=True, kw_only=True)
class Comparison:
    before: Report
    after: Report
    rows: list[ImpactRow]

    @property
    def same_run(self) -> bool:
        """Both reports judge the same seconds of the same target (one report twice, or a
        report and its ``slo rejudge``): such a comparison cannot show any impact."""
        return (
            self.before.target == self.after.target
            and self.before.window.start == self.after.window.start
            and self.before.window.end == self.after.window.end
        )

    @property
    def verdict(self) -> Verdict:
        """``fail`` if a promise is not kept or not demonstrated, else ``inconclusive`` if
        a figure is missing, else ``pass``."""
        statuses = {row.status for row in self.rows}
        if statuses & {"not kept", "not demonstrated"}:
            return Verdict.FAIL
        if "n/a" in statuses:
            return Verdict.INCONCLUSIVE
        return Verdict.PASS


def compare_reports(before: Report, after: Report) -> Comparison:
    """The impact table of ``after`` against ``before``."""
    rows: list[ImpactRow] = []
    for impact in IMPACT:
        before_value, before_source = impact.measure(before)
        after_value, after_source = impact.measure(after)
        sources = sorted({s for s in (before_source, after_source) if s})
        rows.append(
            ImpactRow(
                id=impact.id,
                label=impact.label,
                unit=impact.unit,
                before=before_value,
                after=after_value,
                promise=impact.promise,
                better=impact.better,
                target_change=impact.target_change,
                target_after=impact.target_after,
                symptom=impact.symptom,
                source="; ".join(sources),
            )
        )
    return Comparison(before=before, after=after, rows=rows)


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "per_second":
        return f"{value:.4g}/s"
    if unit == "count":  # Prometheus's increase() extrapolates: 163.6 reads as 164
        return f"{value:.0f}" if value >= 1 or value == 0 else f"{value:.2g}"
    return fmt(value, unit)


def _change(row: ImpactRow) -> str:
    change = row.change
    if change is None:
        return "n/a" if row.before != 0 or row.after is None else "from 0"
    return f"{change * 100:+.1f}%"


def kept_cell(row: ImpactRow) -> str:
    """The "Kept" cell: ``✅ yes``, ``❌ no``, ``⚠️ not demonstrated (why)``, ``❔ n/a (why)``."""
    why = row.why
    return STATUS_CELLS[row.status] + (f" ({why})" if why else "")


def _describe(report: Report) -> str:
    text = (
        f"{report.profile}, {when(report.window.start)} → {when(report.window.end)} "
        f"({duration(report)}), verdict {report.verdict.value}"
    )
    client = report.client
    if client is not None and client.requests:
        failed = client.failures or 0
        share = failed / client.requests
        text += f"; Locust: {client.requests} requests, {failed} failed ({share:.1%})"
        if client.timeouts is not None:
            text += f", {client.timeouts} gave up at the client timeout"
        if client.p95_ms is not None:
            text += f", P95 {client.p95_ms:.0f} ms"
    return text


def summary(comparison: Comparison) -> str:
    """One line: how many promises were kept, and which were not (or not shown)."""
    rows = comparison.rows
    kept = sum(row.status == "kept" for row in rows)
    parts = [f"{kept} of {len(rows)} kept"]
    for status in ("not kept", "not demonstrated", "n/a"):
        labels = [row.label for row in rows if row.status == status]
        if labels:
            parts.append(f"{status}: {', '.join(labels)}")
    return f"{comparison.verdict.value.upper()}: " + "; ".join(parts)


def same_run_line(comparison: Comparison) -> str:
    """The line that says a comparison is a run against itself (``""`` when it is not)."""
    if not comparison.same_run:
        return ""
    before = comparison.before
    return (
        f"before and after are the same run ({before.target or 'no target'}, "
        f"{when(before.window.start)} → {when(before.window.end)}): "
        "a run compared with itself shows no impact"
    )


def render_comparison(comparison: Comparison) -> str:
    """The impact table as Markdown (readable as plain text too)."""
    rows = [
        {
            "label": row.label,
            "before": _figure(row.before, row.unit),
            "after": _figure(row.after, row.unit),
            "change": _change(row),
            "promise": row.promise,
            "met": kept_cell(row),
            "source": row.source or "not in either report",
        }
        for row in comparison.rows
    ]
    return (
        markdown_environment()
        .get_template("compare.md.j2")
        .render(
            before=_describe(comparison.before),
            after=_describe(comparison.after),
            rows=rows,
            summary=summary(comparison),
            same_run=same_run_line(comparison),
        )
    )
