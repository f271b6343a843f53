"""Client-side SLIs: figures from the load generator's own statistics (Locust).

Locust's statistics are one more source (``slo.sources.client``): a client SLI asks for
its statistic and the row's request count as ``ClientStat`` query values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from slo.query import ClientStat, Needs, RawResult
from slo.slis.base import Measurement, SliDef

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


class ClientStatDef(SliDef):
    """One statistic of one Locust row (``rps``, ``mean_ms``, ``p95_ms``, ``failures``...)."""

    kind = "client"

    def __init__(self, stat: str, name: str) -> None:
        self.stat = stat
        self.name = name

    def needs(self) -> Needs:
        return {
            "value": ClientStat(stat=self.stat, name=self.name),
            "requests": ClientStat(stat="requests", name=self.name),
        }

    def describe(self) -> str:
        return ClientStat(stat=self.stat, name=self.name).describe()

    def queries(self, *, window: str, at: float | None) -> dict[str, str]:
        return {"client": self.describe()}  # the whole run's row: no window to render

    def measure(self, raw: RawResult, *, duration: float) -> Measurement:
        requests, value = raw.get("requests", []), raw.get("value", [])
        if not requests:
            return Measurement(value=None, missing=(f"locust row {self.name!r}",))
        if not value:
            return Measurement(value=None, missing=(f"locust {self.stat} of {self.name!r}",))
        return Measurement(value=value[0].value, requests=requests[0].value)
