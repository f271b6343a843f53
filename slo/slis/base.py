"""What every SLI produces (``Measurement``) and what it asks of the sources.

An SLI is written once: ``needs`` states the query values it reads (``slo.query``), any
source answers them (Prometheus, the embedded store, Locust's statistics), and ``measure``
turns the answers into a ``Measurement``. ``expression`` combines the same rendered queries
into one PromQL expression for rules, dashboards and charts. Raw results are kept in
reports for re-judging.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass

from slo.query import (
    Increase,
    Needs,
    OverTime,
    RawResult,
    RawSample,
    UnsupportedSli,
    render_query,
)
from slo.spec import ResolvedSelector


@dataclass(frozen=True, kw_only=True)
class Measurement:
    """An SLI's value over a window, with what limits its precision.

    ``value`` is None when no series answered; ``lower``/``upper`` bound the true value
    (a quantile's bucket edges); ``requests`` is the number of events behind a ratio.
    """

    value: float | None
    lower: float | None = None
    upper: float | None = None
    requests: float | None = None
    in_inf_bucket: bool = False
    missing: tuple[str, ...] = ()
    note: str = ""

    @property
    def is_finite(self) -> bool:
        return self.value is not None and math.isfinite(self.value)


@dataclass(frozen=True, kw_only=True)
class SliExpression:
    """The SLI's value over a window as one PromQL expression and, if any, its event count."""

    value: str
    requests: str | None = None


class SliDef(ABC):
    """A compiled SLI: the queries it needs, and one ``measure`` for every source."""

    kind: str = ""

    @abstractmethod
    def needs(self) -> Needs:
        """The named query values the SLI reads."""

    @abstractmethod
    def measure(self, raw: RawResult, *, duration: float) -> Measurement:
        """The measurement from the answers to ``needs`` (from any source)."""

    def queries(self, *, window: str, at: float | None) -> dict[str, str]:
        """``needs`` rendered over ``[window]``, pinned with ``@ at`` when given."""
        return {name: render_query(q, window=window, at=at) for name, q in self.needs().items()}

    def expression(self, window: str) -> SliExpression:
        """The SLI as one PromQL expression (for rules, dashboards and charts)."""
        raise UnsupportedSli(f"a {self.kind} SLI has no single PromQL expression")

    @property
    def reads_server(self) -> bool:
        """Whether a metric server answers the SLI (not the load generator's statistics)."""
        return any(isinstance(q, Increase | OverTime) for q in self.needs().values())

    def selectors(self) -> list[ResolvedSelector]:
        """Every series selector the SLI reads (for ``slo doctor`` and preflight)."""
        found: list[ResolvedSelector] = []
        for query in self.needs().values():
            if isinstance(query, Increase | OverTime) and query.selector not in found:
                found.append(query.selector)
        return found

    def must_move(self) -> list[ResolvedSelector]:
        """Selectors whose counters must rise in a window with traffic (``slo doctor``)."""
        return self.selectors()

    def required(self) -> list[list[ResolvedSelector]]:
        """What must exist for the SLI to have a value: any one group, all of a group.

        Only the metric counts (with the mapping's matchers, not the SLI's filters): a
        metric with no 504 series yet is healthy; a metric with no series at all is silent.
        """
        return [unique_metrics(self.selectors())] if self.selectors() else []


def unique_metrics(selectors: list[ResolvedSelector]) -> list[ResolvedSelector]:
    """The first selector of each metric name."""
    seen: dict[str, ResolvedSelector] = {}
    for sel in selectors:
        seen.setdefault(sel.name, sel)
    return list(seen.values())


def total(samples: list[RawSample]) -> float:
    """Sum of a vector's values (0 for an empty vector; check emptiness first)."""
    return math.fsum(s.value for s in samples)
