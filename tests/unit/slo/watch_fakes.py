"""A clock, a scripted judge and a real report directory for driving ``run_watch``
without servers: the staging profile's objectives, verdicts chosen per tick."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reports import Report, ReportWindow, Verdict
from slo.errors import SourceError
from slo.evaluate import EXIT_CODES, SpecConfig, Window, overall
from slo.timeutil import to_datetime
from slo.watch import Printer, ReportDir, WatchResult, WatchSettings, WatchSubject, run_watch

START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
CONFIG = SpecConfig.load(spec=None, mapping=None, profile="staging")
SUBJECT = WatchSubject.of(CONFIG, source="fake", target="http://svc", baseline=None)
DOWN = "down"  # a scripted tick whose source is unreachable


@dataclass
class FakeClock:
    t: float = START
    sleeps: list[float] = field(default_factory=list)
    interrupt_after: int | None = None  # raise KeyboardInterrupt on this many sleeps

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if self.interrupt_after is not None and len(self.sleeps) >= self.interrupt_after:
            raise KeyboardInterrupt
        self.t += seconds


def report_of(
    window: Window, failing: dict[str, float] | None = None, *, blind: bool = False
) -> Report:
    """The staging profile judged: every objective passes, except ``failing`` (id ->
    value); ``blind``: every objective inconclusive."""
    failing = failing or {}
    objectives = []
    for o in SUBJECT.unjudged:
        if blind:
            update = {"verdict": Verdict.INCONCLUSIVE, "reason": "no requests in the window"}
        elif o.id in failing:
            update = {"verdict": Verdict.FAIL, "value": failing[o.id], "reason": "0% is not > 90%"}
        else:
            update = {"verdict": Verdict.PASS, "value": 0.95, "reason": "95% > 90%"}
        objectives.append(o.model_copy(update=update))
    verdict = overall(objectives)
    return Report(
        verdict=verdict,
        exit_code=EXIT_CODES[verdict],
        profile="staging",
        spec=CONFIG.spec_label,
        source="fake",
        target="http://svc",
        window=ReportWindow(start=to_datetime(window.start), end=to_datetime(window.end)),
        objectives=objectives,
        generated_at=to_datetime(window.end),
    )


Script = list[dict[str, float] | str | None]


@dataclass
class ScriptedJudge:
    """Tick i gets ``script[i]``: None passes, a dict fails those objectives, ``"down"``
    raises ``SourceError``, ``"blind"`` is inconclusive, ``"warn"`` warns on the hit rate;
    past the end every tick passes."""

    script: Script
    clock: FakeClock
    takes: float = 0.0
    windows: list[Window] = field(default_factory=list)

    def __call__(self, window: Window) -> Report:
        step = self.script[len(self.windows)] if len(self.windows) < len(self.script) else None
        self.windows.append(window)
        self.clock.t += self.takes
        if step == DOWN:
            raise SourceError(
                "Prometheus at http://127.0.0.1:9 failed on 'up': [Errno 111] Connection refused"
            )
        if step == "blind":
            return report_of(window, blind=True)
        if step == "warn":
            report = report_of(window)
            objectives = [
                o.model_copy(update={"verdict": Verdict.WARN, "value": 0.91})
                if o.id == "cache_hit_rate"
                else o
                for o in report.objectives
            ]
            return report.model_copy(update={"objectives": objectives})
        assert not isinstance(step, str)
        return report_of(window, step)


@dataclass
class Watched:
    result: WatchResult
    out: str
    err: str
    judge: ScriptedJudge
    clock: FakeClock


def watch(
    tmp_path: Path,
    script: Script,
    *,
    style: str = "human",
    live: bool = False,
    takes: float = 0.0,
    clock: FakeClock | None = None,
    judge: Callable[[Window], Report] | None = None,
    **settings: object,
) -> Watched:
    options: dict[str, object] = {"every": 15.0, "window": 300.0, "duration": 60.0}
    options.update(settings)
    options.setdefault("report_dir", tmp_path / "watch")
    chosen = WatchSettings(**options)  # type: ignore[arg-type]
    clock = clock or FakeClock()
    scripted = ScriptedJudge(script, clock, takes=takes)
    out, err = io.StringIO(), io.StringIO()
    result = run_watch(
        chosen,
        subject=SUBJECT,
        judge=judge or scripted,
        publisher=ReportDir(out_dir=chosen.report_dir, config_for=lambda w: CONFIG.run(window=w)),
        printer=Printer(
            out=out,
            err=err,
            style=style,  # type: ignore[arg-type]
            live=live,
            units={o.id: o.unit for o in CONFIG.definition.objectives},
        ),
        clock=clock,
    )
    return Watched(
        result=result, out=out.getvalue(), err=err.getvalue(), judge=scripted, clock=clock
    )
