"""Durations (``10m``, ``48h``, ``7d``) and instants (ISO-8601 or unix seconds), parsed once."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
DURATION_PATTERN = r"^\d+(\.\d+)?(ms|s|m|h|d|w)$"


def parse_duration(text: str) -> float:
    """Seconds in a Prometheus-style duration; ``ValueError`` naming what is expected."""
    match = _DURATION.match(text.strip())
    if match is None:
        raise ValueError(f"expected a duration such as 10m, 48h or 7d, got {text!r}")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def format_duration(seconds: float) -> str:
    """The shortest exact Prometheus duration for ``seconds`` (``3600`` -> ``1h``)."""
    if seconds <= 0:
        raise ValueError(f"expected a positive duration, got {seconds} s")
    for unit in ("w", "d", "h", "m", "s"):
        size = _UNIT_SECONDS[unit]
        if seconds >= size and float(seconds / size).is_integer():
            return f"{int(seconds / size)}{unit}"
    return f"{round(seconds * 1000)}ms"


def parse_instant(text: str) -> float:
    """Unix seconds from ISO-8601 (naive means UTC) or a plain number of unix seconds."""
    raw = text.strip()
    try:
        return float(raw)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"expected an ISO-8601 time (2026-02-03T10:00:00Z) or unix seconds, got {text!r}"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def to_datetime(ts: float) -> datetime:
    """A UTC datetime for unix seconds."""
    return datetime.fromtimestamp(ts, tz=UTC)


def iso(ts: float) -> str:
    """ISO-8601 UTC with a ``Z`` (what reports and messages print)."""
    return to_datetime(ts).isoformat().replace("+00:00", "Z")
