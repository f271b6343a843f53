"""Publishing a judged report: add the window's charts, write every format (and, for a
load test, the client's statistics of the window beside them).

Every producer writes through here: `slo check`, `slo review`, `slo rejudge`, the gate.

Charts and the human formats are a courtesy: if drawing or rendering them
fails, `report.json` is still written and the failure logged, because a
verdict must never be lost to a chart.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path

from reports import Report, write_atomic
from reports.render import write_all
from slo.evaluate import RunConfig, Window
from slo.slis import ClientStats
from slo.sources import MetricSource, stats_to_dict
from slo.spec import Resolver, Spec
from slo.timeseries import ChartOptions, ClientLatency, with_timeseries

__all__ = ["STATS_FILE", "publish", "publish_run"]

# The client's view of the window, re-judgeable with `slo check --locust-stats`.
STATS_FILE = "locust-stats.json"

log = logging.getLogger(__name__)


def publish(
    report: Report,
    out_dir: Path,
    *,
    source: MetricSource | None,
    window: Window,
    resolver: Resolver | None = None,
    client_p95: ClientLatency | None = None,
    chart_options: ChartOptions | None = None,
    secrets: Iterable[str] = (),
    spec: Spec | None = None,
    client_stats: ClientStats | None = None,
) -> tuple[Report, dict[str, Path]]:
    """The report with its charts, and the path of each format written to `out_dir`
    (`client_stats`, when given, go to `STATS_FILE` there)."""
    if source is not None:
        try:
            report = with_timeseries(
                report,
                source,
                window,
                resolver=resolver,
                client_p95=client_p95,
                options=chart_options or ChartOptions(),
                spec=spec,
            )
        except Exception as exc:  # the verdict matters more than the charts
            log.warning("charts left out of the report: %s: %s", type(exc).__name__, exc)
    known = tuple(secrets)
    try:
        paths = write_all(report, out_dir, secrets=known)
    except Exception as exc:  # a renderer bug must not cost the verdict: keep the JSON
        log.error(
            "only report.json written; the other formats failed: %s: %s", type(exc).__name__, exc
        )
        paths = write_all(report, out_dir, formats=("json",), secrets=known)
    if client_stats is not None:
        text = json.dumps(stats_to_dict(client_stats), indent=2) + "\n"
        write_atomic(out_dir / STATS_FILE, text)
    return report, paths


def publish_run(
    report: Report,
    config: RunConfig,
    out_dir: Path,
    *,
    client_p95: ClientLatency | None = None,
    chart_options: ChartOptions | None = None,
    client_stats: ClientStats | None = None,
) -> tuple[Report, dict[str, Path]]:
    """`publish` the report of `config`'s run: its source, window, spec and secrets."""
    return publish(
        report,
        out_dir,
        source=config.source,
        window=config.window,
        resolver=config.resolver,
        client_p95=client_p95,
        chart_options=chart_options,
        secrets=config.secrets,
        spec=config.spec,
        client_stats=client_stats,
    )
