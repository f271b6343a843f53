"""Errors of the SLO engine.

Hierarchy::

    SloError                      base; the CLI turns each into a one-line message
    ├── UsageError                bad command-line usage or options        -> exit 3
    ├── SpecError                 invalid spec / mapping / baseline file   -> exit 3
    │   (message: ``file: path.in.doc: expected ..., got ...``)
    └── SourceError               data source unreachable or erroring      -> exit 4
        (message names the URL with credentials redacted and the error)
"""

from __future__ import annotations

__all__ = ["SloError", "SourceError", "SpecError", "UsageError", "quoted"]


def quoted(value: object, limit: int = 60) -> str:
    """``value`` as a message shows what was found: ``repr``, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 4]}...{text[-1]}"


class SloError(Exception):
    """Base of every error the engine raises on purpose."""

    exit_code = 3


class UsageError(SloError):
    """The command line asked for something impossible or contradictory."""

    exit_code = 3


class SpecError(SloError):
    """A spec, mapping or baseline file is invalid; the message says where and why."""

    exit_code = 3

    def __init__(self, file: str, path: str, problem: str) -> None:
        self.file = file
        self.path = path
        self.problem = problem
        where = f"{file}: {path}" if path else file
        super().__init__(f"{where}: {problem}")


class SourceError(SloError):
    """A data source (Prometheus, scraped target, stats file) is unreachable or erroring."""

    exit_code = 4
