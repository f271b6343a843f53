"""The durations a profile states, so a report of a shorter window can say it is not the
whole check (``reports.headline.window_note``).

Two places state one: an objective judged per slice over a minimum window (``sustained:
{min_window: 48h}``, "No 499/504 errors for 48 hours"), and the profile's own words when
they say how long to watch ("Step 5: Monitor for 24 Hours", "Monitor caching for 24
hours", "successful for 24+ hours"); "within 5 minutes" is a deadline, not a duration to
watch, and is not one.
"""

from __future__ import annotations

import re
from typing import Final

from reports import StatedDuration
from slo.spec import Profile
from slo.timeutil import parse_duration

__all__ = ["stated_durations"]

_WATCH_FOR: Final = re.compile(
    r"\bfor\s+(?P<n>\d+)\+?\s*(?P<unit>minutes?|hours?|days?|weeks?)\b", re.IGNORECASE
)
_UNIT_SECONDS: Final = {"minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400}


def stated_durations(name: str, profile: Profile) -> list[StatedDuration]:
    """Every duration profile ``name`` states, by its words, then by its objectives."""
    found = [
        StatedDuration(
            seconds=float(int(m.group("n")) * _UNIT_SECONDS[m.group("unit").lower().rstrip("s")]),
            stated_by=f"profile {name}: {m.group(0)}",
        )
        for m in _WATCH_FOR.finditer(profile.description)
    ]
    found += [
        StatedDuration(
            seconds=parse_duration(o.sustained.min_window),
            stated_by=f"{o.id}: sustained over {o.sustained.min_window}",
        )
        for o in profile.objectives
        if o.sustained is not None
    ]
    return found
