"""The metric contract of DESIGN.md: names, labels, buckets, and their pre-created series.

Names and label names are constants here and nowhere else. ``ServiceMetrics``
is built in the app factory on a registry of its own, so two apps (or two
tests) never share counters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = [
    "CACHE_OPERATIONS",
    "CLIENT_TYPES",
    "DURATION_BUCKETS",
    "REPLICA_STATUSES",
    "TABLES",
    "UNMATCHED_PATH",
    "ServiceMetrics",
]

HTTP_REQUESTS_TOTAL = "http_requests_total"
HTTP_REQUEST_DURATION_SECONDS = "http_request_duration_seconds"
CATALOG_CACHE_HITS_TOTAL = "catalog_cache_hits_total"
CATALOG_CACHE_MISSES_TOTAL = "catalog_cache_misses_total"
CATALOG_CACHE_ERRORS_TOTAL = "catalog_cache_errors_total"
READ_REPLICA_QUERIES_TOTAL = "read_replica_queries_total"
READ_REPLICA_CONNECTION_ERRORS_TOTAL = "read_replica_connection_errors_total"
DB_QUERIES_TOTAL = "db_queries_total"
CONNECTION_POOL_UTILIZATION = "connection_pool_utilization"
CONNECTION_POOL_SIZE = "connection_pool_size"
CONNECTION_POOL_BUSY_SECONDS_TOTAL = "connection_pool_busy_seconds_total"

# Edges at 0.1 and 0.2 s are the guide's P95 thresholds (week 2 and week 1).
DURATION_BUCKETS = (
    0.005,
    0.01,
    0.025,
    0.05,
    0.075,
    0.1,
    0.15,
    0.2,
    0.3,
    0.5,
    0.75,
    1.0,
    2.5,
    5.0,
    10.0,
)
CLIENT_TYPES = ("primary", "replica")
TABLES = ("models", "gateways", "health")
REPLICA_TABLES = ("models", "gateways")
REPLICA_STATUSES = ("success", "error", "fallback_to_primary")
CACHE_OPERATIONS = ("get", "set")
COMMON_STATUSES = ("200", "400", "404", "499", "500", "503", "504")
UNMATCHED_PATH = "other"


@dataclass(frozen=True, kw_only=True)
class ServiceMetrics:
    registry: CollectorRegistry
    http_requests: Counter
    http_duration: Histogram
    cache_hits: Counter
    cache_misses: Counter
    cache_errors: Counter
    replica_queries: Counter
    replica_connection_errors: Counter
    db_queries: Counter
    pool_utilization: Gauge
    pool_size: Gauge
    pool_busy_seconds: Counter

    @classmethod
    def create(cls, registry: CollectorRegistry) -> ServiceMetrics:
        # prometheus_client appends `_total` to counter names itself.
        return cls(
            registry=registry,
            http_requests=Counter(
                HTTP_REQUESTS_TOTAL.removesuffix("_total"),
                "HTTP requests, including 499 (client went away) and 504 (deadline).",
                ("method", "path", "status"),
                registry=registry,
            ),
            http_duration=Histogram(
                HTTP_REQUEST_DURATION_SECONDS,
                "HTTP request duration in seconds, by route template.",
                ("method", "path"),
                buckets=DURATION_BUCKETS,
                registry=registry,
            ),
            cache_hits=Counter(
                CATALOG_CACHE_HITS_TOTAL.removesuffix("_total"),
                "Catalog responses served from the Redis cache.",
                ("gateway",),
                registry=registry,
            ),
            cache_misses=Counter(
                CATALOG_CACHE_MISSES_TOTAL.removesuffix("_total"),
                "Catalog responses not found in the Redis cache.",
                ("gateway",),
                registry=registry,
            ),
            cache_errors=Counter(
                CATALOG_CACHE_ERRORS_TOTAL.removesuffix("_total"),
                "Cache reads and writes that failed (Redis down, refusing or hanging).",
                ("operation",),
                registry=registry,
            ),
            replica_queries=Counter(
                READ_REPLICA_QUERIES_TOTAL.removesuffix("_total"),
                "Catalog reads meant for the read replica, by outcome.",
                ("table", "status"),
                registry=registry,
            ),
            replica_connection_errors=Counter(
                READ_REPLICA_CONNECTION_ERRORS_TOTAL.removesuffix("_total"),
                "Read replica connection failures.",
                registry=registry,
            ),
            db_queries=Counter(
                DB_QUERIES_TOTAL.removesuffix("_total"),
                "Database queries, by pool and table.",
                ("client_type", "table"),
                registry=registry,
            ),
            pool_utilization=Gauge(
                CONNECTION_POOL_UTILIZATION,
                "Connections in use divided by the pool's maximum size (0..1).",
                ("client_type",),
                registry=registry,
            ),
            pool_size=Gauge(
                CONNECTION_POOL_SIZE,
                "Maximum connections of the pool.",
                ("client_type",),
                registry=registry,
            ),
            pool_busy_seconds=Counter(
                CONNECTION_POOL_BUSY_SECONDS_TOTAL.removesuffix("_total"),
                "Sum of connection hold time in seconds, added when a connection is released.",
                ("client_type",),
                registry=registry,
            ),
        )

    def precreate(self, *, paths: Iterable[str], gateways: Iterable[str]) -> None:
        """Create every known label combination at zero, so first increments are never lost."""
        for path in (*paths, UNMATCHED_PATH):
            self.http_duration.labels("GET", path)
            for status in COMMON_STATUSES:
                self.http_requests.labels("GET", path, status)
        for gateway in ("all", *gateways):
            self.cache_hits.labels(gateway)
            self.cache_misses.labels(gateway)
        for operation in CACHE_OPERATIONS:
            self.cache_errors.labels(operation)
        for table in REPLICA_TABLES:
            for status in REPLICA_STATUSES:
                self.replica_queries.labels(table, status)
        for client_type in CLIENT_TYPES:
            self.pool_utilization.labels(client_type)
            self.pool_size.labels(client_type)
            self.pool_busy_seconds.labels(client_type)
            for table in TABLES:
                self.db_queries.labels(client_type, table)
