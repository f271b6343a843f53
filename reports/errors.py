"""Errors of the reports package.

Hierarchy::

    ValueError
    └── ReportFileError           a file that should hold a report.json does not
        (message: ``file: expected a report.json, got ...``; the CLI exits 3)
"""

from __future__ import annotations

__all__ = ["ReportFileError"]


class ReportFileError(ValueError):
    """A report.json that is missing, unreadable, malformed or of another schema."""

    def __init__(self, file: str, problem: str) -> None:
        self.file = file
        self.problem = problem
        super().__init__(f"{file}: {problem}")
