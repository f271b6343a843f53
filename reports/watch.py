"""The deployment guard's part of a report: every tick of ``slo watch``, and the trip.

``slo watch`` re-judges a rolling window every tick. The report it writes when it trips
(the tripping window) and the summary it writes at the end both carry a ``WatchSection``:
the watch's settings, one :class:`WatchTick` per tick (its time, overall verdict, and each
objective's verdict, value and reason), how the watch ended (``outcome``) and, when it
tripped, the :class:`WatchTrip` with the ``--on-trip`` command's result. The Markdown and
HTML renderers draw the ticks as a table and, in HTML, one chart per objective of its value
tick by tick. Reports written by other commands carry none (``Report.watch`` is None).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from reports.verdict import Verdict

__all__ = [
    "OnTripResult",
    "WatchObjective",
    "WatchOutcome",
    "WatchSection",
    "WatchState",
    "WatchTick",
    "WatchTrip",
]

#: ``completed``: ``--for`` reached without a trip (exit 0); ``tripped``: a rollback was
#: called (exit 1); ``blind``: ``--inconclusive-limit`` ticks in a row without data (exit
#: 2); ``interrupted``: Ctrl-C (exit 130).
WatchOutcome = Literal["completed", "tripped", "blind", "interrupted"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, ser_json_inf_nan="strings")


class WatchObjective(_Model):
    """One watched objective as the spec defines it (the columns of the tick table)."""

    id: str
    description: str
    unit: str
    threshold: float | None = None
    comparator: str | None = None
    gating: bool = True


class WatchState(_Model):
    """One objective on one tick."""

    verdict: Verdict
    value: float | None
    reason: str


class WatchTick(_Model):
    """One tick: the window ``[at - window_seconds, at]`` judged, or why it could not be.

    ``error`` holds the source's error when the tick could not be judged at all (then
    ``verdict`` is inconclusive and ``objectives`` is empty).
    """

    at: datetime
    verdict: Verdict
    objectives: dict[str, WatchState] = Field(default_factory=dict)
    error: str = ""


class OnTripResult(_Model):
    """What the ``--on-trip`` command did: its exit status (None when it was killed at
    ``--on-trip-timeout``), its output (stdout and stderr, the last part if long)."""

    command: str
    exit_status: int | None
    timed_out: bool
    seconds: float
    output: str


class WatchTrip(_Model):
    """The first trip: the tick, the objective, the reason printed after ``ROLLBACK:``."""

    at: datetime
    objective: str
    reason: str
    report: str
    on_trip: OnTripResult | None = None


class WatchSection(_Model):
    """Everything ``slo watch`` adds to a report.

    Durations are in seconds; ``time_scale`` is the factor applied to sustained slices
    (1.0: real time). ``failure_limit`` counts failed ticks in total (consecutive or not),
    ``inconclusive_limit`` ticks without data in a row.
    """

    every_seconds: float
    window_seconds: float
    for_seconds: float
    failure_limit: int
    inconclusive_limit: int
    time_scale: float = 1.0
    started_at: datetime
    ended_at: datetime
    outcome: WatchOutcome
    objectives: list[WatchObjective]
    ticks: list[WatchTick] = Field(default_factory=list)
    trip: WatchTrip | None = None

    def count(self, verdict: Verdict) -> int:
        """How many ticks had ``verdict`` overall."""
        return sum(1 for tick in self.ticks if tick.verdict == verdict)
