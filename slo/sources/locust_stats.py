"""Locust's client statistics, from a run in this process or a saved stats file.

File format (JSON, ``version: slo-harness/locust-stats/v1``)::

    {"version": "slo-harness/locust-stats/v1",
     "start": "2026-02-03T10:00:00Z", "end": "2026-02-03T10:10:00Z",
     "stats": [{"name": "Aggregated", "method": "", "num_requests": 60000,
                "num_failures": 0, "avg_response_time": 12.5,
                "p95_response_time": 40.0, "total_rps": 100.0,
                "num_timeouts": 0}, ...]}

A file holding Locust's own ``--json`` output (a list of stats entries) is read too
(:mod:`slo.sources.locust_json`).

Times in ``avg_response_time``/``p95_response_time`` are milliseconds (Locust's unit);
``start``/``end`` delimit the measured (steady-state) phase; ``num_timeouts`` (optional,
default 0) counts the requests the client gave up on, a subset of ``num_failures``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from slo.errors import SpecError, quoted
from slo.slis import AGGREGATED, ClientStats, EndpointStats
from slo.sources.locust_json import stats_from_locust_json
from slo.timeutil import parse_instant

STATS_VERSION = "slo-harness/locust-stats/v1"


def stats_from_dict(data: Mapping[str, Any], *, origin: str = "<stats>") -> ClientStats:
    """Parse the documented format; a ``SpecError`` names the bad entry."""
    if data.get("version") != STATS_VERSION:
        raise SpecError(
            origin, "version", f"expected {STATS_VERSION!r}, got {quoted(data.get('version'))}"
        )
    entries = data.get("stats", [])
    if not isinstance(entries, list):
        raise SpecError(origin, "stats", f"expected a list of rows, got {quoted(entries)}")
    rows: dict[str, EndpointStats] = {}
    for index, entry in enumerate(entries):
        try:
            if not isinstance(entry, dict):
                raise TypeError(f"{quoted(entry)} is not an object")
            p95 = entry.get("p95_response_time")
            row = EndpointStats(
                name=str(entry["name"]),
                method=str(entry.get("method", "")),
                requests=int(entry["num_requests"]),
                failures=int(entry["num_failures"]),
                mean_ms=float(entry["avg_response_time"]),
                p95_ms=None if p95 is None else float(p95),
                rps=float(entry["total_rps"]),
                timeouts=int(entry.get("num_timeouts", 0)),
            )
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            problem = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
            raise SpecError(
                origin, f"stats[{index}]", f"expected a stats row, got {problem[:120]}"
            ) from None
        rows[row.name] = row
    return ClientStats(
        start=_instant(data, "start", origin), end=_instant(data, "end", origin), rows=rows
    )


def _instant(data: Mapping[str, Any], key: str, origin: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    try:
        return parse_instant(str(value))
    except ValueError as exc:
        raise SpecError(origin, key, str(exc)) from None


def stats_from_locust(
    stats: Any, *, start: float | None = None, end: float | None = None
) -> ClientStats:
    """A ``ClientStats`` from Locust's in-process ``RequestStats`` (``environment.stats``).

    With ``start``/``end`` (the measured phase) requests per second are computed over that
    duration; otherwise Locust's own ``total_rps`` is used.
    """
    entries = [stats.total, *stats.entries.values()]
    rows: dict[str, EndpointStats] = {}
    for entry in entries:
        requests = int(entry.num_requests)
        if start is not None and end is not None and end > start:
            rps = requests / (end - start)
        else:
            rps = float(entry.total_rps)
        p95 = entry.get_response_time_percentile(0.95) if requests else None
        name = AGGREGATED if entry is stats.total else str(entry.name)
        rows[name] = EndpointStats(
            name=name,
            method=str(entry.method or ""),
            requests=requests,
            failures=int(entry.num_failures),
            mean_ms=float(entry.avg_response_time),
            p95_ms=None if p95 is None else float(p95),
            rps=rps,
        )
    return ClientStats(start=start, end=end, rows=rows)


def load_stats_file(path: Path) -> ClientStats:
    """Read a saved stats file: this module's format, or Locust's own ``--json`` output."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SpecError(str(path), "", f"cannot read the file ({exc.strerror})") from None
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise SpecError(str(path), "", f"expected a JSON stats file, got {exc}") from None
    if isinstance(data, list):  # Locust's own --json output
        return stats_from_locust_json(data, origin=str(path))
    if not isinstance(data, dict):
        raise SpecError(
            str(path),
            "",
            f"expected {STATS_VERSION} or Locust's --json output (a list), got "
            f"{type(data).__name__}",
        )
    return stats_from_dict(data, origin=str(path))


def stats_to_dict(stats: ClientStats) -> dict[str, Any]:
    """The inverse of :func:`stats_from_dict` (what the Locust gate saves)."""
    from slo.timeutil import iso

    return {
        "version": STATS_VERSION,
        "start": None if stats.start is None else iso(stats.start),
        "end": None if stats.end is None else iso(stats.end),
        "stats": [
            {
                "name": r.name,
                "method": r.method,
                "num_requests": r.requests,
                "num_failures": r.failures,
                "avg_response_time": r.mean_ms,
                "p95_response_time": r.p95_ms,
                "total_rps": r.rps,
                "num_timeouts": r.timeouts,
            }
            for r in stats.rows.values()
        ],
    }
