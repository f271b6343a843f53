"""The deployment guard (``slo watch``): a profile re-judged over a rolling window on a
fixed schedule; on the first trip ``ROLLBACK:``, the report of that window and the
``--on-trip`` command; a summary of every tick at the end.

``run_watch(settings, subject=..., judge=..., publisher=..., printer=...)`` is the loop;
``judge(window) -> Report``, the clock and the publisher are injected, so tests drive it
without servers. The CLI (:mod:`slo.cli.watch_cmd`) builds them from its options.
"""

from __future__ import annotations

from slo.watch.lines import Printer, Style
from slo.watch.loop import Clock, Judge, Publisher, SystemClock, WatchResult, run_watch
from slo.watch.publishing import SUMMARY_DIR, ReportDir
from slo.watch.settings import DEFAULTS, WatchSettings
from slo.watch.summary import EXIT_CODES, WatchSubject, summary_report, tick_of
from slo.watch.trip import TRIP_VARIABLES, run_on_trip, trip_env, tripping_objective

__all__ = [
    "DEFAULTS",
    "EXIT_CODES",
    "SUMMARY_DIR",
    "TRIP_VARIABLES",
    "Clock",
    "Judge",
    "Printer",
    "Publisher",
    "ReportDir",
    "Style",
    "SystemClock",
    "WatchResult",
    "WatchSettings",
    "WatchSubject",
    "run_on_trip",
    "run_watch",
    "summary_report",
    "tick_of",
    "trip_env",
    "tripping_objective",
]
