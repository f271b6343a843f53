"""``report.json``: the report as JSON (the machine-readable record; re-judgeable)."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from reports.errors import ReportFileError
from reports.files import write_atomic
from reports.headline import summary
from reports.model import Report

FILENAME = "report.json"


def render_json(report: Report) -> str:
    """The report as indented JSON with the ``schema`` key (NaN/Inf as strings), its
    ``summary`` the verdict, headline and window note as every other format prints them."""
    filled = report.model_copy(update={"summary": summary(report)})
    return filled.model_dump_json(by_alias=True, indent=2) + "\n"


def write_json(report: Report, directory: Path) -> Path:
    """Write ``report.json`` into ``directory`` (created if needed), atomically; returns
    the path."""
    directory.mkdir(parents=True, exist_ok=True)
    return write_atomic(directory / FILENAME, render_json(report))


def read_json(path: str | Path, *, role: str = "") -> Report:
    """A report written by :func:`write_json` (a baseline, a previous review, a re-judge).

    A missing, unreadable or malformed file, or one of another schema, raises
    ``ReportFileError`` naming the file (and ``role``, e.g. the option that named it).
    """
    try:
        return Report.model_validate_json(Path(path).read_text(encoding="utf-8"))
    except ValidationError as exc:  # not JSON, or not a report of this schema
        got = _first_problem(exc)
    except (OSError, ValueError) as exc:
        got = str(exc)
    wanted = f"a report.json ({role})" if role else "a report.json"
    raise ReportFileError(str(path), f"expected {wanted}, got {got[:200]}")


def _first_problem(exc: ValidationError) -> str:
    """``verdict: Field required (and 8 more problems)``: one line, not pydantic's many."""
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    found = f"{where}: {first['msg']}" if where else str(first["msg"])
    more = exc.error_count() - 1
    return f"{found} (and {more} more problems)" if more else found
