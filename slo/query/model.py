"""What an SLI asks of a source: small query values, and the raw vectors that answer them.

An SLI states its needs as a name -> query mapping. Three kinds cover every SLI:

- ``Increase``: the sum of a counter's increases over the window, grouped by labels (a
  histogram's buckets are an increase grouped by ``le``);
- ``OverTime``: an aggregate of each gauge series' samples over the window (max, mean, p95,
  last or the number of samples), optionally summed over the series;
- ``ClientStat``: one statistic of one row of the load generator's own statistics.

``slo.query.promql`` renders the first two to PromQL; the embedded store computes the same
values from its samples (``slo.sources.embedded``), and Locust's statistics answer the
third (``slo.sources.client``). Each answer is a ``RawResult`` entry: a list of samples.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from slo.spec import ResolvedSelector

Aggregation = Literal["max", "mean", "p95", "last", "count"]


@dataclass(frozen=True, kw_only=True)
class Increase:
    """Sum of the increases of the matching counter series over the window, by ``by``."""

    selector: ResolvedSelector
    by: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class OverTime:
    """Each matching gauge series' samples aggregated; with ``total``, summed over series."""

    selector: ResolvedSelector
    aggregation: Aggregation
    total: bool = False


@dataclass(frozen=True, kw_only=True)
class ClientStat:
    """One statistic (``rps``, ``mean_ms``, ``p95_ms``, ``failures``, ...) of one row."""

    stat: str
    name: str

    def describe(self) -> str:
        return f"locust:{self.stat}{{name={self.name!r}}}"


ServerQuery = Increase | OverTime
Query = Increase | OverTime | ClientStat
Needs = dict[str, Query]


def is_server(query: Query) -> bool:
    """Whether a metric server (Prometheus or the embedded scraper) answers ``query``."""
    return not isinstance(query, ClientStat)


@dataclass(frozen=True, kw_only=True)
class RawSample:
    """One element of an instant vector: its labels and value."""

    labels: Mapping[str, str] = field(default_factory=dict)
    value: float


RawResult = dict[str, list[RawSample]]
