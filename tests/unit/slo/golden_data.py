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
