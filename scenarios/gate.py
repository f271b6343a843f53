"""The SLO gate as a Locust plugin: preflight before the load, a verdict after it.

Register it from the locustfile (never as an import side effect)::

    gate = SloGate()
    gate.register(events)

On the master, or the local runner: loads the spec and runs the preflight at
start-up (a failure means no load and exit 3 or 4); samples the target's
`/metrics` during the run when no Prometheus is given; when the run ends,
judges the shape's steady-state window, writes the reports, prints the verdict
table and sets Locust's exit code to the gate's. With `--watch-profile`, a
greenlet judges that profile over a rolling window during the run and stops
the run at the first trip (`scenarios/watch.py`; exit 1). On workers: records
each request by second and sends it to the master with the stats reports.
"""

from __future__ import annotations

import logging
import math
import time
from pathlib import Path
from typing import Any

import gevent

from reports import GateWatchTrip, Report, ReportWindow, client_line, result_table
from scenarios.gate_config import GateConfig, ServerSource, load_gate_config
from scenarios.judging import RunTimes, client_stats, judge_run, judged_window
from scenarios.load_shape import CatalogShape, plan_from_options
from scenarios.options import add_options
from scenarios.recorder import ClientRecorder, ClientTimeoutError
from scenarios.watch import TRIP_FILE, Trip, WatchConfig, Watcher
from slo.errors import SloError
from slo.evaluate import Window
from slo.preflight import run_preflight
from slo.slis import ClientStats
from slo.timeseries import ChartOptions
from slo.timeutil import iso, to_datetime

__all__ = ["SloGate"]

log = logging.getLogger("slo.gate")
REPORT_KEY = "slo_gate_client"


def _is_worker(runner: Any) -> bool:
    return type(runner).__name__ == "WorkerRunner"


class SloGate:
    """Locust event listeners around one `ClientRecorder` and one judged run."""

    def __init__(self) -> None:
        self.recorder = ClientRecorder()
        self.abort_code: int | None = None
        self.config: GateConfig | None = None
        self.server: ServerSource | None = None
        self.started_at: float | None = None
        self.stopped_at: float | None = None
        self.exit_code: int | None = None
        self.trip: Trip | None = None
        self.trip_path: Path | None = None
        self._watch: gevent.Greenlet | None = None

    def register(self, events: Any) -> None:
        events.init_command_line_parser.add_listener(add_options)
        events.init.add_listener(self._on_init)
        events.request.add_listener(self._on_request)
        events.report_to_master.add_listener(self._on_report_to_master)
        events.worker_report.add_listener(self._on_worker_report)
        events.test_start.add_listener(self._on_test_start)
        events.test_stop.add_listener(self._on_test_stop)
        events.quitting.add_listener(self._on_quitting)

    # -- start-up -----------------------------------------------------------------

    def _on_init(self, environment: Any, runner: Any = None, **_: Any) -> None:
        environment.slo_gate = self
        # One line per scrape of the embedded source would drown Locust's own output.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        options = environment.parsed_options
        self.recorder.forward = _is_worker(runner)
        if _is_worker(runner) or options is None:
            return
        if options.no_slo_gate:
            if options.watch_profile:
                self._abort(3, "SLO gate: --watch-profile needs the gate: drop --no-slo-gate")
            return
        try:
            plan_from_options(options)
            self.config = load_gate_config(options, host=environment.host)
        except SloError as exc:
            self._abort(exc.exit_code, f"SLO gate: {exc}")
            return
        except ValueError as exc:
            self._abort(3, f"SLO gate: {exc}")
            return
        if options.skip_preflight:
            return
        result = run_preflight(self.config.target, required_metrics=self.config.required_metrics)
        for check in result.checks:
            log.info("preflight %-8s %-6s %s", check.name, check.status, check.detail)
        if not result.ok:
            failed = "; ".join(f"{c.name}: {c.detail}" for c in result.failed)
            self._abort(4, f"preflight failed, no load sent ({failed})")

    def _abort(self, code: int, message: str) -> None:
        log.error(message)
        self.abort_code = code

    # -- during the run -----------------------------------------------------------

    def _on_request(
        self, name: str, response_time: float, exception: BaseException | None = None, **_: Any
    ) -> None:
        self.recorder.record(
            ts=time.time(),
            route=name,
            response_ms=float(response_time or 0.0),
            failed=exception is not None,
            timeout=isinstance(exception, ClientTimeoutError),
        )

    def _on_report_to_master(self, client_id: str, data: dict[str, Any], **_: Any) -> None:
        data[REPORT_KEY] = self.recorder.drain_pending()

    def _on_worker_report(self, client_id: str, data: dict[str, Any], **_: Any) -> None:
        self.recorder.merge(data.get(REPORT_KEY, {}))

    def _on_test_start(self, environment: Any, **_: Any) -> None:
        if _is_worker(environment.runner) or self.config is None or self.abort_code:
            return
        self.started_at = time.time()
        self.server = self.config.server_source()
        self.server.start()
        self.trip = self.trip_path = None
        # A trip file left by an earlier run must not sit next to this run's report.
        try:
            (self.config.report_dir / TRIP_FILE).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("SLO gate: cannot remove an earlier %s: %s", TRIP_FILE, exc)
        if self.config.watch is not None:
            self._start_watch(environment.runner, self.config, self.config.watch, self.server)

    def _on_test_stop(self, environment: Any, **_: Any) -> None:
        if self.stopped_at is None and self.started_at is not None:
            self.stopped_at = time.time()
        watch = self._watch
        if watch is not None and watch is not gevent.getcurrent():
            watch.kill(block=False)  # the run is over: nothing left to watch
            self._watch = None

    # -- the watch (--watch-profile) ------------------------------------------------

    def _start_watch(
        self, runner: Any, config: GateConfig, watch: WatchConfig, server: ServerSource
    ) -> None:
        if self._watch is not None:  # a restarted run (web UI): one watch at a time
            self._watch.kill(block=False)
        watcher = Watcher(config=watch, judge=config.watch_judge(watch, server))
        log.info("SLO gate: watching %s", watch.describe())
        started = self.started_at or time.time()
        # A greenlet of its own, not the runner's: runner.quit() kills the runner's group.
        self._watch = gevent.spawn(self._run_watch, runner, watcher, config, started)

    def _run_watch(self, runner: Any, watcher: Watcher, config: GateConfig, started: float) -> None:
        trip = watcher.run(started=started, sleep=gevent.sleep)
        self.trip = trip
        log.error("%s", trip.line())
        try:
            self.trip_path = trip.write(config.report_dir, watcher.config, secrets=config.secrets)
        except OSError as exc:  # the run must still stop, and the exit code say so
            log.error("SLO gate: %s not written: %s", TRIP_FILE, exc)
        log.error("SLO gate: the watch tripped %.1f s into the run: stopping it", trip.at - started)
        options = getattr(runner.environment, "parsed_options", None)
        if options is not None and not options.headless:
            runner.stop()  # the web UI stays up, as Locust does at the end of a shape
        else:
            runner.quit()

    # -- the verdict ----------------------------------------------------------------

    def _on_quitting(self, environment: Any, **_: Any) -> None:
        if _is_worker(environment.runner):
            return
        if self.abort_code is not None:
            environment.process_exit_code = self.abort_code
            return
        if self.config is None or self.started_at is None:
            return
        self.exit_code = self._judge(environment, self.config)
        if self.trip is not None:
            _print_trip(self.trip, self.trip_path, self.config.watch, self.started_at)
            self.exit_code = 1
        environment.process_exit_code = self.exit_code

    def _judge(self, environment: Any, config: GateConfig) -> int:
        shape = environment.shape_class
        started = shape.started_at if isinstance(shape, CatalogShape) else self.started_at
        stopped = self.stopped_at or time.time()
        plan = plan_from_options(environment.parsed_options)
        try:
            window = judged_window(
                plan, RunTimes(started=started or stopped, stopped=stopped), warmup=config.warmup
            )
        except ValueError as exc:
            log.error("SLO gate: nothing to judge: %s", exc)
            return 2
        # Let the last scrape of the window land before asking for it.
        gevent.sleep(max(0.0, window.end + config.scrape_lag - time.time()))
        server = self.server
        try:
            run = config.run_config(
                window=window,
                source=server.finish() if server is not None else None,
                client=self._client(window, config.scrape_interval),
            )
            report, path = judge_run(
                run,
                report_dir=config.report_dir,
                # increase() over one chart step needs a few scrapes in it.
                chart_options=ChartOptions(min_step=max(5.0, 4 * config.scrape_interval)),
                client_p95=self._client_p95,
                watch_trip=self._watch_trip(),
            )
        except SloError as exc:
            log.error("SLO gate: %s", exc)
            return exc.exit_code
        except Exception as exc:  # never a traceback instead of a verdict
            log.error("SLO gate: internal error: %s: %s", type(exc).__name__, exc)
            return 3
        _print_verdict(report, path)
        return report.exit_code

    def _watch_trip(self) -> GateWatchTrip | None:
        """The watch's trip as the report records it (None: the watch did not trip)."""
        trip, watch = self.trip, self.config.watch if self.config is not None else None
        if trip is None or watch is None:
            return None
        return GateWatchTrip(
            profile=watch.profile,
            objective=trip.objective,
            reason=trip.reason,
            at=to_datetime(trip.at),
            window=ReportWindow(
                start=to_datetime(trip.window.start), end=to_datetime(trip.window.end)
            ),
            time_scale=watch.time_scale,
        )

    def _client(self, window: Window, edge: float) -> ClientStats:
        """Locust's view of the window, with the count range the scrape edges allow."""
        inner = self.recorder.window(window.start + edge, window.end - edge).requests
        outer = self.recorder.window(window.start - edge, window.end + edge).requests
        stats = self.recorder.window(window.start, window.end)
        return client_stats(stats, requests_range=(min(inner, stats.requests), outer))

    def _client_p95(self, start: float, end: float) -> float | None:
        """Locust's P95 in milliseconds over one chart step (None: no request then)."""
        p95 = self.recorder.window(start, end).p95_ms
        return None if math.isnan(p95) else p95


def _print_verdict(report: Report, path: Path) -> None:
    print(result_table(report))
    client = client_line(report)
    if client is not None:
        print(client)
    print(f"report: {path}")


def _print_trip(
    trip: Trip, path: Path | None, watch: WatchConfig | None, started: float | None
) -> None:
    """The watch's trip after the steady-state verdict: it decides the exit code."""
    print(f"watch: {trip.line()}")
    settings = f" ({watch.describe()})" if watch is not None else ""
    after = f", {trip.at - started:.1f} s into the run" if started is not None else ""
    print(f"watch: tripped at {iso(trip.at)}{after}{settings}: run stopped early, exit 1")
    if path is not None:
        print(f"watch trip: {path}")
