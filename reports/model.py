"""The ``Report``: what one evaluation produced (schema ``slo-harness/report/v1``).

``slo`` builds it; renderers (JSON, Markdown, HTML, JUnit) only read it. Raw query results
are kept per objective so a past run can be judged again against new thresholds.

Besides the judged objectives, a report carries named ``figures``: numbers measured over
the same window but never judged (the guide's "Expected Impact": response time, primary
database queries per second, primary pool utilization, 499/504 count, hit rate), which
``slo compare`` sets side by side. The spec defines them (its top-level ``figures``), so
their names are stable whatever objectives the profile judges; see :class:`FigureResult`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from reports.review import ReviewSection
from reports.timeseries import TimeSeries
from reports.verdict import Verdict
from reports.watch import WatchSection

__all__ = [
    "REPORT_SCHEMA",
    "ClientSummary",
    "FigureResult",
    "LoadSummary",
    "ObjectiveResult",
    "RawSeries",
    "Report",
    "ReportWindow",
    "RouteSummary",
    "SliceResult",
    "StatedDuration",
    "TargetVersion",
    "Verdict",
]

REPORT_SCHEMA: Final = "slo-harness/report/v1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, ser_json_inf_nan="strings")


class ReportWindow(_Model):
    start: datetime
    end: datetime


class RawSeries(_Model):
    """One element of a query's vector result."""

    labels: dict[str, str] = Field(default_factory=dict)
    value: float


class SliceResult(_Model):
    """One time slice of a sustained objective."""

    start: datetime
    end: datetime
    verdict: Verdict
    value: float | None
    reason: str


class ObjectiveResult(_Model):
    id: str
    description: str
    verdict: Verdict
    reason: str
    value: float | None
    threshold: float | None
    warn_threshold: float | None = None
    comparator: str | None
    unit: str
    gating: bool
    kind: str
    query: str
    queries: dict[str, str] = Field(default_factory=dict)
    bounds: tuple[float, float] | None = None
    requests: float | None = None
    baseline_value: float | None = None
    slices: list[SliceResult] = Field(default_factory=list)
    failing_slices: list[SliceResult] = Field(default_factory=list)
    raw: dict[str, list[RawSeries]] = Field(default_factory=dict)
    # What to do about it, from the guide's Troubleshooting (``slo.rules.runbooks``); set
    # on a failing objective only.
    runbook: str | None = None


class FigureResult(_Model):
    """One named figure of the window, measured but not judged (``Report.figures[name]``).

    ``value`` is in ``unit`` (``seconds``, ``ratio``, ``count``, ``requests_per_second``...)
    and None when it could not be measured (no metric source, the metric absent, no events,
    the source erroring: ``reason`` says which); it is never NaN and never a stand-in 0.
    ``objective`` names the judged objective whose measurement gave it, when one did (same
    SLI over the same window), instead of a query of its own.
    """

    description: str
    value: float | None
    unit: str
    query: str = ""
    objective: str | None = None
    reason: str = ""


class RouteSummary(_Model):
    """One route (Locust's request name) as the load generator saw it in the window."""

    name: str
    requests: int
    failures: int
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None


class ClientSummary(_Model):
    """The load generator's view, and whether the server counted the same load."""

    requests: int | None = None
    failures: int | None = None
    rps: float | None = None
    mean_ms: float | None = None
    p95_ms: float | None = None
    timeouts: int | None = None
    server_requests: float | None = None
    agreement: str = ""
    # Per route, busiest first; empty when the producer had only the aggregate.
    routes: list[RouteSummary] = Field(default_factory=list)


class LoadSummary(_Model):
    """The load a Locust run sent: its shape, peak users, and the whole run's requests and
    duration (warm-up included; the judged window is ``Report.window``)."""

    shape: str
    description: str = ""
    peak_users: int | None = None
    requests: int | None = None
    failures: int | None = None
    duration_s: float | None = None


class TargetVersion(_Model):
    """The version the target reported, and where it was read (``/health``, ...)."""

    version: str
    source: str


class StatedDuration(_Model):
    """A duration the judged profile states, by its own words ("Monitor for 24 Hours") or
    an objective's sustained window (48h): a shorter window cannot be the whole check."""

    seconds: float
    stated_by: str


class GateWatchTrip(_Model):
    """The Locust gate's ``--watch-profile`` trip: the watch stopped the run early (exit 1).

    ``reason`` is what follows ``ROLLBACK: <objective>:`` (the guide's words, then the
    verdict's reason); ``window`` is the tripping tick's rolling window.
    """

    profile: str
    objective: str
    reason: str
    at: datetime
    window: ReportWindow
    time_scale: float = 1.0


class Report(_Model):
    schema_: Literal["slo-harness/report/v1"] = Field(default=REPORT_SCHEMA, alias="schema")
    verdict: Verdict
    exit_code: int
    profile: str
    spec: str
    source: str
    target: str
    window: ReportWindow
    objectives: list[ObjectiveResult]
    client: ClientSummary | None = None
    baseline: str | None = None
    generated_at: datetime
    timeseries: list[TimeSeries] = Field(default_factory=list)
    review: ReviewSection | None = None  # only in reports written by ``slo review``
    watch: WatchSection | None = None  # only in reports written by ``slo watch``
    # Only in reports of a Locust run whose --watch-profile tripped; the verdict is then fail.
    watch_trip: GateWatchTrip | None = None
    # Named figures of the window (the spec's ``figures``); empty in reports written
    # before they existed, or from a spec that defines none.
    figures: dict[str, FigureResult] = Field(default_factory=dict)
    # Sustained slices were the spec's durations times this (1: as written; drills and
    # tests judge "for 5 minutes" in seconds).
    time_scale: float = 1.0
    # The durations the profile states (see StatedDuration); empty in older reports.
    stated_durations: list[StatedDuration] = Field(default_factory=list)
    # Only in reports of a Locust run: the load sent, and the target's version if it
    # exposes one.
    load: LoadSummary | None = None
    target_version: TargetVersion | None = None
    # The verdict and headline as every format prints them (filled when rendered).
    summary: str = ""

    model_config = ConfigDict(
        extra="forbid", frozen=True, ser_json_inf_nan="strings", populate_by_name=True
    )

    def objective(self, objective_id: str) -> ObjectiveResult:
        """The result for one objective id (``KeyError`` when absent)."""
        for item in self.objectives:
            if item.id == objective_id:
                return item
        raise KeyError(objective_id)
