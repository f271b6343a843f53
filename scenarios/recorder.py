"""Client-side statistics by second, so the gate can judge exactly its window.

Locust's own statistics are cumulative over the whole run, warm-up included.
The recorder keeps, per second and per route, the request count, failures,
client timeouts and a response-time histogram (rounded the way Locust rounds,
two significant figures), so requests per second, mean, P95 and failures can be
computed over the steady-state window alone. Workers send what they recorded
since their last report to the master with each stats report; the master
merges it, so a distributed run yields the same figures as a local one.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ClientRecorder",
    "ClientTimeoutError",
    "ClientWindowStats",
    "RouteStats",
    "round_response_time",
]


class ClientTimeoutError(Exception):
    """The user gave up waiting (the request outlived the client timeout)."""


def round_response_time(ms: float) -> int:
    """Locust's rounding: exact below 100 ms, then two significant figures."""
    if ms < 100:
        return round(ms)
    if ms < 1000:
        return int(round(ms, -1))
    return int(round(ms, -2)) if ms < 10_000 else int(round(ms, -3))


@dataclass(kw_only=True)
class _Bucket:
    requests: int = 0
    failures: int = 0
    timeouts: int = 0
    total_ms: float = 0.0
    times: Counter[int] = field(default_factory=Counter)

    def add(self, other: _Bucket) -> None:
        self.requests += other.requests
        self.failures += other.failures
        self.timeouts += other.timeouts
        self.total_ms += other.total_ms
        self.times.update(other.times)

    def to_wire(self) -> list[Any]:
        return [self.requests, self.failures, self.timeouts, self.total_ms, dict(self.times)]

    @classmethod
    def from_wire(cls, raw: list[Any]) -> _Bucket:
        requests, failures, timeouts, total_ms, times = raw
        return cls(
            requests=int(requests),
            failures=int(failures),
            timeouts=int(timeouts),
            total_ms=float(total_ms),
            times=Counter({int(k): int(v) for k, v in times.items()}),
        )


@dataclass(frozen=True, kw_only=True)
class RouteStats:
    requests: int
    failures: int
    timeouts: int
    mean_ms: float
    p95_ms: float
    p50_ms: float = math.nan
    p99_ms: float = math.nan


@dataclass(frozen=True, kw_only=True)
class ClientWindowStats:
    """Locust's view of one window: what the client sent and saw."""

    start: float
    end: float
    requests: int
    failures: int
    timeouts: int
    mean_ms: float
    p95_ms: float
    routes: Mapping[str, RouteStats]

    @property
    def rps(self) -> float:
        duration = self.end - self.start
        return self.requests / duration if duration > 0 else math.nan


def _percentile(times: Counter[int], n: int, q: float) -> float:
    if n == 0:
        return math.nan
    rank = max(1, math.ceil(n * q))
    seen = 0
    for value in sorted(times):
        seen += times[value]
        if seen >= rank:
            return float(value)
    return float(max(times))


def _summarise(buckets: Iterable[_Bucket]) -> _Bucket:
    total = _Bucket()
    for bucket in buckets:
        total.add(bucket)
    return total


class ClientRecorder:
    """Per-second, per-route request statistics; thread- and greenlet-safe.

    A worker's recorder `forward`s: it keeps only what it has not yet sent to
    the master; the master's (or a local run's) keeps everything, for `window`.
    """

    def __init__(self, *, forward: bool = False) -> None:
        self.forward = forward
        self._lock = threading.Lock()
        self._seconds: dict[int, dict[str, _Bucket]] = defaultdict(dict)
        self._pending: dict[int, dict[str, _Bucket]] = defaultdict(dict)

    def record(
        self, *, ts: float, route: str, response_ms: float, failed: bool, timeout: bool = False
    ) -> None:
        second = int(ts)
        rounded = round_response_time(response_ms)
        store = self._pending if self.forward else self._seconds
        with self._lock:
            bucket = store[second].setdefault(route, _Bucket())
            bucket.requests += 1
            bucket.failures += int(failed)
            bucket.timeouts += int(timeout)
            bucket.total_ms += response_ms
            bucket.times[rounded] += 1

    def drain_pending(self) -> dict[str, dict[str, list[Any]]]:
        """What was recorded since the last call, in a msgpack-friendly form."""
        with self._lock:
            wire = {
                str(second): {route: b.to_wire() for route, b in routes.items()}
                for second, routes in self._pending.items()
            }
            self._pending.clear()
        return wire

    def merge(self, wire: Mapping[str, Mapping[str, list[Any]]]) -> None:
        """Add what a worker reported (master side)."""
        with self._lock:
            for second, routes in wire.items():
                target = self._seconds[int(second)]
                for route, raw in routes.items():
                    target.setdefault(route, _Bucket()).add(_Bucket.from_wire(list(raw)))

    def window(self, start: float, end: float) -> ClientWindowStats:
        """Statistics of the requests completed in whole seconds within [start, end)."""
        first, last = math.ceil(start), math.floor(end)
        by_route: dict[str, list[_Bucket]] = defaultdict(list)
        with self._lock:
            for second in range(first, last):
                for route, bucket in self._seconds.get(second, {}).items():
                    by_route[route].append(bucket)
            routes = {route: _summarise(buckets) for route, buckets in by_route.items()}
        total = _summarise(routes.values())
        return ClientWindowStats(
            start=float(first),
            end=float(max(first, last)),
            requests=total.requests,
            failures=total.failures,
            timeouts=total.timeouts,
            mean_ms=total.total_ms / total.requests if total.requests else math.nan,
            p95_ms=_percentile(total.times, total.requests, 0.95),
            routes={
                route: RouteStats(
                    requests=b.requests,
                    failures=b.failures,
                    timeouts=b.timeouts,
                    mean_ms=b.total_ms / b.requests if b.requests else math.nan,
                    p95_ms=_percentile(b.times, b.requests, 0.95),
                    p50_ms=_percentile(b.times, b.requests, 0.50),
                    p99_ms=_percentile(b.times, b.requests, 0.99),
                )
                for route, b in sorted(routes.items())
            },
        )
