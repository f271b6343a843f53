"""Known datasets for the SLO golden tests.

Each dataset lives in its own hour after ``T0`` and is sampled every ``STEP`` seconds with
a sample exactly on both window edges, so Prometheus's ``increase`` needs no extrapolation
and every expected value below is exact. The same samples also fill an embedded
``SampleStore``, so both sources are held to the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

T0 = 1_767_225_600  # 2026-01-01T00:00:00Z
STEP = 15
WINDOW = 600
EDGES = ("0.005", "0.01", "0.025", "0.05", "0.1", "0.2", "0.5", "1", "+Inf")
Series = tuple[str, tuple[tuple[str, str], ...]]


@dataclass(kw_only=True)
class Dataset:
    """Series -> (timestamp, value) samples over one window."""

    name: str
    start: float
    end: float
    samples: dict[Series, list[tuple[float, float]]] = field(default_factory=dict)

    def counter(
        self, name: str, labels: dict[str, str], increase: float, *, reset_at: float | None = None
    ) -> None:
        """A counter rising linearly by ``increase``; with ``reset_at`` (a share of the
        window) it restarts from 0 there, the total increase staying ``increase``."""
        n = int((self.end - self.start) // STEP)
        restart = n + 1 if reset_at is None else round(reset_at * n)
        points: list[tuple[float, float]] = []
        for k in range(n + 1):
            # From the restart on, the counter counts again from 0 (its first step included).
            value = increase * k / n if k < restart else increase * (k - restart + 1) / n
            points.append((self.start + k * STEP, value))
        self.samples[(name, tuple(sorted(labels.items())))] = points

    def gauge(self, name: str, labels: dict[str, str], values: list[float]) -> None:
        n = int((self.end - self.start) // STEP)
        assert len(values) == n + 1, f"{name}: need {n + 1} values"
        self.samples[(name, tuple(sorted(labels.items())))] = [
            (self.start + k * STEP, v) for k, v in enumerate(values)
        ]

    def histogram(self, name: str, labels: dict[str, str], cumulative: list[float]) -> None:
        for edge, count in zip(EDGES, cumulative, strict=True):
            self.counter(name + "_bucket", {**labels, "le": edge}, count)
        self.counter(name + "_count", labels, cumulative[-1])


def _window(hour: int) -> tuple[float, float]:
    start = T0 + hour * 3600
    return start, start + WINDOW


def n_points() -> int:
    return WINDOW // STEP + 1


def build_datasets() -> dict[str, Dataset]:
    found: dict[str, Dataset] = {}
    get = {"method": "GET", "path": "/models"}

    d = Dataset(name="healthy", start=_window(0)[0], end=_window(0)[1])
    d.counter("catalog_cache_hits_total", {"gateway": "all"}, 9500)
    d.counter("catalog_cache_misses_total", {"gateway": "all"}, 500, reset_at=0.5)
    d.counter("http_requests_total", {**get, "status": "200"}, 9995)
    d.counter("http_requests_total", {**get, "status": "504"}, 5)
    d.counter("http_requests_total", {**get, "status": "500"}, 0)
    d.histogram(
        "http_request_duration_seconds",
        get,
        [1000, 5000, 8000, 9000, 9500, 9900, 10000, 10000, 10000],
    )
    d.counter("connection_pool_busy_seconds_total", {"client_type": "primary"}, 120)
    d.counter("connection_pool_busy_seconds_total", {"client_type": "replica"}, 1800)
    d.gauge("connection_pool_size", {"client_type": "primary"}, [5.0] * n_points())
    d.gauge("connection_pool_size", {"client_type": "replica"}, [10.0] * n_points())
    d.gauge(
        "connection_pool_utilization", {"client_type": "primary"}, [0.0, 0.2, 0.4, 0.6] * 10 + [0.2]
    )
    d.counter("db_queries_total", {"client_type": "replica", "table": "models"}, 800)
    d.counter("db_queries_total", {"client_type": "primary", "table": "models"}, 200)
    d.gauge("up", {"job": "service"}, [1.0] * n_points())
    found[d.name] = d

    d = Dataset(name="failing", start=_window(1)[0], end=_window(1)[1])
    d.counter("catalog_cache_hits_total", {"gateway": "all"}, 8000)
    d.counter("catalog_cache_misses_total", {"gateway": "all"}, 2000)
    d.counter("http_requests_total", {**get, "status": "200"}, 9980)
    d.counter("http_requests_total", {**get, "status": "499"}, 20)
    # 10% of requests above the last finite edge (1 s): the p95 is in the +Inf bucket.
    d.histogram(
        "http_request_duration_seconds", get, [0, 0, 0, 1000, 5000, 8000, 8500, 9000, 10000]
    )
    d.counter("connection_pool_busy_seconds_total", {"client_type": "primary"}, 1800)
    d.counter("connection_pool_busy_seconds_total", {"client_type": "replica"}, 4800)
    d.gauge("connection_pool_size", {"client_type": "primary"}, [5.0] * n_points())
    d.gauge("connection_pool_size", {"client_type": "replica"}, [10.0] * n_points())
    d.counter("db_queries_total", {"client_type": "replica", "table": "models"}, 500)
    d.counter("db_queries_total", {"client_type": "primary", "table": "models"}, 500)
    d.gauge("up", {"job": "service"}, [1.0] * 37 + [0.0] * 4)
    found[d.name] = d

    # Too little traffic and no cache metrics at all: nothing can be judged.
    d = Dataset(name="sparse", start=_window(2)[0], end=_window(2)[1])
    d.counter("http_requests_total", {**get, "status": "200"}, 40)
    d.histogram("http_request_duration_seconds", get, [10, 20, 30, 40, 40, 40, 40, 40, 40])
    d.counter("db_queries_total", {"client_type": "replica", "table": "models"}, 0)
    d.counter("db_queries_total", {"client_type": "primary", "table": "models"}, 0)
    found[d.name] = d

    # Every value exactly on its threshold.
    d = Dataset(name="edge", start=_window(3)[0], end=_window(3)[1])
    d.counter("catalog_cache_hits_total", {"gateway": "all"}, 9000)
    d.counter("catalog_cache_misses_total", {"gateway": "all"}, 1000)
    d.counter("http_requests_total", {**get, "status": "200"}, 9990)
    d.counter("http_requests_total", {**get, "status": "504"}, 10)
    d.counter("db_queries_total", {"client_type": "replica", "table": "models"}, 700)
    d.counter("db_queries_total", {"client_type": "primary", "table": "models"}, 300)
    d.histogram(
        "http_request_duration_seconds", get, [0, 0, 0, 1000, 9500, 10000, 10000, 10000, 10000]
    )
    found[d.name] = d

    # Caching off: the cache counters exist (pre-created) but never move while /models
    # serves traffic, slowly.
    d = Dataset(name="cache_off", start=_window(4)[0], end=_window(4)[1])
    d.counter("catalog_cache_hits_total", {"gateway": "all"}, 0)
    d.counter("catalog_cache_misses_total", {"gateway": "all"}, 0)
    d.counter("http_requests_total", {**get, "status": "200"}, 5000)
    d.histogram("http_request_duration_seconds", get, [0, 0, 0, 0, 100, 1000, 4900, 5000, 5000])
    found[d.name] = d

    # 50 hours of traffic for the 48-hour objective, sampled every 5 minutes, with a
    # burst of 504s in hour 30.
    start = T0 + 6 * 3600
    d = Dataset(name="two_days", start=start, end=start + 50 * 3600)
    points_ok, points_bad = [], []
    for k in range(50 * 12 + 1):
        ts = start + k * 300
        points_ok.append((ts, 1000.0 * k))
        points_bad.append((ts, 0.0 if ts <= start + 30 * 3600 else 7.0))
    d.samples[
        ("http_requests_total", (("method", "GET"), ("path", "/models"), ("status", "200")))
    ] = points_ok
    d.samples[
        ("http_requests_total", (("method", "GET"), ("path", "/models"), ("status", "504")))
    ] = points_bad
    found[d.name] = d
    return found


def openmetrics(datasets: dict[str, Dataset]) -> str:
    """All datasets as one OpenMetrics text (families grouped, samples in time order)."""
    by_family: dict[str, dict[tuple[tuple[str, str], ...], list[tuple[float, float]]]] = {}
    for ds in datasets.values():
        for (name, labels), points in ds.samples.items():
            by_family.setdefault(name, {}).setdefault(labels, []).extend(points)
    lines: list[str] = []
    for name in sorted(by_family):
        lines.append(f"# TYPE {name} unknown")
        for labels, points in sorted(by_family[name].items()):
            text = ",".join(f'{k}="{v}"' for k, v in labels)
            selector = f"{name}{{{text}}}" if text else name
            lines.extend(f"{selector} {v!r} {ts}" for ts, v in sorted(points))
    lines.append("# EOF")
    return "\n".join(lines) + "\n"


def fill_store(store: object, datasets: dict[str, Dataset]) -> None:
    """The same samples into an embedded store, one scrape per timestamp."""
    by_ts: dict[float, list[tuple[str, dict[str, str], float]]] = {}
    for ds in datasets.values():
        for (name, labels), points in ds.samples.items():
            for ts, value in points:
                by_ts.setdefault(ts, []).append((name, dict(labels), value))
    for ts in sorted(by_ts):
        store.add_samples(ts, by_ts[ts])  # type: ignore[attr-defined]


# ---- Deployment-hours datasets (promotion, rollout-*, escalation, rollback-verified) ----
#
# Kept apart from ``build_datasets`` (whose backfill the other golden tests share) and in
# hours none of those use (0-4 and two_days' 6-56): ten-minute windows from hour 60,
# two 24-hour days from hours 80 and 110.

# The reference service's own bucket edges (reference_app.metrics.DURATION_BUCKETS): the
# escalation's "> 2 s" needs edges past 1 s.
SERVICE_EDGES = (
    "0.005", "0.01", "0.025", "0.05", "0.075", "0.1", "0.15", "0.2", "0.3", "0.5", "0.75",
    "1", "2.5", "5", "10", "+Inf",
)  # fmt: skip
GUARD_HOUR = {
    "guard_before": 60,
    "guard_after": 61,
    "guard_tuned": 62,
    "guard_regressed": 63,
    "guard_six_pct": 64,
    "guard_cache_down": 65,
    "guard_slow_bursts": 66,
    "guard_slow_5min": 67,
    "guard_replica_failing": 68,
    "guard_rolled_back": 69,
    "guard_rolled_back_frozen": 70,
    "guard_errors_3_55": 71,
    "guard_errors_8_55": 72,
    "guard_lag_unknown": 73,
    "staging_day_ok": 80,  # 24 hours: 80-104
    "staging_day_bad": 110,  # 24 hours: 110-134
}
DAY_SECONDS = 24 * 3600
DAY_STEP = 300  # the days are sampled every 5 minutes, like two_days


@dataclass(kw_only=True)
class SlicedDataset(Dataset):
    """Counters whose rise is given per slice of ``slice`` seconds (the rate may change
    from slice to slice), sampled every ``step`` seconds with a sample on every slice edge,
    so each slice's increase (and the window's) is exact on both sources."""

    step: float = STEP
    slice: float = 60.0

    @property
    def slices(self) -> int:
        return round((self.end - self.start) / self.slice)

    def _times(self) -> list[float]:
        n = round((self.end - self.start) / self.step)
        return [self.start + k * self.step for k in range(n + 1)]

    def ramp(
        self, name: str, labels: dict[str, str], rises: float | list[float], *, base: float = 0.0
    ) -> None:
        """A counter from ``base`` rising by ``rises[i]`` over slice ``i`` (one number: the
        same rise in every slice), linearly within the slice."""
        per_slice = [float(rises)] * self.slices if isinstance(rises, int | float) else rises
        assert len(per_slice) == self.slices, f"{name}: need {self.slices} rises"
        steps = round(self.slice / self.step)
        points, value = [(self.start, base)], base
        for i, rise in enumerate(per_slice):
            for k in range(1, steps + 1):
                points.append((self.start + (i * steps + k) * self.step, value + rise * k / steps))
            value += rise
        self.samples[(name, tuple(sorted(labels.items())))] = points

    def level(self, name: str, labels: dict[str, str], value: float) -> None:
        """A gauge holding one value."""
        self.samples[(name, tuple(sorted(labels.items())))] = [(t, value) for t in self._times()]

    def gauge_at(self, name: str, labels: dict[str, str], value: float, **dips: float) -> None:
        """A gauge holding ``value`` except at the sample indexes given as ``at_<k>=v``."""
        changed = {int(key.removeprefix("at_")): v for key, v in dips.items()}
        self.samples[(name, tuple(sorted(labels.items())))] = [
            (t, changed.get(k, value)) for k, t in enumerate(self._times())
        ]

    def buckets(
        self, name: str, labels: dict[str, str], cumulative: list[float] | list[list[float]]
    ) -> None:
        """A histogram over ``SERVICE_EDGES``: each slice's observations as cumulative
        bucket counts (one list: the same in every slice)."""
        rows = cumulative if isinstance(cumulative[0], list) else [cumulative] * self.slices
        per_slice: list[list[float]] = [[float(c) for c in row] for row in rows]  # type: ignore[union-attr]
        for j, edge in enumerate(SERVICE_EDGES):
            self.ramp(name + "_bucket", {**labels, "le": edge}, [row[j] for row in per_slice])
        self.ramp(name + "_count", labels, [row[-1] for row in per_slice])


def _guard(name: str, **kw: float) -> SlicedDataset:
    start = T0 + GUARD_HOUR[name] * 3600
    return SlicedDataset(name=name, start=start, end=start + WINDOW, **kw)


def _cumulative(counts: dict[str, float]) -> list[float]:
    """Cumulative bucket counts over SERVICE_EDGES from {edge: cumulative count} at the
    edges where it changes (the count holds until the next named edge)."""
    out: list[float] = []
    current = 0.0
    for edge in SERVICE_EDGES:
        current = counts.get(edge, current)
        out.append(current)
    return out


# Per minute, 1000 /models requests. P95 in (50 ms, 75 ms]: 0.05 + 0.025 * 50/60.
FAST_MINUTE = _cumulative({"0.005": 100, "0.01": 300, "0.025": 600, "0.05": 900, "0.075": 960,
                           "0.1": 990, "0.15": 1000})  # fmt: skip
# P95 in (300 ms, 500 ms]: 0.3 + 0.2 * 50/100 = 0.4.
BEFORE_MINUTE = _cumulative({"0.1": 200, "0.15": 400, "0.2": 600, "0.3": 900, "0.5": 1000})
# P95 in (5 ms, 10 ms]: 0.005 + 0.005 * 50/100 = 0.0075.
TUNED_MINUTE = _cumulative({"0.005": 900, "0.01": 1000})
# P95 in (750 ms, 1 s]: 0.75 + 0.25 * 50/100 = 0.875.
REGRESSED_MINUTE = _cumulative({"0.3": 500, "0.5": 800, "0.75": 900, "1": 1000})
# P95 in (2.5 s, 5 s]: 2.5 + 2.5 * (950 - 40)/960; at or above 2 s whatever its place.
SLOW_MINUTE = _cumulative({"0.5": 10, "1": 20, "2.5": 40, "5": 1000})


def _http(d: SlicedDataset, per_minute: dict[str, float]) -> None:
    """/models requests per minute by status."""
    for status, rise in per_minute.items():
        d.ramp("http_requests_total", {"method": "GET", "path": "/models", "status": status}, rise)


def _cache(d: SlicedDataset, hits: float, misses: float, errors: float = 0.0) -> None:
    d.ramp("catalog_cache_hits_total", {"gateway": "all"}, hits)
    d.ramp("catalog_cache_misses_total", {"gateway": "all"}, misses)
    d.ramp("catalog_cache_errors_total", {"operation": "get"}, errors)


def _db(d: SlicedDataset, primary: float, replica: float, primary_busy: float) -> None:
    """DB queries per minute by pool, and the primary pool's busy seconds per minute
    (a pool of 5: 300 busy seconds a minute is 100%)."""
    d.ramp("db_queries_total", {"client_type": "primary", "table": "models"}, primary)
    d.ramp("db_queries_total", {"client_type": "replica", "table": "models"}, replica)
    d.ramp("connection_pool_busy_seconds_total", {"client_type": "primary"}, primary_busy)
    d.level("connection_pool_size", {"client_type": "primary"}, 5.0)


def _replica(d: SlicedDataset, ok: float, errors: float, connection_errors: float) -> None:
    d.ramp("read_replica_queries_total", {"status": "success", "table": "models"}, ok)
    d.ramp("read_replica_queries_total", {"status": "error", "table": "models"}, errors)
    d.ramp("read_replica_connection_errors_total", {}, connection_errors)


def _day(name: str, bad: dict[str, int]) -> SlicedDataset:
    """24 hourly slices of the staging criteria, 12,000 /models requests an hour; ``bad``
    names the hour (0-23) in which one criterion misses: hit_rate (85%), latency (P95 in
    (200 ms, 300 ms]), primary_pool (60%), replica_pool (80%), timeouts (0.2% 504s)."""
    start = T0 + GUARD_HOUR[name] * 3600
    d = SlicedDataset(name=name, start=start, end=start + DAY_SECONDS, step=DAY_STEP, slice=3600)
    hours = range(24)

    def hourly(good: float, worse: float, key: str) -> list[float]:
        return [worse if h == bad.get(key) else good for h in hours]

    d.ramp("catalog_cache_hits_total", {"gateway": "all"}, hourly(11400, 10200, "hit_rate"))
    d.ramp("catalog_cache_misses_total", {"gateway": "all"}, hourly(600, 1800, "hit_rate"))
    get = {"method": "GET", "path": "/models"}
    d.ramp("http_requests_total", {**get, "status": "200"}, hourly(12000, 11976, "timeouts"))
    d.ramp("http_requests_total", {**get, "status": "504"}, hourly(0, 24, "timeouts"))
    good = _cumulative({"0.005": 1200, "0.01": 3600, "0.025": 7200, "0.05": 10800,
                        "0.075": 11520, "0.1": 11880, "0.15": 12000})  # fmt: skip
    slow = _cumulative({"0.1": 6000, "0.15": 9000, "0.2": 11000, "0.3": 12000})
    d.buckets(
        "http_request_duration_seconds",
        get,
        [slow if h == bad.get("latency") else good for h in hours],
    )
    # Pools of 5 (primary) and 10 (replica): 3600 s of 18000 busy an hour is 20%.
    busy = {
        "primary": hourly(3600, 10800, "primary_pool"),
        "replica": hourly(18000, 28800, "replica_pool"),
    }
    for pool, size in (("primary", 5.0), ("replica", 10.0)):
        d.ramp("connection_pool_busy_seconds_total", {"client_type": pool}, busy[pool])
        d.level("connection_pool_size", {"client_type": pool}, size)
    return d


# The hour of staging_day_bad in which each criterion misses (each in its own hour).
BAD_HOURS = {"hit_rate": 2, "latency": 6, "primary_pool": 10, "replica_pool": 14, "timeouts": 18}


def build_guard_datasets() -> dict[str, Dataset]:
    """The deployment-hours datasets: ten-minute windows (the numbers are per minute), then
    the two staging days (per hour, see ``_day``)."""
    found: dict[str, Dataset] = {}
    get = {"method": "GET", "path": "/models"}

    # Before the rollout (the baseline of Steps 1 and 3): no cache metrics, no replica
    # traffic, 1% errors, P95 400 ms, 600 primary queries a minute, primary pool 60%.
    d = _guard("guard_before")
    _http(d, {"200": 990, "500": 10})
    d.buckets("http_request_duration_seconds", get, BEFORE_MINUTE)
    _db(d, primary=600, replica=0, primary_busy=180)
    d.level("up", {"job": "service"}, 1.0)
    found[d.name] = d

    # After the rollout, healthy: hit rate 95%, 0.5% errors, P95 70.8 ms, 60 primary and
    # 540 replica queries a minute (replica share 90%), primary pool 10%, no replica errors.
    d = _guard("guard_after")
    _http(d, {"200": 995, "500": 5})
    d.buckets("http_request_duration_seconds", get, FAST_MINUTE)
    _cache(d, hits=950, misses=50)
    _db(d, primary=60, replica=540, primary_busy=30)
    _replica(d, ok=540, errors=0, connection_errors=0)
    # Replica lag 0 but for a 1.5 s blip, and one failed sample (NaN: unknown, not judged).
    d.gauge_at("read_replica_lag_seconds", {}, 0.0, at_10=1.5, at_25=float("nan"))
    d.level("up", {"job": "service"}, 1.0)
    found[d.name] = d

    # Better than guard_after in every respect (a baseline the rollout cannot beat): no
    # errors, P95 7.5 ms, 6 primary and 594 replica queries a minute, primary pool 2%.
    d = _guard("guard_tuned")
    _http(d, {"200": 1000, "500": 0})
    d.buckets("http_request_duration_seconds", get, TUNED_MINUTE)
    _cache(d, hits=990, misses=10)
    _db(d, primary=6, replica=594, primary_busy=6)
    _replica(d, ok=594, errors=0, connection_errors=0)
    d.level("up", {"job": "service"}, 1.0)
    found[d.name] = d

    # After the rollout, regressed: hit rate 80%, 8% errors (7 points over guard_before),
    # P95 875 ms, replica connection errors (3 a minute), replica lag up to 45 s.
    d = _guard("guard_regressed")
    _http(d, {"200": 920, "500": 70, "499": 10})
    d.buckets("http_request_duration_seconds", get, REGRESSED_MINUTE)
    _cache(d, hits=800, misses=200)
    _db(d, primary=300, replica=300, primary_busy=120)
    _replica(d, ok=300, errors=0, connection_errors=3)
    # Replay stalled near the end: the lag reaches exactly 30 s, then 45 s.
    d.gauge_at("read_replica_lag_seconds", {}, 0.0, at_38=30.0, at_40=45.0)
    d.level("up", {"job": "service"}, 1.0)
    found[d.name] = d

    # Errors exactly 5 points over guard_before's 1%: 6%.
    d = _guard("guard_six_pct")
    _http(d, {"200": 940, "500": 50, "504": 10})
    d.buckets("http_request_duration_seconds", get, FAST_MINUTE)
    found[d.name] = d

    # The cache down: hits and misses frozen (the counters stay, at their last values),
    # every lookup errors, and /models takes 2.5-5 s in every minute.
    d = _guard("guard_cache_down")
    _http(d, {"200": 1000})
    d.buckets("http_request_duration_seconds", get, SLOW_MINUTE)
    d.ramp("catalog_cache_hits_total", {"gateway": "all"}, 0, base=95000)
    d.ramp("catalog_cache_misses_total", {"gateway": "all"}, 0, base=5000)
    d.ramp("catalog_cache_errors_total", {"operation": "get"}, 1000)
    _replica(d, ok=540, errors=0, connection_errors=0)
    found[d.name] = d

    # Slow minutes in runs of four, each run broken by one fast minute: 8 of 10 slow.
    d = _guard("guard_slow_bursts")
    _http(d, {"200": 1000})
    pattern = "SSSSFSSSSF"
    d.buckets(
        "http_request_duration_seconds",
        get,
        [SLOW_MINUTE if c == "S" else FAST_MINUTE for c in pattern],
    )
    _cache(d, hits=950, misses=50)
    found[d.name] = d

    # Exactly five slow minutes in a row (minutes 2-6).
    d = _guard("guard_slow_5min")
    _http(d, {"200": 1000})
    pattern = "FFSSSSSFFF"
    d.buckets(
        "http_request_duration_seconds",
        get,
        [SLOW_MINUTE if c == "S" else FAST_MINUTE for c in pattern],
    )
    _cache(d, hits=950, misses=50)
    found[d.name] = d

    # Replica queries failing (12 in the window) on a build without the connection-error
    # counter (read_replica_connection_errors_total absent).
    d = _guard("guard_replica_failing")
    _http(d, {"200": 1000})
    d.ramp("read_replica_queries_total", {"status": "success", "table": "models"}, 540)
    d.ramp("read_replica_queries_total", {"status": "error", "table": "models"}, [0] * 8 + [5, 7])
    found[d.name] = d

    # Rolled back (caching switched off, the process restarted without it): no cache
    # metrics at all, 0.5% errors, every scrape answered.
    d = _guard("guard_rolled_back")
    _http(d, {"200": 995, "500": 5})
    d.level("up", {"job": "service"}, 1.0)
    found[d.name] = d

    # Rolled back without a restart: the cache counters are still there, frozen at their
    # last values; one scrape of the 41 failed.
    d = _guard("guard_rolled_back_frozen")
    _http(d, {"200": 995, "500": 5})
    d.ramp("catalog_cache_hits_total", {"gateway": "all"}, 0, base=9500)
    d.ramp("catalog_cache_misses_total", {"gateway": "all"}, 0, base=500)
    d.ramp("catalog_cache_errors_total", {"operation": "get"}, 0, base=3)
    d.gauge_at("up", {"job": "service"}, 1.0, at_20=0.0)
    found[d.name] = d

    # Errors of 3.55%, then 8.55%: again exactly 5 points more (35.5 and 85.5 errors a
    # minute are exact binary fractions, so both sources count 355 and 855 exactly).
    for name, errors in (("guard_errors_3_55", 35.5), ("guard_errors_8_55", 85.5)):
        d = _guard(name)
        _http(d, {"200": 1000 - errors, "500": errors})
        found[d.name] = d

    # The service could not sample the replica's lag at all: every sample NaN.
    d = _guard("guard_lag_unknown")
    _http(d, {"200": 1000})
    d.level("read_replica_lag_seconds", {}, float("nan"))
    found[d.name] = d

    # Staging for 24 hours: every hourly slice healthy; then a day with one bad hour each.
    found["staging_day_ok"] = _day("staging_day_ok", {})
    found["staging_day_bad"] = _day("staging_day_bad", BAD_HOURS)
    return found
