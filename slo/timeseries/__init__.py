"""Chart series of a judged window, read from the same source the objectives were judged on.

``charts`` holds the charts as data (one catalog SLI per line); ``build`` measures them
step by step over a window. Thresholds come from the judged objectives, never from here.
"""

from __future__ import annotations

from slo.timeseries.build import (
    ChartOptions,
    ClientLatency,
    build_timeseries,
    chart_step,
    with_timeseries,
)
from slo.timeseries.definitions import CHARTS, CLIENT_VS_SERVER, Chart

__all__ = [
    "CHARTS",
    "CLIENT_VS_SERVER",
    "Chart",
    "ChartOptions",
    "ClientLatency",
    "build_timeseries",
    "chart_step",
    "with_timeseries",
]
