"""The SLO gate as a Locust plugin: preflight before the load, a verdict after it.

Register it from the locustfile (never as an import side effect)::

    gate = SloGate()
    gate.register(events)

On the master, or the local runner: checks its options, spec and report directory
and runs the preflight at start-up (a failure means no load and exit 3 or 4), asks
the target its version; samples the target's `/metrics` during the run when no
Prometheus is given; logs the end of the warm-up and the start and end of the
judged window; when the run ends, judges that window, prints the verdict, writes the
reports and sets Locust's exit code to the gate's (`gate_verdict.py`; 5 for an
internal error). With `--watch-profile`, a greenlet judges that profile over a
rolling window during the run and stops it at the first trip (`watch.py`; exit 1).
On the master of a distributed run, a worker lost during the run (no heartbeat, or
gone) makes the run at best inconclusive, with the reason (`scenarios/workers.py`).
On workers: records each request by second and sends it to the master with the
stats reports.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import gevent

from reports import TargetVersion
from scenarios.gate_config import GateConfig, ServerSource, load_gate_config
from scenarios.gate_verdict import (
    conclude,
    gate_watch_trip,
    load_summary,
    print_trip,
    print_verdict,
)
from scenarios.judging import (
    RunFacts,
    RunTimes,
    edged_client_stats,
    judged_window,
    p95_ms,
    route_summaries,
)
from scenarios.load_shape import CatalogShape, plan_from_options
from scenarios.options import add_options, check_values
from scenarios.plans import ShapePlan
from scenarios.progress import milestones, stopped_early
from scenarios.recorder import ClientRecorder, ClientTimeoutError
from scenarios.target_version import probe_version
from scenarios.watch import TRIP_FILE, Trip, WatchConfig, Watcher
from scenarios.workers import LOST_FILE, WorkerRoll, write_lost
from slo.errors import SloError
from slo.evaluate import Window
from slo.exitcodes import ExitCode
from slo.preflight import run_preflight
from slo.timeutil import iso

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
        self.target_version: TargetVersion | None = None
        self.workers = WorkerRoll()  # a distributed run's workers (scenarios/workers.py)
        self._watch: gevent.Greenlet | None = None
        self._progress: gevent.Greenlet | None = None

    def register(self, events: Any) -> None:
        events.init_command_line_parser.add_listener(add_options)
        events.init.add_listener(self._on_init)
        events.request.add_listener(self._on_request)
        events.report_to_master.add_listener(self._on_report_to_master)
        events.worker_report.add_listener(self._on_worker_report)
        events.test_start.add_listener(self._on_test_start)
        events.test_stop.add_listener(self._on_test_stop)
        events.quitting.add_listener(self._on_quitting)
        self.workers.register(events)

    # -- start-up -----------------------------------------------------------------

    def _on_init(self, environment: Any, runner: Any = None, **_: Any) -> None:
        environment.slo_gate = self
        # One line per scrape of the embedded source would drown Locust's own output.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        options = environment.parsed_options
        self.recorder.forward = _is_worker(runner)
        if _is_worker(runner) or options is None:
            return
        try:
            check_values(options)
        except SloError as exc:
            self._abort(exc.exit_code, f"SLO gate: {exc}")
            return
        if options.no_slo_gate:
            if options.watch_profile:
                self._abort(
                    ExitCode.USAGE, "SLO gate: --watch-profile needs the gate: drop --no-slo-gate"
                )
            return
        try:
            plan_from_options(options)
            self.config = load_gate_config(options, host=environment.host)
        except SloError as exc:
            self._abort(exc.exit_code, f"SLO gate: {exc}")
            return
        except ValueError as exc:  # a bad shape parameter, an unwritable --report-dir
            self._abort(ExitCode.USAGE, f"SLO gate: {exc}")
            return
        if not options.skip_preflight:
            result = run_preflight(
                self.config.target, required_metrics=self.config.required_metrics
            )
            for check in result.checks:
                log.info("preflight %-8s %-6s %s", check.name, check.status, check.detail)
            if not result.ok:
                failed = "; ".join(f"{c.name}: {c.detail}" for c in result.failed)
                self._abort(ExitCode.SOURCE, f"preflight failed, no load sent ({failed})")
                return
        self.target_version = probe_version(self.config.target)
        if self.target_version is not None:
            found = self.target_version
            log.info("SLO gate: target version %s (from %s)", found.version, found.source)

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
        # Records left by an earlier run must not sit next to this run's report.
        for name in (TRIP_FILE, LOST_FILE):
            try:
                (self.config.report_dir / name).unlink(missing_ok=True)
            except OSError as exc:
                log.warning("SLO gate: cannot remove an earlier %s: %s", name, exc)
        if self.config.watch is not None:
            self._start_watch(environment.runner, self.config, self.config.watch, self.server)
        if self._progress is not None:
            self._progress.kill(block=False)
        plan = plan_from_options(environment.parsed_options)
        self._progress = gevent.spawn(self._log_progress, plan, self.started_at)

    def _log_progress(self, plan: ShapePlan, started: float) -> None:
        """Log the end of the warm-up and the start and end of the judged window."""
        assert self.config is not None
        for milestone in milestones(plan, warmup=self.config.warmup):
            gevent.sleep(max(0.0, started + milestone.at - time.time()))
            log.info("SLO gate: %s", milestone.message)

    def _on_test_stop(self, environment: Any, **_: Any) -> None:
        if self.stopped_at is None and self.started_at is not None:
            self.stopped_at = time.time()
        for greenlet in (self._watch, self._progress):
            if greenlet is not None and greenlet is not gevent.getcurrent():
                greenlet.kill(block=False)  # the run is over: nothing left to watch or say
        self._watch = self._progress = None

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
            print_trip(self.trip, self.trip_path, self.config.watch, self.started_at)
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
            return ExitCode.INCONCLUSIVE
        early = stopped_early(plan, ran=stopped - (started or stopped))
        if early is not None:
            log.warning("SLO gate: %s", early)
        log.info("SLO gate: judging %s .. %s", iso(window.start), iso(window.end))
        # Let the last scrape of the window land before asking for it.
        gevent.sleep(max(0.0, window.end + config.scrape_lag - time.time()))
        server = self.server
        outcome = conclude(
            lambda: config.run_config(
                window=window,
                source=server.finish() if server is not None else None,
                client=edged_client_stats(self.recorder, window, config.scrape_interval),
            ),
            lambda: self._facts(environment, plan, window, stopped),
            report_dir=config.report_dir,
            scrape_interval=config.scrape_interval,
            client_p95=lambda start, end: p95_ms(self.recorder, start, end),
        )
        if outcome.report is None or outcome.path is None:
            return outcome.code
        if self.workers.lost:
            write_lost(config.report_dir, self.workers.lost, started_with=self.workers.started_with)
        print_verdict(outcome.report, outcome.path)
        return outcome.code

    def _facts(self, environment: Any, plan: ShapePlan, window: Window, stopped: float) -> RunFacts:
        """The load sent, the target's version and Locust's view per route, for the header."""
        runner = environment.runner
        return RunFacts(
            load=load_summary(
                plan,
                runner.stats.total if runner is not None else None,
                started=self.started_at or stopped,
                stopped=stopped,
            ),
            target_version=self.target_version,
            routes=tuple(route_summaries(self.recorder.window(window.start, window.end))),
            watch_trip=gate_watch_trip(self.trip, self.config.watch if self.config else None),
            lost_workers=self.workers.lost,
            workers_started=self.workers.started_with,
        )
