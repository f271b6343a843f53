"""What every SLI produces (``Measurement``) and the two ways it reads data.

An SLI is written once: ``queries`` compiles it to named PromQL instant queries, and
``fetch_embedded`` asks an embedded sample store for the *same* named results. ``measure``
turns either into a ``Measurement``. Raw results are kept in reports for re-judging.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from slo.spec.mapping import ResolvedSelector


@dataclass(frozen=True, kw_only=True)
class RawSample:
    """One element of an instant vector: its labels and value."""

    labels: Mapping[str, str] = field(default_factory=dict)
    value: float


RawResult = dict[str, list[RawSample]]


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


class SeriesReader(Protocol):
    """What SLIs need from an embedded sample store (see ``slo.sources.store``)."""

    def increase(
        self, selector: ResolvedSelector, start: float, end: float, by: Sequence[str] = ()
    ) -> list[RawSample]:
        """Sum of counter increases of the matching series in [start, end], grouped by ``by``."""
        ...

    def gauge_series(
        self, selector: ResolvedSelector, start: float, end: float
    ) -> dict[str, list[float]]:
        """Each matching series' samples in [start, end], keyed by a series name."""
        ...


class SliDef(ABC):
    """A compiled SLI: queries for Prometheus, reads for the embedded store, one ``measure``."""

    kind: str = ""

    @abstractmethod
    def queries(self, *, window: str, at: float | None) -> dict[str, str]:
        """Named PromQL instant queries over ``[window]``, pinned with ``@ at`` when given."""

    @abstractmethod
    def fetch_embedded(self, reader: SeriesReader, start: float, end: float) -> RawResult:
        """The same named results as ``queries``, computed from embedded samples."""

    @abstractmethod
    def measure(self, raw: RawResult, *, duration: float) -> Measurement:
        """The measurement from raw results of either source."""

    @abstractmethod
    def selectors(self) -> list[ResolvedSelector]:
        """Every series selector the SLI reads (for ``slo doctor``)."""

    def must_move(self) -> list[ResolvedSelector]:
        """Selectors whose counters must rise in a window with traffic (``slo doctor``)."""
        return self.selectors()


def total(samples: list[RawSample]) -> float:
    """Sum of a vector's values (0 for an empty vector; check emptiness first)."""
    return math.fsum(s.value for s in samples)
