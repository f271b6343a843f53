"""Where a watch's reports go, written through :mod:`slo.publish` like every producer's.

The tripping window's report (with its charts, read from the same source) goes to
``DIR/report.json`` (and ``.md``, ``.html``, ``junit.xml``); the summary of the whole watch
to ``DIR/summary/``, drawn from the ticks alone so that it is written even when the source
is down.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from reports import Report
from slo.evaluate import RunConfig, Window
from slo.publish import publish, publish_run

__all__ = ["SUMMARY_DIR", "ReportDir"]

SUMMARY_DIR: Final = "summary"


@dataclass(frozen=True, kw_only=True)
class ReportDir:
    """``out_dir`` and the run configuration of a tick's window (``config_for``)."""

    out_dir: Path
    config_for: Callable[[Window], RunConfig]
    secrets: tuple[str, ...] = ()

    def trip_path(self) -> Path:
        return self.out_dir / "report.json"

    def write_trip(self, report: Report, window: Window) -> Path:
        _, paths = publish_run(report, self.config_for(window), self.out_dir)
        return paths["json"]

    def write_summary(self, report: Report) -> Path:
        window = Window(start=report.window.start.timestamp(), end=report.window.end.timestamp())
        _, paths = publish(
            report, self.out_dir / SUMMARY_DIR, source=None, window=window, secrets=self.secrets
        )
        return paths["json"]
