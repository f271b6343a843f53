"""The gate's watch (`--watch-profile`): a rolling window judged during the run, a trip
stopping it early.

Every `--watch-every` seconds of the run, on the master or the local runner, the watch
judges its profile (say `escalation`, whose objectives each state a healthy condition)
over `[now - window, now]`, with the same server source the gate reads. A tick whose
gating objective fails is a *trip*: `ROLLBACK: <objective>: <reason>` is logged, the
trip is written to `watch-trip.json` in the report directory, and the gate stops the run
(like k6's `abortOnFail`) and exits 1. A tick that cannot see (inconclusive, or the
source erroring) logs one line and never trips.

Everything here is plain code with the judge and the clock passed in: the gate plugin
(`gate.py`) runs `Watcher.run` in a greenlet and owns stopping the run.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final, Protocol

from reports import Report, Verdict, redact_model, redact_text, write_atomic
from slo.errors import UsageError
from slo.evaluate import SpecConfig, Window
from slo.timeutil import format_duration, iso, parse_duration
from slo.watch import tripping_objective

__all__ = [
    "DEFAULT_EVERY",
    "DEFAULT_WINDOW",
    "TRIP_FILE",
    "TRIP_SCHEMA",
    "Judge",
    "Trip",
    "WatchConfig",
    "Watcher",
    "load_watch_config",
    "trip_of",
]

DEFAULT_EVERY: Final = 15.0
DEFAULT_WINDOW: Final = "5m"
DEFAULT_SCALE: Final = 1.0
#: The trip's record, next to report.json.
TRIP_FILE: Final = "watch-trip.json"
TRIP_SCHEMA: Final = "slo-harness/gate-watch-trip/v1"

log = logging.getLogger("slo.gate.watch")


class Judge(Protocol):
    def __call__(self, window: Window) -> Report:
        """The watch profile's report of `window` (may raise: the tick cannot see)."""
        ...


@dataclass(frozen=True, kw_only=True)
class WatchConfig:
    """The watch profile (same spec and mapping as the gate's), its schedule and the time
    scale of its sustained slices (0 < scale <= 1; 1 is the spec's own durations)."""

    spec_config: SpecConfig
    every: float = DEFAULT_EVERY
    window: float = 300.0
    time_scale: float = 1.0

    @property
    def profile(self) -> str:
        return self.spec_config.profile

    def describe(self) -> str:
        scale = "" if self.time_scale == 1 else f", time scale {self.time_scale:g}"
        return (
            f"profile {self.profile} over the last {_duration(self.window)} every "
            f"{_duration(self.every)}{scale}"
        )


def _duration(seconds: float) -> str:
    return format_duration(seconds) if seconds > 0 else f"{seconds:g}s"


def _seconds(option: str, text: str) -> float:
    """A plain number of seconds or a duration such as `10s` or `5m`."""
    try:
        value = float(text)
    except ValueError:
        try:
            value = parse_duration(text)
        except ValueError as exc:
            raise UsageError(f"{option}: {exc}") from None
    if not (math.isfinite(value) and value > 0):
        raise UsageError(f"{option}: expected a positive duration, got {text!r}")
    return value


def load_watch_config(options: Any, gate: SpecConfig) -> WatchConfig | None:
    """The watch the options ask for (None without `--watch-profile`); `UsageError`
    (exit 3) when an option is wrong or the profile is not in the gate's spec."""
    profile = getattr(options, "watch_profile", None)
    every = getattr(options, "watch_every", None)
    window = getattr(options, "watch_window", None)
    scale = getattr(options, "watch_time_scale", None)
    if not profile:
        given = [
            name
            for name, value in (
                ("--watch-every", every),
                ("--watch-window", window),
                ("--watch-time-scale", scale),
            )
            if value is not None
        ]
        if given:
            raise UsageError(f"{', '.join(given)} without --watch-profile: nothing to watch")
        return None
    chosen = replace(gate, profile=profile)  # SpecConfig checks the profile exists
    return WatchConfig(
        spec_config=chosen,
        every=_seconds("--watch-every", str(DEFAULT_EVERY if every is None else every)),
        window=_seconds("--watch-window", DEFAULT_WINDOW if window is None else str(window)),
        time_scale=_scale(DEFAULT_SCALE if scale is None else scale),
    )


def _scale(text: object) -> float:
    try:
        value = float(str(text))
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= 1):
        raise UsageError(f"--watch-time-scale: expected a number F with 0 < F <= 1, got {text!r}")
    return value


@dataclass(frozen=True, kw_only=True)
class Trip:
    """A tick that called the rollback: its objective, the reason printed after
    `ROLLBACK: <objective>:` (the guide's words, then the verdict's reason), when, and the
    report of the tripping window (which states the watch's time scale)."""

    objective: str
    reason: str
    at: float
    window: Window
    report: Report

    def line(self) -> str:
        return f"ROLLBACK: {self.objective}: {self.reason}"

    def record(self, config: WatchConfig, *, secrets: Iterable[str] = ()) -> dict[str, Any]:
        """The content of `watch-trip.json` (credentials redacted)."""
        known = tuple(secrets)
        report = redact_model(self.report, known)
        return {
            "schema": TRIP_SCHEMA,
            "profile": config.profile,
            "objective": self.objective,
            "reason": redact_text(self.reason, known),
            "at": iso(self.at),
            "window": {"start": iso(self.window.start), "end": iso(self.window.end)},
            "every_seconds": config.every,
            "window_seconds": config.window,
            "time_scale": config.time_scale,
            "report": json.loads(report.model_dump_json(by_alias=True)),
        }

    def write(self, directory: Path, config: WatchConfig, *, secrets: Iterable[str] = ()) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.record(config, secrets=secrets), indent=2) + "\n"
        return write_atomic(directory / TRIP_FILE, text)


def trip_of(report: Report, window: Window) -> Trip | None:
    """The trip a tick's report calls for, by `slo watch`'s rule: its first failing gating
    objective (None: no gating objective failed, whatever else the report says)."""
    if not any(o.gating and o.verdict == Verdict.FAIL for o in report.objectives):
        return None
    first, reason = tripping_objective(report)
    return Trip(objective=first.id, reason=reason, at=window.end, window=window, report=report)


def _blind(report: Report) -> str:
    """What a tick could not see: each inconclusive gating objective and why."""
    return "; ".join(
        f"{o.id}: {o.reason}"
        for o in report.objectives
        if o.gating and o.verdict == Verdict.INCONCLUSIVE
    )


def _skipped(report: Report) -> str:
    skipped = [o.id for o in report.objectives if o.verdict == Verdict.SKIPPED]
    return f" (skipped: {', '.join(skipped)})" if skipped else ""


@dataclass(kw_only=True)
class Watcher:
    """Judges `config.profile` over the rolling window through `judge`, tick by tick."""

    config: WatchConfig
    judge: Judge
    ticks: int = 0

    def tick(self, now: float) -> Trip | None:
        """Judge `[now - window, now]`; log one line; the trip if a gating objective failed.

        A judge that raises, or a report that is not a fail, never trips (and never
        raises here): the tick could not see, or saw nothing wrong.
        """
        self.ticks += 1
        window = Window(start=now - self.config.window, end=now)
        label = f"watch {self.config.profile} tick {self.ticks} at {iso(now)}"
        try:
            report = self.judge(window)
        except Exception as exc:  # a tick that cannot see never ends the run
            log.warning("%s: cannot see: %s: %s", label, type(exc).__name__, exc)
            return None
        trip = trip_of(report, window)
        if trip is not None:
            return trip
        if report.verdict == Verdict.INCONCLUSIVE:
            log.warning("%s: cannot see: %s", label, _blind(report))
        else:
            log.info("%s: %s%s", label, report.verdict.value, _skipped(report))
        return None

    def run(
        self,
        *,
        started: float,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Any] = time.sleep,
    ) -> Trip:
        """Tick at `started + k * every` (k = 1, 2, ...) until a trip, which it returns;
        a tick that overran skips the slots it missed. The caller ends it by killing it
        (the gate does when the run stops)."""
        every = self.config.every
        k = 1
        while True:
            sleep(max(0.0, started + k * every - clock()))
            trip = self.tick(clock())
            if trip is not None:
                return trip
            k = max(k + 1, math.floor((clock() - started) / every) + 1)
