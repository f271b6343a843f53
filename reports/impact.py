"""The guide's "Expected Impact" promises (``IMPACT``), and how one row of
``slo compare`` judges one (``ImpactRow.status``).

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
demonstrated`` and ``n/a``; ``reports.compare`` sets the rows side by side and judges the
comparison.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

from reports.model import Report

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
