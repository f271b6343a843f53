"""Publishing a judged report: add the window's charts, write every format.

Charts and the human formats are a courtesy: if drawing or rendering them
fails, `report.json` is still written and the failure logged, because a
verdict must never be lost to a chart.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from reports import Report
from reports.render import write_all
from slo.evaluate.sources import MetricSource
from slo.evaluate.window import Window
from slo.spec.mapping import Resolver
from slo.timeseries import ChartOptions, ClientLatency, with_timeseries

__all__ = ["publish"]

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
) -> tuple[Report, dict[str, Path]]:
    """The report with its charts, and the path of each format written to `out_dir`."""
    if source is not None:
        try:
            report = with_timeseries(
                report,
                source,
                window,
                resolver=resolver,
                client_p95=client_p95,
                options=chart_options or ChartOptions(),
            )
        except Exception as exc:  # the verdict matters more than the charts
            log.warning("charts left out of the report: %s: %s", type(exc).__name__, exc)
    known = tuple(secrets)
    try:
        return report, write_all(report, out_dir, secrets=known)
    except Exception as exc:  # a renderer bug must not cost the verdict: keep the JSON
        log.error(
            "only report.json written; the other formats failed: %s: %s", type(exc).__name__, exc
        )
        return report, write_all(report, out_dir, formats=("json",), secrets=known)
