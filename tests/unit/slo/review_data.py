"""A synthetic week (or month) of the catalog service's metrics for review tests.

Every production objective holds on every day, except the cache hit rate on one known
bad day. Rates are constant within a day, so each day's value is exact up to how
Prometheus extrapolates ``increase`` at the edges (the same for hits and misses, so the
hit rate stays exact). The same samples fill an embedded store (``golden_data.fill_store``)
or a Prometheus TSDB (``golden_data.openmetrics`` and promtool).
"""

from __future__ import annotations

from golden_data import EDGES, Dataset

DAY = 86400
END = 1_767_830_400  # 2026-01-08T00:00:00Z: a week of data starts on 2026-01-01
LOOKUPS_PER_MINUTE = 100
GOOD_HIT_RATE = 0.95
# 100 /models observations a minute into the buckets of EDGES (cumulative): P95 in
# (25 ms, 50 ms], well under the production 100 ms.
BUCKETS_PER_MINUTE = (10, 50, 80, 96, 99, 100, 100, 100, 100)


def week(
    *,
    end: int = END,
    days: int = 7,
    step: int = 60,
    bad_day: int | None = 3,
    bad_hit_rate: float = 0.6,
) -> Dataset:
    """``days`` days of samples every ``step`` seconds ending at ``end``; on day index
    ``bad_day`` (0 = the first) the cache hit rate is ``bad_hit_rate``."""
    start = end - days * DAY
    ds = Dataset(name="review_week", start=start, end=end)
    get = {"method": "GET", "path": "/models"}
    series: dict[tuple[str, tuple[tuple[str, str], ...]], list[tuple[float, float]]] = {}
    counters: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}

    def key(name: str, labels: dict[str, str]) -> tuple[str, tuple[tuple[str, str], ...]]:
        return name, tuple(sorted(labels.items()))

    per_step = step / 60  # rates below are per minute
    for k in range((end - start) // step + 1):
        ts = start + k * step
        day = min((ts - start - 1) // DAY, days - 1) if k else 0
        rate = bad_hit_rate if day == bad_day else GOOD_HIT_RATE
        increments: list[tuple[str, dict[str, str], float]] = []
        if k:
            increments += [
                ("catalog_cache_hits_total", {"gateway": "all"}, LOOKUPS_PER_MINUTE * rate),
                (
                    "catalog_cache_misses_total",
                    {"gateway": "all"},
                    LOOKUPS_PER_MINUTE * (1 - rate),
                ),
                ("http_requests_total", {**get, "status": "200"}, 100.0),
                ("db_queries_total", {"client_type": "replica", "table": "models"}, 80.0),
                ("db_queries_total", {"client_type": "primary", "table": "models"}, 20.0),
                # pools of 5 (primary) and 10 (replica): 10% and 40% busy
                ("connection_pool_busy_seconds_total", {"client_type": "primary"}, 30.0),
                ("connection_pool_busy_seconds_total", {"client_type": "replica"}, 240.0),
            ]
            increments += [
                ("http_request_duration_seconds_bucket", {**get, "le": edge}, float(n))
                for edge, n in zip(EDGES, BUCKETS_PER_MINUTE, strict=True)
            ]
            increments.append(
                ("http_request_duration_seconds_count", get, float(BUCKETS_PER_MINUTE[-1]))
            )
        else:  # every counter exists from the first sample on, at 0
            increments += [
                ("catalog_cache_hits_total", {"gateway": "all"}, 0.0),
                ("catalog_cache_misses_total", {"gateway": "all"}, 0.0),
                ("http_requests_total", {**get, "status": "200"}, 0.0),
                ("db_queries_total", {"client_type": "replica", "table": "models"}, 0.0),
                ("db_queries_total", {"client_type": "primary", "table": "models"}, 0.0),
                ("connection_pool_busy_seconds_total", {"client_type": "primary"}, 0.0),
                ("connection_pool_busy_seconds_total", {"client_type": "replica"}, 0.0),
                *(
                    ("http_request_duration_seconds_bucket", {**get, "le": edge}, 0.0)
                    for edge in EDGES
                ),
                ("http_request_duration_seconds_count", get, 0.0),
            ]
        for name, labels, inc in increments:
            found = key(name, labels)
            counters[found] = counters.get(found, 0.0) + inc * per_step
            series.setdefault(found, []).append((ts, counters[found]))
        for name, labels, value in (
            ("connection_pool_size", {"client_type": "primary"}, 5.0),
            ("connection_pool_size", {"client_type": "replica"}, 10.0),
            ("up", {"job": "service"}, 1.0),
        ):
            series.setdefault(key(name, labels), []).append((ts, value))
    ds.samples.update(series)
    return ds
