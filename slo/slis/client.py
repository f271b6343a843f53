"""Client-side SLIs: figures from the load generator's own statistics (Locust)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from slo.slis.base import Measurement

AGGREGATED = "Aggregated"


@dataclass(frozen=True, kw_only=True)
class EndpointStats:
    """One row of Locust's statistics (a request name, or the ``Aggregated`` row)."""

    name: str
    method: str = ""
    requests: int
    failures: int
    mean_ms: float
    p95_ms: float | None = None
    rps: float
    timeouts: int = 0  # requests the client gave up on (its timeout), a subset of failures


@dataclass(frozen=True, kw_only=True)
class ClientStats:
    """A load run's client view: rows by name, and when the measured phase ran."""

    start: float | None = None
    end: float | None = None
    rows: dict[str, EndpointStats] = field(default_factory=dict)
    # Requests sent in the window shrunk and grown by a scrape interval at each end:
    # the range the server's scraped count can honestly fall in (None: exactly Aggregated).
    requests_range: tuple[int, int] | None = None

    @property
    def total_requests(self) -> int | None:
        row = self.rows.get(AGGREGATED)
        return None if row is None else row.requests


class ClientDef:
    """One statistic of one Locust row (``rps``, ``mean_ms``, ``p95_ms``, ``failures``...)."""

    kind = "client"

    def __init__(self, stat: str, name: str) -> None:
        self.stat = stat
        self.name = name

    def describe(self) -> str:
        return f"locust:{self.stat}{{name={self.name!r}}}"

    def measure(self, stats: ClientStats | None) -> Measurement:
        if stats is None:
            return Measurement(
                value=None, missing=("no Locust statistics given (--locust-stats FILE)",)
            )
        row = stats.rows.get(self.name)
        if row is None:
            return Measurement(value=None, missing=(f"locust row {self.name!r}",))
        value: float | None
        if self.stat == "rps":
            value = row.rps
        elif self.stat == "mean_ms":
            value = row.mean_ms if row.requests else math.nan
        elif self.stat == "p95_ms":
            value = row.p95_ms
        elif self.stat == "failures":
            value = float(row.failures)
        elif self.stat == "failure_ratio":
            value = row.failures / row.requests if row.requests else math.nan
        else:
            value = float(row.requests)
        if value is None:
            return Measurement(value=None, missing=(f"locust {self.stat} of {self.name!r}",))
        return Measurement(value=value, requests=float(row.requests))
