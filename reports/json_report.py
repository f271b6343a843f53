"""``report.json``: the report as JSON (the machine-readable record; re-judgeable)."""

from __future__ import annotations

from pathlib import Path

from reports.model import Report

FILENAME = "report.json"


def render_json(report: Report) -> str:
    """The report as indented JSON with the ``schema`` key (NaN/Inf as strings)."""
    return report.model_dump_json(by_alias=True, indent=2) + "\n"


def write_json(report: Report, directory: Path) -> Path:
    """Write ``report.json`` into ``directory`` (created if needed); returns the path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FILENAME
    path.write_text(render_json(report), encoding="utf-8")
    return path


def read_json(path: Path) -> Report:
    """A report written by :func:`write_json` (used for baselines and re-judging)."""
    return Report.model_validate_json(path.read_text(encoding="utf-8"))
