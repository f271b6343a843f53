"""Chart data carried by a report: a few named lines of (time, value) over the judged window.

``slo`` builds them (``slo.timeseries``) from the same sources it judges; renderers only
draw them. Values are in the chart's ``unit`` (ratios as fractions, latency in seconds or
milliseconds, like objectives); a ``None`` value is a gap (no data at that step).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Point = tuple[datetime, float | None]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, ser_json_inf_nan="strings")


class Threshold(_Model):
    """A level to draw: ``value`` with the comparator a good value satisfies.

    ``line`` names the line it applies to (None: every line); points of that line on the
    wrong side are marked.
    """

    value: float
    comparator: str
    line: str | None = None
    label: str = ""


class TimeSeries(_Model):
    """One chart: lines by name, the unit of their values, and the thresholds to draw.

    ``style="stacked"`` draws the lines as stacked areas: parts of one total (499 and 504
    responses), against which thresholds with ``line=None`` are judged.
    """

    id: str
    title: str
    unit: str
    lines: dict[str, list[Point]] = Field(default_factory=dict)
    thresholds: list[Threshold] = Field(default_factory=list)
    style: Literal["line", "stacked"] = "line"
    objective: str | None = None
    step_seconds: float | None = None
    query: str = ""
    note: str = ""

    @property
    def has_data(self) -> bool:
        """True when at least one line has at least one value."""
        return any(value is not None for points in self.lines.values() for _, value in points)
