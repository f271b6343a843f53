"""Ticks from judged reports, and the summary report of a whole watch.

The summary is a ``Report`` whose ``watch`` section holds every tick. Its verdict is the
watch's outcome (``pass`` when ``--for`` was reached without a trip, ``fail`` when it
tripped, ``inconclusive`` when it ended blind or was interrupted) and its exit code the
command's. Its objectives are the last judged tick's, each reason prefixed with how many
ticks it passed and failed; their raw query results are left out, since they belong to
that tick's window and not to the whole watch. Its window spans every judged window.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from reports import (
    ObjectiveResult,
    Report,
    ReportWindow,
    Verdict,
    WatchObjective,
    WatchSection,
    WatchState,
    WatchTick,
)
from slo.evaluate import SpecConfig
from slo.exitcodes import ExitCode
from slo.timeutil import to_datetime

__all__ = ["EXIT_CODES", "WatchSubject", "summary_report", "tick_of"]

#: The exit code of each way a watch ends (DESIGN: 130 for Ctrl-C).
EXIT_CODES = {
    "completed": int(ExitCode.PASS),
    "tripped": int(ExitCode.FAIL),
    "blind": int(ExitCode.INCONCLUSIVE),
    "interrupted": int(ExitCode.INTERRUPTED),
}
_VERDICTS = {
    "completed": Verdict.PASS,
    "tripped": Verdict.FAIL,
    "blind": Verdict.INCONCLUSIVE,
    "interrupted": Verdict.INCONCLUSIVE,
}


@dataclass(frozen=True, kw_only=True)
class WatchSubject:
    """What the summary names: the profile, the spec, the source, the target, the baseline,
    and the profile's objectives as a report lists them before any tick is judged."""

    profile: str
    spec_label: str
    source: str
    target: str
    baseline: str | None
    objectives: tuple[WatchObjective, ...]
    unjudged: tuple[ObjectiveResult, ...]

    @classmethod
    def of(
        cls, config: SpecConfig, *, source: str, target: str, baseline: str | None
    ) -> WatchSubject:
        profile = config.definition
        columns = tuple(
            WatchObjective(
                id=o.id,
                description=o.description,
                unit=o.unit,
                threshold=o.threshold,
                comparator=o.comparator,
                gating=o.gating,
            )
            for o in profile.objectives
        )
        unjudged = tuple(
            ObjectiveResult(
                id=o.id,
                description=o.description,
                verdict=Verdict.INCONCLUSIVE,
                reason="no tick could be judged",
                value=None,
                threshold=o.threshold,
                comparator=o.comparator or (o.baseline.comparison if o.baseline else None),
                unit=o.unit,
                gating=o.gating,
                kind=o.sli.kind,
                query="",
            )
            for o in profile.objectives
        )
        return cls(
            profile=config.profile,
            spec_label=config.spec_label,
            source=source,
            target=target,
            baseline=baseline,
            objectives=columns,
            unjudged=unjudged,
        )


def tick_of(report: Report, at: float) -> WatchTick:
    """One tick from the report of its window."""
    return WatchTick(
        at=to_datetime(at),
        verdict=report.verdict,
        objectives={
            o.id: WatchState(verdict=o.verdict, value=o.value, reason=o.reason)
            for o in report.objectives
        },
    )


def _tally(section: WatchSection, objective: str) -> str:
    found: dict[Verdict, int] = {}
    for tick in section.ticks:
        state = tick.objectives.get(objective)
        if state is not None:
            found[state.verdict] = found.get(state.verdict, 0) + 1
    judged = sum(found.values())
    parts = [f"{n} {v.value}" for v, n in sorted(found.items(), key=lambda x: -x[1])]
    return f"{judged} tick(s) judged: {', '.join(parts) or 'none'}"


def summary_report(section: WatchSection, last: Report | None, subject: WatchSubject) -> Report:
    """The report of the whole watch (``last``: the report of the last judged tick)."""
    if last is not None:
        objectives = [
            o.model_copy(
                update={
                    "reason": f"{_tally(section, o.id)}; last tick: {o.reason}",
                    "raw": {},
                    "slices": [],
                    "failing_slices": [],
                }
            )
            for o in last.objectives
        ]
    else:
        errors = [t.error for t in section.ticks if t.error]
        why = f"no tick could be judged: {errors[-1]}" if errors else "no tick was judged"
        objectives = [o.model_copy(update={"reason": why}) for o in subject.unjudged]
    first = section.ticks[0].at if section.ticks else section.started_at
    end = section.ticks[-1].at if section.ticks else section.ended_at
    start = to_datetime(first.timestamp() - section.window_seconds)
    if end <= start:  # nothing judged yet: the window is the watch's own span
        end = to_datetime(start.timestamp() + section.window_seconds)
    verdict = _VERDICTS[section.outcome]
    return Report(
        verdict=verdict,
        exit_code=EXIT_CODES[section.outcome],
        profile=subject.profile,
        spec=subject.spec_label,
        source=subject.source,
        target=subject.target,
        window=ReportWindow(start=start, end=end),
        objectives=objectives,
        baseline=subject.baseline,
        generated_at=to_datetime(time.time()),
        watch=section,
        time_scale=section.time_scale,
    )
