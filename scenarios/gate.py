"""The SLO gate as a Locust plugin: preflight before the load, a verdict after it.

Register it from the locustfile (never as an import side effect)::

    gate = SloGate()
    gate.register(events)

On the master, or the local runner: loads the spec and runs the preflight at
start-up (a failure means no load and exit 3 or 4); samples the target's
`/metrics` during the run when no Prometheus is given; when the run ends,
judges the shape's steady-state window, writes the reports, prints the verdict
table and sets Locust's exit code to the gate's. On workers: records each
request by second and sends it to the master with the stats reports.
"""

from __future__ import annotations

import logging
import math
import time
from pathlib import Path
from typing import Any

import gevent

from reports import Report, client_line, result_table
from scenarios.gate_config import GateConfig, ServerSource, load_gate_config
from scenarios.judging import RunTimes, client_stats, judge_run, judged_window
from scenarios.load_shape import CatalogShape, plan_from_options
from scenarios.options import add_options
from scenarios.recorder import ClientRecorder, ClientTimeoutError
from slo.errors import SloError
from slo.evaluate import Window
from slo.preflight import run_preflight
from slo.slis import ClientStats
from slo.timeseries import ChartOptions

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
        if _is_worker(runner) or options is None or options.no_slo_gate:
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

    def _on_test_stop(self, environment: Any, **_: Any) -> None:
        if self.stopped_at is None and self.started_at is not None:
            self.stopped_at = time.time()

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
            )
        except SloError as exc:
            log.error("SLO gate: %s", exc)
            return exc.exit_code
        except Exception as exc:  # never a traceback instead of a verdict
            log.error("SLO gate: internal error: %s: %s", type(exc).__name__, exc)
            return 3
        _print_verdict(report, path)
        return report.exit_code

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
