"""``slo compare BEFORE.json AFTER.json``: the guide's "Expected Impact", measured.

The guide promises 99% faster responses, 98% fewer primary database queries, 70% less
pool usage, no more 499 timeouts and (success criteria) a hit rate above 90%. Each row
takes its number from the report's judged objectives first (their value or raw query
results), then from the report's charts; a figure neither report holds is ``n/a``.
Rates are per second, so windows of different lengths compare.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

from reports.model import Report
from reports.templating import markdown_environment
from reports.text import duration, fmt, when

Better = Literal["lower", "higher"]


@dataclass(frozen=True, kw_only=True)
class ImpactRow:
    """One line of the impact table; ``change`` is a fraction (-0.99 = 99% lower)."""

    id: str
    label: str
    unit: str
    before: float | None
    after: float | None
    promise: str
    better: Better
    target_change: float | None = None  # the promised relative change, when there is one
    target_after: tuple[str, float] | None = None  # or an absolute level the after must meet
    source: str = ""

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None or self.before == 0:
            return None
        return (self.after - self.before) / abs(self.before)

    @property
    def met(self) -> bool | None:
        """Whether the after figure keeps the guide's promise (None: cannot tell)."""
        if self.target_after is not None:
            if self.after is None:
                return None
            op, level = self.target_after
            return self.after == level if op == "==" else self.after > level
        change, target = self.change, self.target_change
        if change is None or target is None:
            return None
        return change <= target if self.better == "lower" else change >= target


@dataclass(frozen=True, kw_only=True)
class Comparison:
    before: Report
    after: Report
    rows: list[ImpactRow]


def _seconds(report: Report) -> float:
    return max((report.window.end - report.window.start).total_seconds(), 1e-9)


def _value(report: Report, objective_id: str) -> float | None:
    try:
        value = report.objective(objective_id).value
    except KeyError:
        return None
    return value if value is not None and math.isfinite(value) else None


def _raw_total(report: Report, objective_id: str, name: str) -> float | None:
    try:
        found = report.objective(objective_id).raw.get(name)
    except KeyError:
        return None
    return None if not found else math.fsum(s.value for s in found)


def _chart_mean(report: Report, chart_id: str, line: str) -> float | None:
    for series in report.timeseries:
        if series.id == chart_id:
            values = [v for _, v in series.lines.get(line, []) if v is not None]
            return math.fsum(values) / len(values) if values else None
    return None


def _first(*found: tuple[float | None, str]) -> tuple[float | None, str]:
    for value, source in found:
        if value is not None:
            return value, source
    return None, ""


def _response_time(r: Report) -> tuple[float | None, str]:
    client = None if r.client is None or r.client.p95_ms is None else r.client.p95_ms / 1000
    return _first(
        (_value(r, "latency_p95"), "objective latency_p95"),
        (_chart_mean(r, "latency_p95", "/models P95"), "chart latency_p95 (mean)"),
        (client, "client P95"),
    )


def _primary_queries(r: Report) -> tuple[float | None, str]:
    total = _raw_total(r, "replica_query_share", "denominator_0")
    replica = _raw_total(r, "replica_query_share", "numerator_0")
    from_raw = None if total is None else (total - (replica or 0.0)) / _seconds(r)
    return _first(
        (from_raw, "objective replica_query_share (raw counts)"),
        (_chart_mean(r, "db_queries", "primary"), "chart db_queries (mean)"),
    )


def _pool(r: Report) -> tuple[float | None, str]:
    return _first(
        (_value(r, "primary_pool_utilization"), "objective primary_pool_utilization"),
        (_chart_mean(r, "pool_utilization", "primary"), "chart pool_utilization (mean)"),
    )


def _timeouts(r: Report) -> tuple[float | None, str]:
    count = _raw_total(r, "timeout_error_rate", "numerator_0")
    if count is None and _raw_total(r, "timeout_error_rate", "denominator_0") is not None:
        count = 0.0  # the denominator counted requests; no 499/504 series means none
    return _first((count, "objective timeout_error_rate (raw count)"))


def _hit_rate(r: Report) -> tuple[float | None, str]:
    return _first(
        (_value(r, "cache_hit_rate"), "objective cache_hit_rate"),
        (_chart_mean(r, "cache_hit_rate", "hit rate"), "chart cache_hit_rate (mean)"),
    )


Extract = Callable[[Report], tuple[float | None, str]]
# id, label, unit, extractor, guide's promise, better, relative target, absolute target
IMPACT: Final[
    tuple[tuple[str, str, str, Extract, str, Better, float | None, tuple[str, float] | None], ...]
] = (
    ("response_time", "Response time (P95)", "seconds", _response_time,
     "99% faster response times", "lower", -0.99, None),
    ("primary_db_queries", "Primary database queries per second", "per_second",
     _primary_queries, "98% reduction in primary database queries", "lower", -0.98, None),
    ("pool_utilization", "Primary connection pool utilization", "ratio", _pool,
     "70% reduction in connection pool usage", "lower", -0.70, None),
    ("timeouts", "499/504 responses in the window", "count", _timeouts,
     "Elimination of 499 timeout errors", "lower", None, ("==", 0.0)),
    ("hit_rate", "Cache hit rate", "ratio", _hit_rate,
     "Cache hit rate >90%", "higher", None, (">", 0.9)),
)  # fmt: skip


def compare_reports(before: Report, after: Report) -> Comparison:
    """The impact table of ``after`` against ``before``."""
    rows: list[ImpactRow] = []
    for row_id, label, unit, extract, promise, better, relative, absolute in IMPACT:
        before_value, before_source = extract(before)
        after_value, after_source = extract(after)
        sources = sorted({s for s in (before_source, after_source) if s})
        rows.append(
            ImpactRow(
                id=row_id,
                label=label,
                unit=unit,
                before=before_value,
                after=after_value,
                promise=promise,
                better=better,
                target_change=relative,
                target_after=absolute,
                source="; ".join(sources),
            )
        )
    return Comparison(before=before, after=after, rows=rows)


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "per_second":
        return f"{value:.4g}/s"
    return fmt(value, unit)


def _change(row: ImpactRow) -> str:
    change = row.change
    if change is None:
        return "n/a" if row.before != 0 or row.after is None else "from 0"
    return f"{change * 100:+.1f}%"


def _met(row: ImpactRow) -> str:
    return {True: "✅ yes", False: "❌ no", None: "n/a"}[row.met]


def _describe(report: Report) -> str:
    return (
        f"{report.profile}, {when(report.window.start)} → {when(report.window.end)} "
        f"({duration(report)}), verdict {report.verdict.value}"
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
            "met": _met(row),
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
        )
    )
