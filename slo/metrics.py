"""The metric contract: every metric and label name the engine relies on, in one place.

Specs name *logical* metrics (``cache_hits``) and *logical* labels (``path``); a mapping
(:class:`slo.spec.models.MetricMapping`) turns them into the names a backend exposes. The
defaults below are DESIGN.md's contract, which the reference service implements.
"""

from __future__ import annotations

from typing import Final, Literal

MetricType = Literal["counter", "gauge", "histogram"]

# Logical metric names (what a spec says).
HTTP_REQUESTS: Final = "http_requests"
HTTP_REQUEST_DURATION: Final = "http_request_duration"
CACHE_HITS: Final = "cache_hits"
CACHE_MISSES: Final = "cache_misses"
CACHE_ERRORS: Final = "cache_errors"
REPLICA_QUERIES: Final = "replica_queries"
REPLICA_CONNECTION_ERRORS: Final = "replica_connection_errors"
DB_QUERIES: Final = "db_queries"
POOL_UTILIZATION: Final = "pool_utilization"
POOL_SIZE: Final = "pool_size"
POOL_BUSY_SECONDS: Final = "pool_busy_seconds"
REPLICA_LAG: Final = "replica_lag"
REPLICA_LAG_BYTES: Final = "replica_lag_bytes"
UP: Final = "up"

# Logical label names.
LABEL_METHOD: Final = "method"
LABEL_PATH: Final = "path"
LABEL_STATUS: Final = "status"
LABEL_GATEWAY: Final = "gateway"
LABEL_TABLE: Final = "table"
LABEL_CLIENT_TYPE: Final = "client_type"
LABEL_OPERATION: Final = "operation"
LABEL_LE: Final = "le"

# Histogram series suffixes (Prometheus exposition format).
BUCKET_SUFFIX: Final = "_bucket"
COUNT_SUFFIX: Final = "_count"
SUM_SUFFIX: Final = "_sum"


class MetricInfo:
    """Default exposed name, type and label set of one logical metric."""

    __slots__ = ("labels", "name", "type")

    def __init__(self, name: str, type_: MetricType, labels: tuple[str, ...]) -> None:
        self.name = name
        self.type: MetricType = type_
        self.labels = labels


CONTRACT: Final[dict[str, MetricInfo]] = {
    HTTP_REQUESTS: MetricInfo(
        "http_requests_total", "counter", (LABEL_METHOD, LABEL_PATH, LABEL_STATUS)
    ),
    HTTP_REQUEST_DURATION: MetricInfo(
        "http_request_duration_seconds", "histogram", (LABEL_METHOD, LABEL_PATH)
    ),
    CACHE_HITS: MetricInfo("catalog_cache_hits_total", "counter", (LABEL_GATEWAY,)),
    CACHE_MISSES: MetricInfo("catalog_cache_misses_total", "counter", (LABEL_GATEWAY,)),
    CACHE_ERRORS: MetricInfo("catalog_cache_errors_total", "counter", (LABEL_OPERATION,)),
    REPLICA_QUERIES: MetricInfo(
        "read_replica_queries_total", "counter", (LABEL_TABLE, LABEL_STATUS)
    ),
    REPLICA_CONNECTION_ERRORS: MetricInfo("read_replica_connection_errors_total", "counter", ()),
    DB_QUERIES: MetricInfo("db_queries_total", "counter", (LABEL_CLIENT_TYPE, LABEL_TABLE)),
    POOL_UTILIZATION: MetricInfo("connection_pool_utilization", "gauge", (LABEL_CLIENT_TYPE,)),
    POOL_SIZE: MetricInfo("connection_pool_size", "gauge", (LABEL_CLIENT_TYPE,)),
    POOL_BUSY_SECONDS: MetricInfo(
        "connection_pool_busy_seconds_total", "counter", (LABEL_CLIENT_TYPE,)
    ),
    # How long the replica has been failing to replay the primary's WAL (0: caught up);
    # NaN while the service cannot sample it.
    REPLICA_LAG: MetricInfo("read_replica_lag_seconds", "gauge", ()),
    REPLICA_LAG_BYTES: MetricInfo("read_replica_lag_bytes", "gauge", ()),
    UP: MetricInfo("up", "gauge", ()),
}

LOGICAL_METRICS: Final = tuple(CONTRACT)

# Beyond the contract: read when present, never required. The cache TTL in force (the
# reference service exports it; `slo review`'s TTL advice assumes the guide's 300 s without).
CACHE_TTL_SECONDS: Final = "catalog_cache_ttl_seconds"
