"""Reports: the ``Report`` model an evaluation produces, and its renderers."""

from __future__ import annotations

from reports.compare import compare_reports, render_comparison
from reports.errors import ReportFileError
from reports.json_report import read_json, render_json, write_json
from reports.model import (
    REPORT_SCHEMA,
    ClientSummary,
    FigureResult,
    GateWatchTrip,
    ObjectiveResult,
    RawSeries,
    Report,
    ReportWindow,
    SliceResult,
    Verdict,
)
from reports.redact import (
    REDACTED,
    SECRET_WORDS,
    is_secret_name,
    redact_model,
    redact_text,
    redact_url,
    url_secrets,
)
from reports.review import (
    AttestationState,
    PreviousReview,
    ReviewDay,
    ReviewObjective,
    ReviewPeriod,
    ReviewSection,
    TrendRow,
)
from reports.text import client_line, fmt, result_table, target
from reports.timeseries import Point, Threshold, TimeSeries
from reports.watch import (
    OnTripResult,
    WatchObjective,
    WatchOutcome,
    WatchSection,
    WatchState,
    WatchTick,
    WatchTrip,
)

__all__ = [
    "REDACTED",
    "REPORT_SCHEMA",
    "SECRET_WORDS",
    "AttestationState",
    "ClientSummary",
    "FigureResult",
    "GateWatchTrip",
    "ObjectiveResult",
    "OnTripResult",
    "Point",
    "PreviousReview",
    "RawSeries",
    "Report",
    "ReportFileError",
    "ReportWindow",
    "ReviewDay",
    "ReviewObjective",
    "ReviewPeriod",
    "ReviewSection",
    "SliceResult",
    "Threshold",
    "TimeSeries",
    "TrendRow",
    "Verdict",
    "WatchObjective",
    "WatchOutcome",
    "WatchSection",
    "WatchState",
    "WatchTick",
    "WatchTrip",
    "client_line",
    "compare_reports",
    "fmt",
    "is_secret_name",
    "read_json",
    "redact_model",
    "redact_text",
    "redact_url",
    "render_comparison",
    "render_json",
    "result_table",
    "target",
    "url_secrets",
    "write_json",
]
