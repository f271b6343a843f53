"""Locust's statistics as a source: ``ClientStat`` query values answered from a run's rows.

The statistics cover the judged phase as a whole, so every window and slice reads the same
row; a row or statistic that is not there answers with no sample (missing, never a pass).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Final

from slo.errors import UsageError
from slo.query import ClientStat, Query, RawSample
from slo.slis import ClientStats, EndpointStats
from slo.sources.base import QuerySource

#: Each statistic of a row; a mean or ratio of no requests is NaN, never 0.
_STATS: Final[dict[str, Callable[[EndpointStats], float | None]]] = {
    "rps": lambda row: row.rps,
    "mean_ms": lambda row: row.mean_ms if row.requests else math.nan,
    "p95_ms": lambda row: row.p95_ms,
    "failures": lambda row: float(row.failures),
    "failure_ratio": lambda row: row.failures / row.requests if row.requests else math.nan,
    "requests": lambda row: float(row.requests),
}


class ClientSource(QuerySource):
    """Answers ``ClientStat`` queries from one run's ``ClientStats``."""

    kind = "client"

    def __init__(self, stats: ClientStats, *, description: str = "Locust statistics") -> None:
        self.stats = stats
        self.description = description

    def read(self, query: Query, start: float, end: float) -> list[RawSample]:
        if not isinstance(query, ClientStat):
            raise UsageError(f"Locust's statistics cannot answer {type(query).__name__} queries")
        row = self.stats.rows.get(query.name)
        value = None if row is None else _STATS[query.stat](row)
        return [] if value is None else [RawSample(value=value)]
