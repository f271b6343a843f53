"""A cache TTL from what Prometheus saw: the guide's "Optimize cache TTL based on data".

``gather`` reads, over the review's window: cache hits and misses (the hit rate), the
database time a rebuild holds a connection (``connection_pool_busy_seconds_total`` over
catalog ``db_queries_total``), the primary pool's size, and the TTL in force
(``catalog_cache_ttl_seconds`` when the service exports it, else the guide's 300 s).

``recommend`` turns them into one TTL and says why. The model: a key asked ``λ`` times a
second, cached for ``T`` seconds, misses ``1 / (1 + λT)`` of the time. Shortening the TTL
from ``T`` to ``T'`` therefore multiplies its misses by at most ``T / T'``, whatever ``λ``;
lengthening divides them by at most ``T' / T``, and only for keys asked again within
``T'``. So the advice is the shortest TTL (the freshest data) whose worst-case hit rate keeps
half the target's miss budget in reserve and whose rebuilds keep the primary pool's load
small; a longer TTL is advised only as a bounded step, since the data cannot promise it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from reports import CacheTtlAdvice
from slo.errors import SourceError
from slo.evaluate import RunConfig
from slo.metrics import (
    CACHE_HITS,
    CACHE_MISSES,
    CACHE_TTL_SECONDS,
    DB_QUERIES,
    LABEL_CLIENT_TYPE,
    LABEL_TABLE,
    POOL_BUSY_SECONDS,
    POOL_SIZE,
)
from slo.query import Increase, OverTime, Query
from slo.sources import QuerySource
from slo.spec import ResolvedSelector, Resolver, Selector
from slo.timeutil import format_duration

__all__ = ["TtlEvidence", "TtlRecommendation", "advise", "gather", "recommend", "ttl_advice"]

GUIDE_TTL = 300.0  # the guide's default (Troubleshooting: "default: 300s")
GUIDE_HIT_RATE = 0.9
MIN_LOOKUPS = 100
# Candidate TTLs, seconds: advice is one of these, never a spurious 37 s.
STEPS = (10, 15, 30, 60, 120, 180, 300, 600, 900, 1200, 1800, 3600)
RESERVE = 2.0  # keep half the target's miss budget in reserve
LOAD_BUDGET = 0.1  # rebuilds may keep at most this share of the primary pool busy
MAX_GROWTH = 4.0  # a longer TTL is advised at most 4x at a time: the data cannot promise more


@dataclass(frozen=True, kw_only=True)
class TtlEvidence:
    """What the window showed; None where the metric is absent."""

    window_seconds: float
    hits: float
    misses: float
    rebuild_seconds: float | None  # connection time per database query
    pool_size: float | None  # the primary pool's maximum connections
    ttl_seconds: float
    ttl_measured: bool  # False: the service exports no TTL, the guide's default is assumed


@dataclass(frozen=True, kw_only=True)
class TtlRecommendation:
    ttl_seconds: float | None  # None: no advice (too little data)
    reasoning: tuple[str, ...]

    def in_report(self) -> CacheTtlAdvice:
        return CacheTtlAdvice(ttl_seconds=self.ttl_seconds, reasons=list(self.reasoning))

    def lines(self) -> list[str]:
        return self.in_report().lines()


def _sum(source: QuerySource, query: Query, start: float, end: float) -> float | None:
    samples = source.read(query, start, end)
    return math.fsum(s.value for s in samples) if samples else None


def gather(source: QuerySource, resolver: Resolver, start: float, end: float) -> TtlEvidence:
    """Read the evidence over ``[start, end]``; a ``SourceError`` if the source fails."""

    def increase(metric: str, **match_re: str) -> float | None:
        selector = resolver.resolve(Selector(metric=metric, match_re=match_re))
        return _sum(source, Increase(selector=selector), start, end)

    busy = increase(POOL_BUSY_SECONDS)
    queries = increase(DB_QUERIES, **{LABEL_TABLE: "models|gateways"})
    size = resolver.resolve(Selector(metric=POOL_SIZE, match={LABEL_CLIENT_TYPE: "primary"}))
    ttl_gauge = OverTime(selector=ResolvedSelector(name=CACHE_TTL_SECONDS), aggregation="last")
    ttl = _sum(source, ttl_gauge, start, end)
    return TtlEvidence(
        window_seconds=end - start,
        hits=increase(CACHE_HITS) or 0.0,
        misses=increase(CACHE_MISSES) or 0.0,
        rebuild_seconds=busy / queries if busy is not None and queries else None,
        pool_size=_sum(source, OverTime(selector=size, aggregation="max"), start, end),
        ttl_seconds=ttl if ttl else GUIDE_TTL,
        ttl_measured=bool(ttl),
    )


def _step_at_least(seconds: float) -> float:
    return float(next((s for s in STEPS if s >= seconds * (1 - 1e-9)), STEPS[-1]))


def _step_at_most(seconds: float) -> float:
    return float(next((s for s in reversed(STEPS) if s <= seconds * (1 + 1e-9)), STEPS[0]))


def _load(e: TtlEvidence, miss_rate: float) -> tuple[str, float]:
    """What rebuilds cost the database, and the TTL that keeps them within the budget."""
    if e.rebuild_seconds is None:
        return "rebuild cost unknown (no connection_pool_busy_seconds_total or db_queries)", 0.0
    busy = miss_rate * e.rebuild_seconds
    text = (
        f"a rebuild holds a database connection {e.rebuild_seconds * 1000:.1f} ms: "
        f"{busy:.3g} connections busy rebuilding on average"
    )
    if not e.pool_size:
        return text, 0.0
    text += f", {busy / e.pool_size:.2%} of the primary pool of {e.pool_size:g}"
    return text, e.ttl_seconds * busy / (LOAD_BUDGET * e.pool_size)


def recommend(
    evidence: TtlEvidence, *, hit_rate_target: float = GUIDE_HIT_RATE
) -> TtlRecommendation:
    """The shortest TTL that keeps the hit rate and the rebuild load in bounds, and why."""
    e = evidence
    ttl, lookups = e.ttl_seconds, e.hits + e.misses
    if lookups < MIN_LOOKUPS:
        text = f"{lookups:.0f} cache lookups in the window; at least {MIN_LOOKUPS} are needed"
        return TtlRecommendation(ttl_seconds=None, reasoning=(text,))
    hit_rate = e.hits / lookups
    assumed = "" if e.ttl_measured else " (assumed: no catalog_cache_ttl_seconds)"
    why = [
        f"over {format_duration(round(e.window_seconds))}: {lookups:,.0f} lookups, hit rate "
        f"{hit_rate:.2%} (target {hit_rate_target:.0%}) at a TTL of {ttl:g}s{assumed}",
    ]
    if e.misses == 0:
        why.append("no misses: the TTL is not what limits the hit rate; keep it")
        return TtlRecommendation(ttl_seconds=ttl, reasoning=tuple(why))
    miss_rate = e.misses / e.window_seconds
    why.append(
        f"{e.misses:,.0f} misses ({miss_rate:.3g}/s): the rebuilds of about "
        f"{miss_rate * ttl:.3g} keys, if each expires once per TTL"
    )
    load, needed_for_load = _load(e, miss_rate)
    why.append(load)
    why.append(
        "a key asked λ times a second misses 1/(1+λT) of the time: a shorter TTL multiplies "
        "misses by at most T/T', a longer one divides them by at most T'/T"
    )
    needed_for_hits = ttl * (1 - hit_rate) * RESERVE / (1 - hit_rate_target)
    needed = max(needed_for_hits, needed_for_load)
    advised = min(_step_at_least(max(needed, STEPS[0])), ttl) if needed <= ttl else ttl
    if needed > ttl:
        advised = max(min(_step_at_least(needed), _step_at_most(ttl * MAX_GROWTH)), ttl)
        problem = (
            "too many misses for the target"
            if needed_for_hits > ttl
            else f"rebuilds keep more than {LOAD_BUDGET:.0%} of the pool busy"
        )
        why.append(
            f"{problem}: {advised:g}s would cut expiry misses by up to {advised / ttl:.3g}x, "
            f"but only for keys asked again within {advised:g}s; no TTL removes misses of keys "
            "asked once (scans, deep offsets). Review again after"
        )
    elif advised < ttl:
        worst = 1 - (1 - hit_rate) * ttl / advised
        why.append(
            f"{advised:g}s keeps the hit rate at or above {worst:.2%} in the worst case (half "
            f"the {1 - hit_rate_target:.0%} miss budget in reserve) and rebuilds under "
            f"{LOAD_BUDGET:.0%} of the pool: data at most {advised:g}s old instead of {ttl:g}s"
        )
    else:
        why.append(f"{ttl:g}s is the shortest TTL that keeps both in bounds; keep it")
    return TtlRecommendation(ttl_seconds=advised, reasoning=tuple(why))


def _hit_rate_target(config: RunConfig) -> float:
    """The threshold of the profile's cache hit rate objective, else the guide's 90%."""
    for objective in config.definition.objectives:
        sli = objective.sli
        numerator = getattr(sli, "numerator", None)
        if numerator and [s.metric for s in numerator] == [CACHE_HITS] and objective.threshold:
            return float(objective.threshold)
    return GUIDE_HIT_RATE


def advise(config: RunConfig) -> TtlRecommendation:
    """The recommendation for ``config``'s window and source; none, with the reason, when
    there is no source or it fails."""
    if not isinstance(config.source, QuerySource):
        return TtlRecommendation(ttl_seconds=None, reasoning=("no metric source",))
    try:
        evidence = gather(config.source, config.resolver, config.window.start, config.window.end)
    except SourceError as exc:
        return TtlRecommendation(ttl_seconds=None, reasoning=(f"the source failed: {exc}",))
    return recommend(evidence, hit_rate_target=_hit_rate_target(config))


def ttl_advice(config: RunConfig) -> str:
    """The recommendation for ``config``'s window and source, as printed lines."""
    return "\n".join(advise(config).lines())
