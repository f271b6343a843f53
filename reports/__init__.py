"""Reports: the ``Report`` model an evaluation produces, and its renderers."""

from __future__ import annotations

from reports.json_report import read_json, render_json, write_json
from reports.model import (
    REPORT_SCHEMA,
    ClientSummary,
    ObjectiveResult,
    RawSeries,
    Report,
    ReportWindow,
    SliceResult,
    Verdict,
)
from reports.timeseries import Threshold, TimeSeries

__all__ = [
    "REPORT_SCHEMA",
    "ClientSummary",
    "ObjectiveResult",
    "RawSeries",
    "Report",
    "ReportWindow",
    "SliceResult",
    "Threshold",
    "TimeSeries",
    "Verdict",
    "read_json",
    "render_json",
    "write_json",
]
