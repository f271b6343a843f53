"""The headline every format opens with: what was judged, and what this window cannot show.

It counts what was judged, never what was only listed: ``5 of 7 gating objectives judged,
all met; 2 not judged: error_rate_increase, no_timeout_errors_48h``. When the window is
shorter than a duration the profile states ("Monitor for 24 Hours", "for 48 hours"), a
second sentence says the verdict holds for this window only and how to judge the rest:
``PASS for this 59 s window; the 24 h and 48 h criteria need `slo check --last 48h` or
`slo review```. Exit codes never depend on either.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from reports.model import ObjectiveResult, Report, Verdict

__all__ = ["MAX_IDS", "headline", "human_duration", "summary", "window_note"]

#: Ids named in the headline before the rest is counted ("and 3 more").
MAX_IDS: Final = 5
_JUDGED: Final = (Verdict.PASS, Verdict.WARN, Verdict.FAIL)


def _ids(results: Sequence[ObjectiveResult]) -> str:
    names = [r.id for r in results[:MAX_IDS]]
    more = len(results) - MAX_IDS
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def _counted(what: str, results: Sequence[ObjectiveResult]) -> str:
    return f"{len(results)} {what}: {_ids(results)}"


def headline(report: Report) -> str:
    """One sentence: how many gating objectives were judged, and how they came out."""
    gating = [r for r in report.objectives if r.gating]
    judged = [r for r in gating if r.verdict in _JUDGED]
    failed = [r for r in judged if r.verdict == Verdict.FAIL]
    warned = [r for r in judged if r.verdict == Verdict.WARN]
    unsure = [r for r in gating if r.verdict == Verdict.INCONCLUSIVE]
    skipped = [r for r in gating if r.verdict == Verdict.SKIPPED]
    if failed:
        outcome = _counted("failed", failed)
    elif not judged:
        outcome = "none could be judged" if unsure else "none applies to this window"
    elif report.verdict == Verdict.PASS or not unsure:
        outcome = "all met" + (f" ({_counted('at the warn level', warned)})" if warned else "")
    else:
        outcome = "none failed"
    parts = [f"{len(judged)} of {len(gating)} gating objectives judged, {outcome}"]
    if unsure:
        parts.append(_counted("could not be judged", unsure))
    if skipped:
        parts.append(_counted("not judged", skipped))
    sentence = "; ".join(parts)
    trip = report.watch_trip
    if trip is not None:
        return (
            f"the {trip.profile} watch called ROLLBACK ({trip.objective}: {trip.reason}) and "
            f"stopped the run early; in the judged window {sentence}"
        )
    return sentence


def human_duration(seconds: float) -> str:
    """``59 s``, ``10 min``, ``24 h``, ``7 d``: the largest whole unit, as people say it."""
    whole = round(seconds)
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if whole >= size and whole % size == 0 and not (unit == "d" and whole < 7 * 86400):
            return f"{whole // size} {unit}"
    if whole >= 3600:
        return f"{seconds / 3600:.1f} h"
    if whole >= 600:
        return f"{seconds / 60:.1f} min"
    return f"{whole} s"


def _flag(seconds: float) -> str:
    """A duration as ``slo check --last`` takes it: ``48h``, ``7d``, ``90m``, ``45s``."""
    whole = round(seconds)
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if whole >= size and whole % size == 0 and not (unit == "d" and whole < 7 * 86400):
            return f"{whole // size}{unit}"
    return f"{whole}s"


def window_note(report: Report) -> str | None:
    """``PASS for this 59 s window; the 24 h and 48 h criteria need ...`` when the window
    is shorter than a duration the profile states (None otherwise)."""
    window = (report.window.end - report.window.start).total_seconds()
    longer = sorted(
        {d.seconds for d in report.stated_durations if d.seconds * report.time_scale > window}
    )
    if not longer:
        return None
    names = [human_duration(s) for s in longer]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    criteria = "criterion needs" if len(names) == 1 else "criteria need"
    return (
        f"{report.verdict.value.upper()} for this {human_duration(window)} window; the "
        f"{listed} {criteria} `slo check --last {_flag(longer[-1])}` or `slo review`"
    )


def summary(report: Report) -> str:
    """The verdict, the headline and the window note in one line (``report.json``'s
    ``summary``, the JUnit suite's output)."""
    note = window_note(report)
    text = f"{report.verdict.value.upper()}: {headline(report)}"
    return f"{text}. {note}" if note else text
