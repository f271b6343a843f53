"""Durations (``10m``, ``1h30m``, ``7d``) and instants (ISO-8601 or unix seconds), parsed once."""

from __future__ import annotations

import itertools
import math
import re
from datetime import UTC, datetime

from slo.errors import quoted

_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
#: The shape of a duration (the spec's JSON Schema states it); ``parse_duration`` also
#: wants the units largest first, each once, and a positive total.
DURATION_PATTERN = r"^(\d+(\.\d+)?(ms|s|m|h|d|w))+$"
DURATION_EXAMPLES = "10m, 1h30m or 7d"
#: The longest duration taken (100 years): a longer one cannot name a window of metrics.
MAX_DURATION = 36500 * 86400.0
#: Instants from the Unix epoch to the end of year 9999, what a report's window can hold.
MAX_INSTANT = 253402300799.0


def parse_duration(text: str) -> float:
    """Seconds in a duration such as ``10m``, ``1h30m`` or ``1.5h`` (Prometheus's form, plus
    decimals): parts largest unit first, each unit once, positive. ``ValueError`` naming
    what is expected."""
    raw = text.strip()
    parts = list(_PART.finditer(raw))
    if not parts or "".join(p.group(0) for p in parts) != raw:
        if raw.startswith("-") and _is_duration(raw[1:]):
            raise ValueError(f"expected a positive duration, got {quoted(text)}")
        raise ValueError(f"expected a duration such as {DURATION_EXAMPLES}, got {quoted(text)}")
    sizes = [_UNIT_SECONDS[p.group(2)] for p in parts]
    if any(a <= b for a, b in itertools.pairwise(sizes)):
        raise ValueError(
            "expected a duration with its units largest first, each once (1h30m), "
            f"got {quoted(text)}"
        )
    seconds = sum(float(p.group(1)) * size for p, size in zip(parts, sizes, strict=True))
    if seconds == 0:
        raise ValueError(f"expected a positive duration, got {quoted(text)}")
    if seconds < _UNIT_SECONDS["ms"]:
        raise ValueError(f"expected a duration of at least 1ms, got {quoted(text)}")
    if not seconds <= MAX_DURATION:
        raise ValueError(f"expected a duration of at most 100 years, got {quoted(text)}")
    return seconds


def _is_duration(text: str) -> bool:
    try:
        parse_duration(text)
    except ValueError:
        return False
    return True


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
    """Unix seconds from ISO-8601 (naive means UTC) or a plain number of unix seconds,
    between the epoch and the end of year 9999; ``ValueError`` naming what is expected."""
    raw = text.strip()
    wanted = f"expected an ISO-8601 time (2026-02-03T10:00:00Z) or unix seconds, got {quoted(text)}"
    try:
        seconds = float(raw)
    except ValueError:
        try:
            parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            seconds = parsed.timestamp()
        except (ValueError, OverflowError):
            raise ValueError(wanted) from None
    if not (math.isfinite(seconds) and 0 <= seconds <= MAX_INSTANT):
        raise ValueError(f"expected a time between 1970 and the year 9999, got {quoted(text)}")
    return seconds


def to_datetime(ts: float) -> datetime:
    """A UTC datetime for unix seconds."""
    return datetime.fromtimestamp(ts, tz=UTC)


def iso(ts: float) -> str:
    """ISO-8601 UTC with a ``Z`` (what reports and messages print)."""
    return to_datetime(ts).isoformat().replace("+00:00", "Z")
