"""How a watch runs: its schedule, its limits, what to do on a trip; checked once."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from slo.errors import UsageError

__all__ = ["DEFAULTS", "WatchSettings"]

#: The defaults of ``slo watch`` (the CLI's help shows them).
DEFAULTS = {
    "every": "15s",
    "window": "5m",
    "for": "2h",
    "on_trip_timeout": "30s",
    "failure_limit": 1,
    "inconclusive_limit": 4,
    "report_dir": "reports-out/watch",
}


@dataclass(frozen=True, kw_only=True)
class WatchSettings:
    """Seconds between ticks (``every``), the rolling window each tick judges, how long
    the watch lasts (``duration``), the limits, and the ``--on-trip`` command.

    ``failure_limit`` failed ticks in total (consecutive or not) trip the watch;
    ``inconclusive_limit`` ticks in a row without data end it blind. ``time_scale``
    (0 < scale <= 1) shortens the spec's sustained slices for drills and tests.
    """

    every: float
    window: float
    duration: float
    failure_limit: int = 1
    inconclusive_limit: int = 4
    time_scale: float = 1.0
    on_trip: str | None = None
    on_trip_timeout: float = 30.0
    report_dir: Path = Path("reports-out/watch")

    def __post_init__(self) -> None:
        for option, seconds in (
            ("--every", self.every),
            ("--window", self.window),
            ("--for", self.duration),
            ("--on-trip-timeout", self.on_trip_timeout),
        ):
            if not (math.isfinite(seconds) and seconds > 0):
                raise UsageError(f"{option}: expected a positive duration, got {seconds:g} s")
        for option, limit in (
            ("--failure-limit", self.failure_limit),
            ("--inconclusive-limit", self.inconclusive_limit),
        ):
            if limit < 1:
                raise UsageError(f"{option}: expected a whole number of ticks >= 1, got {limit}")
        if not (math.isfinite(self.time_scale) and 0 < self.time_scale <= 1):
            raise UsageError(f"--time-scale: expected 0 < F <= 1, got {self.time_scale:g}")
        if self.on_trip is not None and not self.on_trip.strip():
            raise UsageError("--on-trip: expected a command, got an empty string")
