"""End of a Locust run: turn the run into a window, judge it, write the reports.

Everything here is plain code with its inputs passed in, so the gate plugin
(`gate.py`) stays a thin adapter between Locust's events and this module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from reports import GateWatchTrip, LoadSummary, Report, RouteSummary, TargetVersion, Verdict
from scenarios.plans import ShapePlan
from scenarios.recorder import ClientRecorder, ClientWindowStats, RouteStats
from scenarios.workers import LostWorker, with_lost_workers
from slo.evaluate import RunConfig, Window, evaluate
from slo.publish import publish_run
from slo.slis import AGGREGATED, ClientStats, EndpointStats
from slo.timeseries import ChartOptions, ClientLatency

__all__ = [
    "RunFacts",
    "RunTimes",
    "client_stats",
    "edged_client_stats",
    "judge",
    "judged_window",
    "p95_ms",
    "publish_judged",
    "route_summaries",
]


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


def edged_client_stats(recorder: ClientRecorder, window: Window, edge: float) -> ClientStats:
    """Locust's view of the window, with the count range the scrape edges allow (the
    server's count may cover up to `edge` seconds more or less at each end)."""
    inner = recorder.window(window.start + edge, window.end - edge).requests
    outer = recorder.window(window.start - edge, window.end + edge).requests
    stats = recorder.window(window.start, window.end)
    return client_stats(stats, requests_range=(min(inner, stats.requests), outer))


def p95_ms(recorder: ClientRecorder, start: float, end: float) -> float | None:
    """Locust's P95 in milliseconds over one chart step (None: no request then)."""
    p95 = recorder.window(start, end).p95_ms
    return None if math.isnan(p95) else p95


def route_summaries(stats: ClientWindowStats) -> list[RouteSummary]:
    """Locust's view of the window per route, busiest first (percentiles None: no request)."""

    def ms(value: float) -> float | None:
        return None if math.isnan(value) else value

    rows = [
        RouteSummary(
            name=name,
            requests=r.requests,
            failures=r.failures,
            p50_ms=ms(r.p50_ms),
            p95_ms=ms(r.p95_ms),
            p99_ms=ms(r.p99_ms),
        )
        for name, r in stats.routes.items()
    ]
    return sorted(rows, key=lambda r: (-r.requests, r.name))


@dataclass(frozen=True, kw_only=True)
class RunFacts:
    """What the report header shows about the run besides the verdict: the load sent, the
    target's version, Locust's view per route, and the watch's trip if it stopped the run."""

    load: LoadSummary | None = None
    target_version: TargetVersion | None = None
    routes: tuple[RouteSummary, ...] = ()
    watch_trip: GateWatchTrip | None = None
    #: Workers a distributed run lost, and how many it started with (`scenarios.workers`).
    lost_workers: tuple[LostWorker, ...] = ()
    workers_started: int | None = None


def judge(config: RunConfig, facts: RunFacts = RunFacts()) -> Report:
    """Evaluate the run, with what the header shows about it; a run that lost a worker is
    at best inconclusive."""
    report = with_lost_workers(
        evaluate(config), facts.lost_workers, started_with=facts.workers_started
    )
    update: dict[str, object] = {"load": facts.load, "target_version": facts.target_version}
    if report.client is not None and facts.routes:
        update["client"] = report.client.model_copy(update={"routes": list(facts.routes)})
    if facts.watch_trip is not None:  # the watch stopped the run: whatever the window says
        update.update(watch_trip=facts.watch_trip, verdict=Verdict.FAIL, exit_code=1)
    return report.model_copy(update=update)


def publish_judged(
    report: Report,
    config: RunConfig,
    *,
    report_dir: Path,
    chart_options: ChartOptions | None = None,
    client_p95: ClientLatency | None = None,
) -> tuple[Report, Path]:
    """Write the run's reports and the client's statistics of the window (re-judgeable with
    `slo check --locust-stats`); the report with its charts and the path of its JSON."""
    report, paths = publish_run(
        report,
        config,
        report_dir,
        client_p95=client_p95,
        chart_options=chart_options,
        client_stats=config.client,
    )
    return report, paths["json"]
