"""Locust's own ``--json`` output (``locust --json`` or ``--json-file``) as client statistics.

That output is a list of stats entries, one per request name and method, without the
``Aggregated`` row: each holds ``num_requests``, ``num_none_requests``, ``num_failures``,
``total_response_time`` (ms), ``response_times`` (a histogram: rounded ms -> count),
``start_time`` and ``last_request_timestamp`` (unix seconds). The rows are computed as
Locust computes them: the mean over requests with a response time, the 95th percentile from
the histogram, requests per second over the whole run (first start to last request); the
``Aggregated`` row merges every entry.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from slo.errors import SpecError, quoted
from slo.slis import AGGREGATED, ClientStats, EndpointStats

__all__ = ["stats_from_locust_json"]


@dataclass
class _Tally:
    """Locust's counters for one row, as entries are merged into it."""

    method: str = ""
    requests: int = 0
    none_requests: int = 0
    failures: int = 0
    total_ms: float = 0.0
    times: Counter[int] = field(default_factory=Counter)

    def add(self, other: _Tally) -> None:
        self.method = self.method if self.method == other.method else ""
        self.requests += other.requests
        self.none_requests += other.none_requests
        self.failures += other.failures
        self.total_ms += other.total_ms
        self.times.update(other.times)

    def row(self, name: str, seconds: float | None) -> EndpointStats:
        timed = self.requests - self.none_requests
        return EndpointStats(
            name=name,
            method=self.method,
            requests=self.requests,
            failures=self.failures,
            mean_ms=self.total_ms / timed if timed > 0 else 0.0,
            p95_ms=_percentile(self.times, timed, 0.95) if timed > 0 else None,
            rps=self.requests / seconds if seconds else 0.0,
        )


def _percentile(times: Counter[int], count: int, percent: float) -> float:
    """Locust's ``calculate_response_time_percentile``: the response time that ``percent``
    of the requests finished within."""
    wanted = int(count * percent)
    seen = 0
    for time_ms in sorted(times, reverse=True):
        seen += times[time_ms]
        if count - seen <= wanted:
            return float(time_ms)
    return 0.0


def _entry(entry: Any) -> tuple[str, _Tally, float, float | None]:
    """One entry's name, counters, start time and last request time."""
    last = entry.get("last_request_timestamp")
    histogram = entry.get("response_times") or {}
    tally = _Tally(
        method=str(entry.get("method") or ""),
        requests=int(entry["num_requests"]),
        none_requests=int(entry.get("num_none_requests") or 0),
        failures=int(entry["num_failures"]),
        total_ms=float(entry["total_response_time"]),
        times=Counter({round(float(k)): int(v) for k, v in histogram.items()}),
    )
    return (
        str(entry["name"]),
        tally,
        float(entry["start_time"]),
        None if last is None else float(last),
    )


def stats_from_locust_json(entries: list[Any], *, origin: str) -> ClientStats:
    """The client statistics of Locust's ``--json`` output; a ``SpecError`` names a bad entry."""
    rows: dict[str, _Tally] = {}
    total = _Tally()
    starts: list[float] = []
    lasts: list[float] = []
    for index, entry in enumerate(entries):
        try:
            if not isinstance(entry, dict):
                raise TypeError(f"{quoted(entry)} is not an object")
            name, tally, start, last = _entry(entry)
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            problem = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
            raise SpecError(
                origin, f"[{index}]", f"expected a Locust stats entry, got {problem[:120]}"
            ) from None
        rows.setdefault(name, _Tally(method=tally.method)).add(tally)
        total.add(tally)
        starts.append(start)
        lasts.extend([] if last is None else [last])
    begin = min(starts, default=None)
    end = max(lasts, default=None)
    seconds = end - begin if begin is not None and end is not None and end > begin else None
    found = {name: tally.row(name, seconds) for name, tally in rows.items()}
    found[AGGREGATED] = total.row(AGGREGATED, seconds)
    return ClientStats(start=begin, end=end, rows=found)
