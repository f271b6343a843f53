"""End of a Locust run: turn the run into a window, judge it, write the reports.

Everything here is plain code with its inputs passed in, so the gate plugin
(`gate.py`) stays a thin adapter between Locust's events and this module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from reports import GateWatchTrip, Report, Verdict
from scenarios.plans import ShapePlan
from scenarios.recorder import ClientWindowStats, RouteStats
from slo.evaluate import RunConfig, Window, evaluate
from slo.publish import publish_run
from slo.slis import AGGREGATED, ClientStats, EndpointStats
from slo.timeseries import ChartOptions, ClientLatency

__all__ = ["RunTimes", "client_stats", "judge_run", "judged_window"]


@dataclass(frozen=True, kw_only=True)
class RunTimes:
    """Wall-clock times of the run (unix seconds)."""

    started: float
    stopped: float


def judged_window(plan: ShapePlan, times: RunTimes, *, warmup: float | None = None) -> Window:
    """The steady-state phase of `plan` as it actually ran.

    Warm-up is never judged (`warmup` may only lengthen the shape's own); a run
    stopped early is judged up to when it stopped. A ValueError says why there
    is nothing to judge.
    """
    steady_start = max(plan.steady_start, warmup or 0.0)
    planned_end = times.stopped if plan.steady_end is None else times.started + plan.steady_end
    # Whole seconds, so the client's per-second counts and the server's cover
    # exactly the same interval: inside the phase, or, for a shape judged from
    # its first request to its last (`ab`), around the whole run.
    whole_run = steady_start == 0 and plan.steady_end is None
    if whole_run:
        start = float(math.floor(times.started))
        end = float(math.ceil(times.stopped))
    else:
        start = float(math.ceil(times.started + steady_start))
        end = float(math.floor(min(planned_end, times.stopped)))
    if end - start < 1.0:
        ran = times.stopped - times.started
        raise ValueError(
            f"the run stopped after {ran:.0f} s, before the steady phase of shape "
            f"{plan.name!r} ({steady_start:g} s in) produced a judgeable second"
        )
    return Window(start=start, end=end)


def _row(name: str, stats: RouteStats | ClientWindowStats, duration: float) -> EndpointStats:
    return EndpointStats(
        name=name,
        requests=stats.requests,
        failures=stats.failures,
        mean_ms=stats.mean_ms,
        p95_ms=None if math.isnan(stats.p95_ms) else stats.p95_ms,
        rps=stats.requests / duration if duration > 0 else math.nan,
        timeouts=stats.timeouts,
    )


def client_stats(
    stats: ClientWindowStats, *, requests_range: tuple[int, int] | None = None
) -> ClientStats:
    """The recorder's window in the engine's terms: one row per route plus Aggregated."""
    duration = stats.end - stats.start
    rows = {route: _row(route, r, duration) for route, r in stats.routes.items()}
    rows[AGGREGATED] = _row(AGGREGATED, stats, duration)
    return ClientStats(start=stats.start, end=stats.end, rows=rows, requests_range=requests_range)


def judge_run(
    config: RunConfig,
    *,
    report_dir: Path,
    chart_options: ChartOptions | None = None,
    client_p95: ClientLatency | None = None,
    watch_trip: GateWatchTrip | None = None,
) -> tuple[Report, Path]:
    """Evaluate the run and write its reports and the client's statistics of the window
    (re-judgeable with `slo check --locust-stats`); the report and the path of its JSON."""
    report = evaluate(config)
    if watch_trip is not None:  # the watch stopped the run: whatever the window says, exit 1
        report = report.model_copy(
            update={"watch_trip": watch_trip, "verdict": Verdict.FAIL, "exit_code": 1}
        )
    report, paths = publish_run(
        report,
        config,
        report_dir,
        client_p95=client_p95,
        chart_options=chart_options,
        client_stats=config.client,
    )
    return report, paths["json"]
