"""What the engine needs from a metric source (Prometheus or embedded)."""

from __future__ import annotations

from typing import Protocol

from slo.slis.base import RawResult, SliDef


class MetricSource(Protocol):
    """A server-side source: raw results for an SLI over a window or per slice."""

    kind: str
    description: str

    def fetch(self, sli: SliDef, start: float, end: float) -> tuple[RawResult, dict[str, str]]:
        """Raw results over [start, end], and the PromQL that reads them (as resolved)."""
        ...

    def fetch_slices(self, sli: SliDef, ends: list[float], size: float) -> list[RawResult]:
        """Raw results for each slice ``(end - size, end]``."""
        ...
