"""``slo compare BEFORE.json AFTER.json``: the guide's "Expected Impact", measured.

The guide promises 99% faster responses (500ms-2s -> 5-10ms cached), 98% fewer primary
database queries, 70% less pool usage, no more 499 timeouts and (success criteria) a hit
rate above 90%. Each row reads the report's public fields only: first the named figure
``slo`` measured over the window (``Report.figures``, defined by the spec's ``figures``:
``response_time``, ``primary_db_queries``, ``pool_utilization``, ``timeouts``,
``hit_rate``), then, for a report written before figures existed, the mean of its chart of
that figure (``Report.timeseries``) and, for response time, Locust's P95
(``Report.client``). A figure neither report holds is ``n/a``. Rates are per second, so
windows of different lengths compare.

A promise about a change can only be shown on a "before" that has the guide's symptom: a
P95 of at least 500 ms, some primary queries, some pool usage, some 499/504s. When the
before lacks it, the row is ``not demonstrated`` (eliminating zero timeouts proves
nothing), never ``yes``. Each row's ``status`` is one of ``kept``, ``not kept``, ``not
demonstrated`` and ``n/a``; the comparison's verdict is ``fail`` when a row is not kept or
not demonstrated, else ``inconclusive`` when a row is n/a, else ``pass``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

from reports.model import Report, Verdict
from reports.templating import markdown_environment
from reports.text import duration, fmt, when

Better = Literal["lower", "higher"]
Status = Literal["kept", "not kept", "not demonstrated", "n/a"]

STATUS_CELLS: Final[dict[Status, str]] = {
    "kept": "✅ yes",
    "not kept": "❌ no",
    "not demonstrated": "⚠️ not demonstrated",
    "n/a": "❔ n/a",
}


@dataclass(frozen=True, kw_only=True)
class Symptom:
    """What the before must show for a promise to be demonstrable: ``before >= level``
    (``strict``: ``before > level``); ``lacking`` says what the before lacked."""

    level: float
    strict: bool = False
    lacking: str

    def shown_by(self, before: float) -> bool:
        return before > self.level if self.strict else before >= self.level


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
    symptom: Symptom | None = None  # what the before must show, when the promise needs one
    source: str = ""

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None or self.before == 0:
            return None
        return (self.after - self.before) / abs(self.before)

    @property
    def met(self) -> bool | None:
        """Whether the after figure meets the promise's target (None: cannot tell).

        Says nothing about the before's symptom: ``status`` is the row's judgement.
        """
        if self.target_after is not None:
            if self.after is None:
                return None
            op, level = self.target_after
            return self.after == level if op == "==" else self.after > level
        change, target = self.change, self.target_change
        if change is None or target is None:
            return None
        return change <= target if self.better == "lower" else change >= target

    @property
    def status(self) -> Status:
        """``kept``, ``not kept``, ``not demonstrated`` (the before lacks the symptom the
        promise cures) or ``n/a`` (a figure it needs is missing)."""
        if self.after is None:
            return "n/a"
        if self.target_after is not None and self.met is False:
            return "not kept"  # a level the after misses is broken whatever the before was
        if self.symptom is not None:
            if self.before is None:
                return "n/a"
            if not self.symptom.shown_by(self.before):
                return "not demonstrated"
        met = self.met
        return "n/a" if met is None else "kept" if met else "not kept"

    @property
    def why(self) -> str:
        """A few words on a status other than kept or not kept (``""`` otherwise)."""
        status = self.status
        if status == "not demonstrated" and self.symptom is not None:
            return self.symptom.lacking
        if status == "n/a":
            missing = [
                name
                for name, value in (("before", self.before), ("after", self.after))
                if value is None
            ]
            if len(missing) == 2:
                return "not in either report"
            return f"not in the {missing[0]} report" if missing else "cannot tell"
        return ""


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


def _figure_value(report: Report, name: str, unit: str) -> float | None:
    figure = report.figures.get(name)
    if figure is None or figure.unit != unit or figure.value is None:
        return None
    return figure.value if math.isfinite(figure.value) else None


def _chart_mean(report: Report, chart_id: str, line: str) -> float | None:
    for series in report.timeseries:
        if series.id == chart_id:
            values = [v for _, v in series.lines.get(line, []) if v is not None]
            return math.fsum(values) / len(values) if values else None
    return None


@dataclass(frozen=True, kw_only=True)
class Impact:
    """One promise of the guide: the report figure that measures it, and how it is kept.

    ``id`` is both the row's id and the name of the figure it reads in ``Report.figures``
    (used only when in ``figure_unit``); ``charts`` are ``(chart id, line)`` whose mean
    stands in when a report has no such figure (reports written before figures existed).
    """

    id: str
    label: str
    unit: str  # how the row shows its figures
    figure_unit: str
    promise: str
    better: Better
    target_change: float | None = None
    target_after: tuple[str, float] | None = None
    symptom: Symptom | None = None
    charts: tuple[tuple[str, str], ...] = ()
    client_p95: bool = False

    def measure(self, report: Report) -> tuple[float | None, str]:
        """The figure in ``report`` and where it came from (``None, ""`` when absent)."""
        value = _figure_value(report, self.id, self.figure_unit)
        if value is not None:
            taken = report.figures[self.id].objective
            return value, f"figure {self.id}" + (f" (objective {taken})" if taken else "")
        for chart_id, line in self.charts:
            value = _chart_mean(report, chart_id, line)
            if value is not None:
                return value, f"chart {chart_id} (mean)"
        if self.client_p95 and report.client is not None and report.client.p95_ms is not None:
            return report.client.p95_ms / 1000, "client P95"
        return None, ""


# The guide's "before": 500ms-2s responses (Expected Impact).
SLOW_BEFORE: Final = 0.5

IMPACT: Final[tuple[Impact, ...]] = (
    Impact(
        id="response_time",
        label="Response time (P95)",
        unit="seconds",
        figure_unit="seconds",
        promise="99% faster response times (500ms-2s → 5-10ms cached)",
        better="lower",
        target_change=-0.99,
        symptom=Symptom(level=SLOW_BEFORE, lacking="before P95 under 500 ms"),
        charts=(("latency_p95", "/models P95"),),
        client_p95=True,
    ),
    Impact(
        id="primary_db_queries",
        label="Primary database queries per second",
        unit="per_second",
        figure_unit="requests_per_second",
        promise="98% reduction in primary database queries",
        better="lower",
        target_change=-0.98,
        symptom=Symptom(level=0.0, strict=True, lacking="no primary queries before"),
        charts=(("db_queries", "primary"),),
    ),
    Impact(
        id="pool_utilization",
        label="Primary connection pool utilization",
        unit="ratio",
        figure_unit="ratio",
        promise="70% reduction in connection pool usage",
        better="lower",
        target_change=-0.70,
        symptom=Symptom(level=0.0, strict=True, lacking="no pool usage before"),
        charts=(("pool_utilization", "primary"),),
    ),
    Impact(
        id="timeouts",
        label="499/504 responses in the window",
        unit="count",
        figure_unit="count",
        promise="Elimination of 499 timeout errors",
        better="lower",
        target_after=("==", 0.0),
        symptom=Symptom(level=0.0, strict=True, lacking="no 499/504 before"),
    ),
    Impact(
        id="hit_rate",
        label="Cache hit rate",
        unit="ratio",
        figure_unit="ratio",
        promise="Cache hit rate >90%",
        better="higher",
        target_after=(">", 0.9),
        charts=(("cache_hit_rate", "hit rate"),),
    ),
)


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
