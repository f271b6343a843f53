"""The tick loop of ``slo watch``: judge a rolling window on a fixed schedule until the
watch trips, goes blind, reaches ``--for`` or is interrupted.

Tick ``k`` is due at ``start + k * every`` (a slow tick never shifts the ones after it; a
tick that overran its slot skips the slots it missed, and says so). Each tick judges
``[now - window, now]`` through the injected ``judge``; a ``SourceError`` (Prometheus
unreachable or erroring) makes the tick inconclusive, never ends the watch by itself.

- A *failed tick* is one whose overall verdict is fail (a gating objective failed). The
  ``failure_limit``-th failed tick, consecutive or not, trips the watch: ``ROLLBACK:``,
  the report of that window, ``--on-trip``, exit 1.
- ``inconclusive_limit`` inconclusive ticks in a row end it blind: exit 2.
- Reaching ``duration`` without a trip: exit 0. Ctrl-C: exit 130. Every ending writes the
  summary of the whole watch.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from reports import Report, Verdict, WatchOutcome, WatchSection, WatchTick, WatchTrip
from slo.errors import SourceError
from slo.evaluate import Window
from slo.timeutil import format_duration, iso, to_datetime
from slo.watch.lines import Printer, brief_error
from slo.watch.settings import WatchSettings
from slo.watch.summary import EXIT_CODES, WatchSubject, summary_report, tick_of
from slo.watch.trip import run_on_trip, trip_env, tripping_objective

__all__ = ["Clock", "Judge", "Publisher", "SystemClock", "WatchResult", "run_watch"]


class Clock(Protocol):
    def now(self) -> float:
        """Unix seconds."""
        ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class Judge(Protocol):
    def __call__(self, window: Window) -> Report:
        """The report of ``window``; raises ``SourceError`` when the source cannot answer."""
        ...


class Publisher(Protocol):
    """Where the reports go (``slo.publish`` in the CLI)."""

    def trip_path(self) -> Path:
        """Where the tripping window's report.json will be."""
        ...

    def write_trip(self, report: Report, window: Window) -> Path: ...

    def write_summary(self, report: Report) -> Path: ...


@dataclass(frozen=True, kw_only=True)
class WatchResult:
    outcome: WatchOutcome
    exit_code: int
    summary: Report
    summary_path: Path
    trip_path: Path | None


@dataclass(kw_only=True)
class _State:
    settings: WatchSettings
    subject: WatchSubject
    started: float
    ticks: list[WatchTick] = field(default_factory=list)
    last: Report | None = None
    failed: int = 0
    blind: int = 0
    trip: WatchTrip | None = None

    def section(self, outcome: WatchOutcome, ended: float) -> WatchSection:
        s = self.settings
        return WatchSection(
            every_seconds=s.every,
            window_seconds=s.window,
            for_seconds=s.duration,
            failure_limit=s.failure_limit,
            inconclusive_limit=s.inconclusive_limit,
            time_scale=s.time_scale,
            started_at=to_datetime(self.started),
            ended_at=to_datetime(ended),
            outcome=outcome,
            objectives=list(self.subject.objectives),
            ticks=list(self.ticks),
            trip=self.trip,
        )

    def counts(self) -> tuple[str, str]:
        """Failed ticks and ticks without data in a row, against their limits."""
        s = self.settings
        return f"{self.failed}/{s.failure_limit}", f"{self.blind}/{s.inconclusive_limit}"


@dataclass(kw_only=True)
class _Watch:
    settings: WatchSettings
    judge: Judge
    publisher: Publisher
    printer: Printer
    clock: Clock
    state: _State

    def wait_until(self, due: float) -> None:
        while (left := due - self.clock.now()) > 0:
            if self.printer.live:
                ends = self.state.started + self.settings.duration - self.clock.now()
                failed, blind = self.state.counts()
                self.printer.status(
                    f"watching {self.state.subject.profile}: {len(self.state.ticks)} ticks, "
                    f"failed {failed}, no data {blind}, next in {left:.0f}s, {_left(ends)} left"
                )
                self.clock.sleep(min(left, 1.0))
            else:
                self.clock.sleep(left)

    def tick(self) -> tuple[WatchTick, Report | None, Window]:
        now = self.clock.now()
        window = Window(start=now - self.settings.window, end=now)
        try:
            report = self.judge(window)
        except SourceError as exc:
            return (
                WatchTick(
                    at=to_datetime(now), verdict=Verdict.INCONCLUSIVE, error=brief_error(str(exc))
                ),
                None,
                window,
            )
        return tick_of(report, now), report, window

    def run(self) -> WatchOutcome:
        s, state = self.settings, self.state
        deadline = state.started + s.duration
        k = 0
        while True:
            self.wait_until(state.started + k * s.every)
            tick, report, window = self.tick()
            state.ticks.append(tick)
            if report is not None:
                state.last = report
            if tick.verdict == Verdict.FAIL:
                state.failed += 1
                state.blind = 0
            elif tick.verdict == Verdict.INCONCLUSIVE:
                state.blind += 1
            else:
                state.blind = 0
            failed, blind = state.counts()
            self.printer.tick(tick, window_start=window.start, failed=failed, blind=blind)
            if report is not None and state.failed >= s.failure_limit:
                self.trip(report, window)
                return "tripped"
            if state.blind >= s.inconclusive_limit:
                return "blind"
            after = self.clock.now()
            nxt = max(k + 1, int((after - state.started) // s.every) + 1)
            if nxt > k + 1:
                took = after - tick.at.timestamp()
                self.printer.note(
                    f"the tick at {iso(tick.at.timestamp())} took {took:.1f}s, longer than "
                    f"--every {s.every:g}s: skipped {nxt - k - 1} tick(s)"
                )
            k = nxt
            if state.started + k * s.every > deadline + 1e-6:
                return "completed"

    def trip(self, report: Report, window: Window) -> None:
        state = self.state
        objective, reason = tripping_objective(report)
        at = window.end
        self.printer.trip(objective=objective.id, reason=reason, at=at)
        path = self.publisher.trip_path()
        state.trip = WatchTrip(
            at=to_datetime(at), objective=objective.id, reason=reason, report=str(path)
        )
        section = state.section("tripped", self.clock.now())
        written = self.publisher.write_trip(report.model_copy(update={"watch": section}), window)
        self.printer.reports("report of the tripping window", str(written))
        command = self.settings.on_trip
        if command is None:
            return
        env = trip_env(
            objective=objective.id,
            reason=reason,
            report=str(written.resolve()),
            profile=state.subject.profile,
        )
        result = run_on_trip(command, env=env, timeout=self.settings.on_trip_timeout)
        state.trip = state.trip.model_copy(update={"on_trip": result})
        self.printer.on_trip(result)


def _left(seconds: float) -> str:
    return format_duration(max(round(seconds), 1))


def _message(outcome: WatchOutcome, settings: WatchSettings) -> str:
    if outcome == "completed":
        return f"reached --for {format_duration(settings.duration)} without a trip"
    if outcome == "tripped":
        return "tripped: rollback called"
    if outcome == "blind":
        return (
            f"no data for {settings.inconclusive_limit} ticks in a row "
            "(--inconclusive-limit): a watch that cannot see is not a pass"
        )
    return "interrupted"


def run_watch(
    settings: WatchSettings,
    *,
    subject: WatchSubject,
    judge: Judge,
    publisher: Publisher,
    printer: Printer,
    clock: Clock | None = None,
) -> WatchResult:
    """Watch until a trip, blindness, ``settings.duration`` or Ctrl-C; write the summary."""
    clock = clock or SystemClock()
    state = _State(settings=settings, subject=subject, started=clock.now())
    watch = _Watch(
        settings=settings,
        judge=judge,
        publisher=publisher,
        printer=printer,
        clock=clock,
        state=state,
    )
    outcome: WatchOutcome
    try:
        outcome = watch.run()
    except KeyboardInterrupt:
        outcome = "interrupted"
    summary = summary_report(state.section(outcome, clock.now()), state.last, subject)
    path = publisher.write_summary(summary)
    code = EXIT_CODES[outcome]
    message = _message(outcome, settings)
    printer.end(outcome=outcome, exit_code=code, message=message, summary=str(path))
    return WatchResult(
        outcome=outcome,
        exit_code=code,
        summary=summary,
        summary_path=path,
        trip_path=None if state.trip is None else Path(state.trip.report),
    )
