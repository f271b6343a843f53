"""Errors of the reports package.

Hierarchy::

    ValueError
    ├── ReportFileError           a file that should hold a report.json does not
    │   (message: ``file: expected a report.json, got ...``; the CLI exits 3)
    └── ReportDirError            a report directory that cannot be written
        (message: ``--report-dir out: is a file, not a directory``; exit 3, before any
        load is sent or window sampled)
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["ReportDirError", "ReportFileError"]


class ReportFileError(ValueError):
    """A report.json that is missing, unreadable, malformed or of another schema."""

    def __init__(self, file: str, problem: str) -> None:
        self.file = file
        self.problem = problem
        super().__init__(f"{file}: {problem}")


class ReportDirError(ValueError):
    """A report directory that is a file, or cannot be created or written."""

    def __init__(self, option: str, directory: Path, problem: str) -> None:
        self.directory = directory
        self.problem = problem
        super().__init__(f"{option} {directory}: {problem}")
