"""Reports: the ``Report`` model an evaluation produces, and its renderers."""

from __future__ import annotations

from reports.errors import ReportFileError
from reports.json_report import read_json, render_json, write_json
from reports.model import (
    REPORT_SCHEMA,
    ClientSummary,
    FigureResult,
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
from reports.timeseries import Threshold, TimeSeries

__all__ = [
    "REDACTED",
    "REPORT_SCHEMA",
    "SECRET_WORDS",
    "ClientSummary",
    "FigureResult",
    "ObjectiveResult",
    "RawSeries",
    "Report",
    "ReportFileError",
    "ReportWindow",
    "SliceResult",
    "Threshold",
    "TimeSeries",
    "Verdict",
    "is_secret_name",
    "read_json",
    "redact_model",
    "redact_text",
    "redact_url",
    "render_json",
    "url_secrets",
    "write_json",
]
