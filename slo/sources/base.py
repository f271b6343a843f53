"""What every source does with an SLI: answer its query values, over a window or per slice.

A source implements ``read`` (one query value over ``[start, end]``) and may override
``read_slices`` (Prometheus answers all slices with one range query); ``fetch`` and
``fetch_slices`` are written once here, so every source reads an SLI the same way.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Protocol

from slo.query import Query, RawResult, RawSample
from slo.slis import SliDef
from slo.timeutil import format_duration


class MetricSource(Protocol):
    """What the engine needs from a source: raw results for an SLI over a window or per slice."""

    kind: str
    description: str

    def fetch(self, sli: SliDef, start: float, end: float) -> tuple[RawResult, dict[str, str]]:
        """Raw results over [start, end], and the queries that read them (as resolved)."""
        ...

    def fetch_slices(self, sli: SliDef, ends: list[float], size: float) -> list[RawResult]:
        """Raw results for each slice ``(end - size, end]``."""
        ...


class QuerySource(ABC):
    """A source of raw results for SLIs (Prometheus, embedded samples, Locust's statistics)."""

    kind: str = ""
    description: str = ""

    @abstractmethod
    def read(self, query: Query, start: float, end: float) -> list[RawSample]:
        """The answer to ``query`` over ``[start, end]``."""

    def read_slices(self, query: Query, ends: list[float], size: float) -> list[list[RawSample]]:
        """The answers for consecutive slices ``(end - size, end]``."""
        return [self.read(query, end - size, end) for end in ends]

    def fetch(self, sli: SliDef, start: float, end: float) -> tuple[RawResult, dict[str, str]]:
        """The SLI's raw results over [start, end] and its queries as resolved."""
        queries = sli.queries(window=format_duration(end - start), at=end)
        return {name: self.read(q, start, end) for name, q in sli.needs().items()}, queries

    def fetch_slices(self, sli: SliDef, ends: list[float], size: float) -> list[RawResult]:
        """Raw results for consecutive slices of ``size`` seconds ending at ``ends``."""
        answers = {name: self.read_slices(q, ends, size) for name, q in sli.needs().items()}
        return [{name: found[i] for name, found in answers.items()} for i in range(len(ends))]
