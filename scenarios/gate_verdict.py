"""The end of a gated run, once the window is known: judge it, write the reports, print
the verdict; and the exit code (5 for an internal error: one line naming the log that
holds the traceback, never a traceback instead of a verdict).

Plain functions with their inputs passed in, so the gate plugin (`gate.py`) stays an
adapter between Locust's events and this module and `judging.py`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reports import (
    GateWatchTrip,
    LoadSummary,
    Report,
    ReportWindow,
    client_line,
    result_table,
)
from scenarios.judging import RunFacts, judge, publish_judged
from scenarios.plans import ShapePlan
from scenarios.watch import Trip, WatchConfig
from slo.crashlog import internal_error_line
from slo.errors import SloError
from slo.evaluate import RunConfig
from slo.exitcodes import ExitCode
from slo.timeseries import ChartOptions, ClientLatency
from slo.timeutil import iso, to_datetime

__all__ = [
    "Outcome",
    "conclude",
    "gate_watch_trip",
    "load_summary",
    "print_trip",
    "print_verdict",
]

log = logging.getLogger("slo.gate")


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """The exit code, the report when one was judged, and its JSON when it was written."""

    code: int
    report: Report | None = None
    path: Path | None = None


def conclude(
    make_run: Callable[[], RunConfig],
    facts: Callable[[], RunFacts],
    *,
    report_dir: Path,
    scrape_interval: float,
    client_p95: ClientLatency | None = None,
) -> Outcome:
    """Judge the run `make_run` builds and write its reports. A source error keeps its
    code (4); any other error is internal (5). A report that cannot be written still has
    its verdict printed before the error (and exits 5)."""
    try:
        run = make_run()
        report = judge(run, facts())
    except SloError as exc:
        log.error("SLO gate: %s", exc)
        return Outcome(code=exc.exit_code)
    except Exception as exc:  # never a traceback instead of a verdict
        log.error("%s", internal_error_line(exc, prog="slo gate"))
        return Outcome(code=ExitCode.INTERNAL)
    try:
        report, path = publish_judged(
            report,
            run,
            report_dir=report_dir,
            # increase() over one chart step needs a few scrapes in it.
            chart_options=ChartOptions(min_step=max(5.0, 4 * scrape_interval)),
            client_p95=client_p95,
        )
    except Exception as exc:  # the verdict is printed all the same, then the failure
        print(result_table(report))
        log.error("SLO gate: no report written: %s", internal_error_line(exc, prog="slo gate"))
        return Outcome(code=ExitCode.INTERNAL, report=report)
    return Outcome(code=report.exit_code, report=report, path=path)


def load_summary(plan: ShapePlan, totals: Any, *, started: float, stopped: float) -> LoadSummary:
    """The load the run sent (`totals`: Locust's `stats.total`, None without a runner)."""
    return LoadSummary(
        shape=plan.name,
        description=plan.description,
        peak_users=max(stage.users for stage in plan.stages),
        requests=None if totals is None else int(totals.num_requests),
        failures=None if totals is None else int(totals.num_failures),
        duration_s=round(stopped - started, 1),
    )


def gate_watch_trip(trip: Trip | None, watch: WatchConfig | None) -> GateWatchTrip | None:
    """The watch's trip as the report records it (None: the watch did not trip)."""
    if trip is None or watch is None:
        return None
    return GateWatchTrip(
        profile=watch.profile,
        objective=trip.objective,
        reason=trip.reason,
        at=to_datetime(trip.at),
        window=ReportWindow(start=to_datetime(trip.window.start), end=to_datetime(trip.window.end)),
        time_scale=watch.time_scale,
    )


def print_verdict(report: Report, path: Path) -> None:
    print(result_table(report))
    client = client_line(report)
    if client is not None:
        print(client)
    print(f"report: {path}")


def print_trip(
    trip: Trip, path: Path | None, watch: WatchConfig | None, started: float | None
) -> None:
    """The watch's trip after the steady-state verdict: it decides the exit code."""
    print(f"watch: {trip.line()}")
    settings = f" ({watch.describe()})" if watch is not None else ""
    after = f", {trip.at - started:.1f} s into the run" if started is not None else ""
    print(f"watch: tripped at {iso(trip.at)}{after}{settings}: run stopped early, exit 1")
    if path is not None:
        print(f"watch trip: {path}")
