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
    "CACHE_LAYERS",
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
# Beyond the contract: which layer served each hit. Its sum over `layer` equals the sum of
# catalog_cache_hits_total over `gateway`, so the hit rate stays one number.
CATALOG_CACHE_LAYER_HITS_TOTAL = "catalog_cache_layer_hits_total"
# Beyond the contract: the Redis TTL in force, so a review can weigh it (0: caching off).
CATALOG_CACHE_TTL_SECONDS = "catalog_cache_ttl_seconds"
READ_REPLICA_QUERIES_TOTAL = "read_replica_queries_total"
READ_REPLICA_CONNECTION_ERRORS_TOTAL = "read_replica_connection_errors_total"
DB_QUERIES_TOTAL = "db_queries_total"
CONNECTION_POOL_UTILIZATION = "connection_pool_utilization"
CONNECTION_POOL_SIZE = "connection_pool_size"
CONNECTION_POOL_BUSY_SECONDS_TOTAL = "connection_pool_busy_seconds_total"
READ_REPLICA_LAG_SECONDS = "read_replica_lag_seconds"
READ_REPLICA_LAG_BYTES = "read_replica_lag_bytes"

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
CACHE_LAYERS = ("local", "redis")
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
    cache_layer_hits: Counter
    cache_ttl: Gauge
    replica_queries: Counter
    replica_connection_errors: Counter
    db_queries: Counter
    pool_utilization: Gauge
    pool_size: Gauge
    pool_busy_seconds: Counter
    replica_lag_seconds: Gauge
    replica_lag_bytes: Gauge

    @classmethod
    def create(cls, registry: CollectorRegistry) -> ServiceMetrics:
        # Same arguments as prometheus_client's, with this registry bound.
        def counter(name: str, documentation: str, labelnames: Iterable[str] = ()) -> Counter:
            # prometheus_client appends `_total` to counter names itself.
            return Counter(
                name.removesuffix("_total"), documentation, labelnames, registry=registry
            )

        def gauge(name: str, documentation: str, labelnames: Iterable[str] = ()) -> Gauge:
            return Gauge(name, documentation, labelnames, registry=registry)

        return cls(
            registry=registry,
            http_requests=counter(
                HTTP_REQUESTS_TOTAL,
                "HTTP requests, including 499 (client went away) and 504 (deadline).",
                ("method", "path", "status"),
            ),
            http_duration=Histogram(
                HTTP_REQUEST_DURATION_SECONDS,
                "HTTP request duration in seconds, by route template.",
                ("method", "path"),
                buckets=DURATION_BUCKETS,
                registry=registry,
            ),
            cache_hits=counter(
                CATALOG_CACHE_HITS_TOTAL,
                "Catalog responses served from the cache (either layer; see "
                "catalog_cache_layer_hits_total).",
                ("gateway",),
            ),
            cache_misses=counter(
                CATALOG_CACHE_MISSES_TOTAL,
                "Catalog responses found in no cache layer (or not cacheable).",
                ("gateway",),
            ),
            cache_errors=counter(
                CATALOG_CACHE_ERRORS_TOTAL,
                "Cache reads and writes that failed (Redis down, refusing or hanging).",
                ("operation",),
            ),
            cache_layer_hits=counter(
                CATALOG_CACHE_LAYER_HITS_TOTAL,
                "Catalog cache hits by the layer that served them: local (this process's "
                "memory) or redis.",
                ("layer",),
            ),
            cache_ttl=gauge(
                CATALOG_CACHE_TTL_SECONDS,
                "Seconds a cached catalog response lives in Redis (CATALOG_CACHE_TTL; 0: no "
                "cache).",
            ),
            replica_queries=counter(
                READ_REPLICA_QUERIES_TOTAL,
                "Catalog reads meant for the read replica, by outcome.",
                ("table", "status"),
            ),
            replica_connection_errors=counter(
                READ_REPLICA_CONNECTION_ERRORS_TOTAL, "Read replica connection failures."
            ),
            db_queries=counter(
                DB_QUERIES_TOTAL, "Database queries, by pool and table.", ("client_type", "table")
            ),
            pool_utilization=gauge(
                CONNECTION_POOL_UTILIZATION,
                "Connections in use divided by the pool's maximum size (0..1).",
                ("client_type",),
            ),
            pool_size=gauge(
                CONNECTION_POOL_SIZE, "Maximum connections of the pool.", ("client_type",)
            ),
            pool_busy_seconds=counter(
                CONNECTION_POOL_BUSY_SECONDS_TOTAL,
                "Sum of connection hold time in seconds, added when a connection is released.",
                ("client_type",),
            ),
            # No labels: created (at 0) with the registry; 0 without a replica.
            replica_lag_seconds=gauge(
                READ_REPLICA_LAG_SECONDS,
                "Seconds the read replica has been failing to replay WAL the primary had "
                "flushed (0: caught up; NaN: unknown, the last sample failed).",
            ),
            replica_lag_bytes=gauge(
                READ_REPLICA_LAG_BYTES,
                "Bytes of WAL the primary had flushed that the read replica has not replayed "
                "(NaN: unknown).",
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
        for layer in CACHE_LAYERS:
            self.cache_layer_hits.labels(layer)
        for table in REPLICA_TABLES:
            for status in REPLICA_STATUSES:
                self.replica_queries.labels(table, status)
        for client_type in CLIENT_TYPES:
            self.pool_utilization.labels(client_type)
            self.pool_size.labels(client_type)
            self.pool_busy_seconds.labels(client_type)
            for table in TABLES:
                self.db_queries.labels(client_type, table)
