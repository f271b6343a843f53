"""What to do when an alert fires: the guide's Troubleshooting and Rollback steps.

Each topic is the guide's diagnosis, its fix, and the rollback switch that removes the
feature under suspicion (the service falls back to the database on both).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from slo.spec import ResolvedSelector

Topic = Literal[
    "cache", "primary_pool", "replica", "errors", "latency", "uptime", "absent", "rollback"
]

_ROLLBACK_CACHE = (
    "Rollback: delete REDIS_URL (the service falls back to database queries), or clear a "
    "bad cache with `redis-cli FLUSHDB`."
)
_ROLLBACK_REPLICA = (
    "Rollback: delete SUPABASE_READ_REPLICA_URL (the service falls back to the primary)."
)
_ROLLBACK_FULL = (
    "Escalate and roll back immediately if the error rate rose >5%, responses take >2s for "
    ">5 minutes, the cache is failing completely or the replica causes errors: first the "
    "environment switches (delete REDIS_URL, delete SUPABASE_READ_REPLICA_URL), then a full "
    "code rollback (`git revert c0ae3f1f 61dccd8b`, redeploy); verify with `curl /health`."
)

RUNBOOKS: Final[dict[Topic, str]] = {
    "cache": (
        "Diagnose: `redis-cli ping` (expect PONG); cache keys exist "
        "(`redis-cli --scan --pattern 'catalog:v2:*' | head`; the guide's `KEYS` blocks a busy "
        "Redis); `redis-cli TTL <key>` shows 0-300 s. Fix: verify REDIS_URL, check Redis is not "
        "overloaded, raise CATALOG_CACHE_TTL if entries expire too soon (default 300 s). "
        + _ROLLBACK_CACHE
    ),
    "primary_pool": (
        "Diagnose: is the replica used? `read_replica_queries_total` should rise; the logs "
        "should say the read replica client initialized; SUPABASE_READ_REPLICA_URL must be "
        "set and the replica reachable. A low cache hit rate also sends reads to the "
        "database. Fix: correct the replica URL or its API key, check the replica is online. "
        + _ROLLBACK_FULL
    ),
    "replica": (
        "Diagnose: `grep 'Read replica connection failed'` in the logs (the service falls "
        "back to the primary), check the replica is online and SUPABASE_READ_REPLICA_URL and "
        "its API key are right. Fix: disable the replica and investigate separately. "
        + _ROLLBACK_REPLICA
    ),
    "errors": (
        "Diagnose: `grep ERROR logs/ | tail -20`. 'Cache write failed' is a Redis issue "
        "(non-critical); 'Read replica connection failed' means the replica is offline (reads "
        "fall back to the primary); 'Supabase unavailable' is the primary database, unrelated "
        "to Phase 1. " + _ROLLBACK_FULL
    ),
    "latency": (
        "Diagnose: a low cache hit rate (cached answers take 5-20 ms, misses 200-500 ms), a "
        "saturated primary pool, a slow or hanging Redis. " + _ROLLBACK_FULL
    ),
    "uptime": (
        "Diagnose: `curl /health` (expect healthy) and `curl /health/database` (expect "
        "connected); check the scrape target is up. " + _ROLLBACK_FULL
    ),
    # The escalation criteria's one step ("Rollback immediately if"): the guide's Quick
    # Rollback, then its Rollback Verification.
    "rollback": (
        "Roll back now (the guide's Escalation Criteria: rollback immediately if the error "
        "rate increases >5%, response times are >2s for >5 minutes, the cache is completely "
        "failing or the read replica causes errors; be ready within 5 minutes). Quick "
        "Rollback, no code rollback: disable response caching by deleting the REDIS_URL "
        "variable (in Railway/Vercel; or clear the cache with `redis-cli FLUSHDB`): the "
        "service falls back to normal database queries; disable the read replica by deleting "
        "the SUPABASE_READ_REPLICA_URL variable: the service falls back to the primary "
        "database. If severe: full code rollback, `git revert c0ae3f1f` (read replica) and "
        "`git revert 61dccd8b` (response caching), push and redeploy. Rollback Verification: "
        "`curl <service>/health`; `curl <service>/metrics | grep catalog_cache` returns "
        "nothing once caching is disabled; `curl <service>/metrics | grep http_requests_total`: "
        "error rates remain stable or improve (`slo check --profile rollback-verified` judges "
        "these three checks)."
    ),
    "absent": (
        "No series of this metric: the exporter is down, the scrape fails, or the metric was "
        "renamed (fix the spec's metric mapping). Check `curl <target>/metrics | grep <name>` "
        "and `up` of the target. After a rollback that removed the feature (no REDIS_URL) the "
        "cache metrics may stay flat but must still be exposed."
    ),
}

#: Which topic each logical metric belongs to (the SLI's first selector decides).
METRIC_TOPICS: Final[dict[str, Topic]] = {
    "cache_hits": "cache",
    "cache_misses": "cache",
    "cache_errors": "cache",
    "replica_queries": "replica",
    "replica_connection_errors": "replica",
    "replica_lag": "replica",
    "replica_lag_bytes": "replica",
    "db_queries": "replica",
    "http_request_duration": "latency",
    "http_requests": "errors",
    "up": "uptime",
}


#: Profiles whose objectives are conditions to roll back on: their runbook is the rollback.
ROLLBACK_PROFILES: Final = frozenset({"escalation"})
#: Units of a latency or throughput SLI read from the load generator (no metric to go by).
_CLIENT_LATENCY_UNITS: Final = frozenset({"milliseconds", "seconds", "requests_per_second"})


def topic_for(logical: str, label_values: Collection[str]) -> Topic:
    """The runbook topic of an SLI reading ``logical`` (pools split by client type)."""
    if logical.startswith("pool_"):
        return "replica" if "replica" in label_values else "primary_pool"
    return METRIC_TOPICS.get(logical, "errors")


def runbook_for(
    selectors: Sequence[ResolvedSelector], *, unit: str = "", escalation: bool = False
) -> str:
    """The runbook step of an objective whose SLI reads ``selectors`` (its first decides):
    the rollback for an escalation objective; for a client-statistics SLI (no selectors)
    the latency topic for a latency or throughput unit, else the errors topic."""
    if escalation:
        return RUNBOOKS["rollback"]
    if not selectors:
        return RUNBOOKS["latency" if unit in _CLIENT_LATENCY_UNITS else "errors"]
    first = selectors[0]
    return RUNBOOKS[topic_for(first.logical, [value for _, _, value in first.matchers])]
