"""``promtool test rules`` on the generated rule files: each alert fires on series that
break its objective, once its ``for:`` has elapsed, and stays silent on healthy series, on
no traffic and during a short blip."""

from __future__ import annotations

from pathlib import Path

import pytest
from promtool_cases import Case, Fires, needs_promtool, promtool_document, run_promtool

from slo.rules import RuleFile, build_rules
from slo.spec import Resolver, default_spec_path, load_mapping, load_spec

pytestmark = needs_promtool

MAPPING = Path(__file__).parents[3] / "slo" / "criteria" / "mappings" / "gatewayz-backend.yaml"
STEPS = 300  # minutes of input series (1m apart)

HITS = 'catalog_cache_hits_total{gateway="all"}'
MISSES = 'catalog_cache_misses_total{gateway="all"}'
OK = 'http_requests_total{method="GET",path="/models",status="200"}'
TIMEOUT = 'http_requests_total{method="GET",path="/models",status="504"}'
BUCKET = 'http_request_duration_seconds_bucket{method="GET",path="/models",le="%s"}'
EDGES = ("0.1", "0.2", "0.5", "+Inf")
BUSY = 'connection_pool_busy_seconds_total{client_type="%s"}'
SIZE = 'connection_pool_size{client_type="%s"}'
GAUGE = 'connection_pool_utilization{client_type="%s"}'
REPLICA_ERRORS = "read_replica_connection_errors_total"
DB_REPLICA = 'db_queries_total{client_type="replica",table="models"}'
DB_PRIMARY = 'db_queries_total{client_type="primary",table="models"}'
UP = 'up{job="reference_app",instance="127.0.0.1:8000"}'


def per_minute(rate: float, steps: int = STEPS) -> str:
    return f"0+{rate:g}x{steps}"


def flat(value: float, steps: int = STEPS) -> str:
    return f"{value:g}+0x{steps}"


def healthy() -> dict[str, str]:
    """Every metric present and every objective met: 95% hits, p95 under 0.1 s, pools at
    20%, no 504s, 90% of queries on the replica, the target up."""
    series = {
        HITS: per_minute(95),
        MISSES: per_minute(5),
        OK: per_minute(1000),
        TIMEOUT: per_minute(0),
        REPLICA_ERRORS: per_minute(0),
        DB_REPLICA: per_minute(90),
        DB_PRIMARY: per_minute(10),
        UP: flat(1),
    }
    for edge in EDGES:
        series[BUCKET % edge] = per_minute(1000)
    for pool in ("primary", "replica"):
        series |= {BUSY % pool: per_minute(12), SIZE % pool: flat(1), GAUGE % pool: flat(0.2)}
    return series


def but(**changes: str) -> dict[str, str]:
    """The healthy series with some replaced (keys: the constants' names, lowercased)."""
    series = healthy()
    for key, values in changes.items():
        name = globals()[key.upper()]
        series[name] = values
    return series


def without(*names: str) -> dict[str, str]:
    return {k: v for k, v in healthy().items() if not k.startswith(names)}


def slow_buckets(
    *, under_01: float, under_02: float, under_05: float, total: float
) -> dict[str, str]:
    series = healthy()
    for edge, rate in zip(EDGES, (under_01, under_02, under_05, total), strict=True):
        series[BUCKET % edge] = per_minute(rate)
    return series


def with_(series: dict[str, str], **more: str) -> dict[str, str]:
    return {**series, **more}


def timeouts(rate_504: float, rate_ok: float) -> dict[str, str]:
    return but(timeout=per_minute(rate_504), ok=per_minute(rate_ok))


BLIP_MISSES = "0+5x30 160+50x2 265+5x200"  # minutes 31-33: 50 misses/min instead of 5
BLIP_HITS = "0+95x30 2850+0x2 2850+95x200"  # ... and no hits

STAGING: list[Case] = [
    # The guide's alerts.
    Case(
        name="cache_hit_rate_low_fires_after_15m_below_80_percent",
        series=but(hits=per_minute(60), misses=per_minute(40)),
        alert="CacheHitRateLow",
        silent_at=("15m",),
        fires=(Fires(at="17m", value=0.6),),
    ),
    Case(
        name="cache_hit_rate_low_is_silent_at_95_percent",
        series=healthy(),
        alert="CacheHitRateLow",
        silent_at=("30m", "120m"),
    ),
    Case(
        name="cache_hit_rate_low_is_silent_during_a_3_minute_burst_of_misses",
        series=but(hits=BLIP_HITS, misses=BLIP_MISSES),
        alert="CacheHitRateLow",
        silent_at=("35m", "40m", "45m", "50m"),
    ),
    Case(
        name="cache_hit_rate_low_is_silent_without_traffic",
        series=but(hits=flat(0), misses=flat(0), ok=flat(0)),
        alert="CacheHitRateLow",
        silent_at=("30m",),
    ),
    Case(
        name="cache_hit_rate_low_fires_at_0_percent_when_models_is_served_without_lookups",
        series=but(hits=flat(0), misses=flat(0)),
        alert="CacheHitRateLow",
        fires=(Fires(at="18m", value=0.0),),
    ),
    Case(
        name="connection_pool_saturated_fires_after_5m_above_80_percent",
        series=but(gauge=flat(0.9)) | {GAUGE % "primary": flat(0.9)},
        alert="ConnectionPoolSaturated",
        silent_at=("4m",),
        fires=(Fires(at="6m", value=0.9, labels={"client_type": "primary"}),),
    ),
    Case(
        name="connection_pool_saturated_is_silent_during_a_3_minute_spike",
        series=with_(healthy(), **{GAUGE % "primary": "0.2+0x10 0.95+0x2 0.2+0x100"}),
        alert="ConnectionPoolSaturated",
        silent_at=("12m", "14m", "20m"),
    ),
    Case(
        name="read_replica_errors_fires_after_5m_above_1_per_second",
        series=but(replica_errors=per_minute(120)),
        alert="ReadReplicaErrors",
        # rate(...[5m]) passes 1/s at 3m, once 300 errors are in the window; then 5m more
        silent_at=("7m",),
        fires=(Fires(at="8m", value=2.0),),
    ),
    Case(
        name="read_replica_errors_is_silent_after_one_burst_of_errors",
        series=but(replica_errors="0+0x10 400+0x100"),
        alert="ReadReplicaErrors",
        silent_at=("12m", "14m", "16m", "20m"),
    ),
    # An alert per gating objective.
    Case(
        name="cache_hit_rate_objective_fires_after_10m_at_85_percent",
        series=but(hits=per_minute(85), misses=per_minute(15)),
        alert="CacheHitRateObjectiveFailing",
        silent_at=("10m",),
        fires=(Fires(at="12m", value=0.85),),
    ),
    Case(
        name="cache_hit_rate_objective_is_silent_under_100_lookups",
        series=but(hits=per_minute(0.85), misses=per_minute(0.15)),
        alert="CacheHitRateObjectiveFailing",
        silent_at=("30m",),
    ),
    Case(
        name="latency_objective_fires_when_p95_of_models_exceeds_200ms",
        series=slow_buckets(under_01=0, under_02=10, under_05=100, total=100),
        alert="LatencyP95ObjectiveFailing",
        silent_at=("9m",),
        fires=(Fires(at="14m", value=0.2 + 0.3 * 85 / 90),),
    ),
    Case(
        name="latency_objective_is_silent_when_p95_is_under_100ms",
        series=healthy(),
        alert="LatencyP95ObjectiveFailing",
        silent_at=("30m",),
    ),
    Case(
        name="primary_pool_objective_fires_at_60_percent_busy_time",
        series=with_(healthy(), **{BUSY % "primary": per_minute(36)}),
        alert="PrimaryPoolUtilizationObjectiveFailing",
        silent_at=("12m",),
        fires=(Fires(at="40m", value=0.6),),
    ),
    Case(
        name="replica_pool_objective_fires_at_80_percent_busy_time",
        series=with_(healthy(), **{BUSY % "replica": per_minute(48)}),
        alert="ReplicaPoolUtilizationObjectiveFailing",
        silent_at=("12m",),
        fires=(Fires(at="40m", value=0.8),),
    ),
    Case(
        name="timeout_objective_fires_at_1_percent_504s",
        series=timeouts(10, 990),
        alert="TimeoutErrorRateObjectiveFailing",
        silent_at=("9m",),
        fires=(Fires(at="14m", value=0.01),),
    ),
    Case(
        name="timeout_objective_is_silent_when_no_504_series_exists",
        series=without(TIMEOUT),
        alert="TimeoutErrorRateObjectiveFailing",
        silent_at=("30m",),
    ),
    Case(
        name="no_timeouts_objective_fires_on_a_single_504",
        series=but(timeout="0+0x30 1+0x100"),
        alert="NoTimeoutErrors48hObjectiveFailing",
        silent_at=("30m",),
        # one 504 among the 32001 requests of the last hour (the series began 32m ago)
        fires=(Fires(at="32m", value=1 / 32001),),
    ),
    # Multi-window multi-burn-rate alerts: 2% of 504s burns a 0.1% budget 20x.
    Case(
        name="timeout_burn_pages_within_minutes_then_tickets_within_hours",
        series=timeouts(20, 980),
        alert="TimeoutErrorRateErrorBudgetBurn",
        silent_at=("2m",),
        fires=(
            Fires(at="5m", value=0.02, match={"long_window": "1h"}),
            Fires(at="20m", value=0.02, match={"long_window": "1h"}),
            Fires(at="20m", value=0.02, match={"long_window": "6h"}),
            Fires(at="65m", value=0.02, match={"long_window": "1h"}),
            Fires(at="65m", value=0.02, match={"long_window": "6h"}),
            Fires(at="65m", value=0.02, match={"long_window": "1d"}),
        ),
    ),
    Case(
        name="timeout_burn_is_silent_when_a_burst_of_504s_is_small_against_the_hour",
        series=but(timeout="0+0x60 300+0x200"),
        alert="TimeoutErrorRateErrorBudgetBurn",
        silent_at=("62m", "64m", "70m"),
    ),
    Case(
        name="cache_miss_budget_burn_pages_at_6x_but_cannot_burn_14x_a_10_percent_budget",
        series=but(hits=per_minute(30), misses=per_minute(70)),
        alert="CacheHitRateErrorBudgetBurn",
        silent_at=("10m",),
        fires=(Fires(at="20m", value=0.7, match={"long_window": "6h"}),),
    ),
    # A silent exporter pages.
    Case(
        name="absent_alert_fires_10m_after_the_latency_histogram_disappears",
        series=without("http_request_duration_seconds_bucket"),
        alert="SloMetricAbsent",
        silent_at=("9m",),
        fires=(
            Fires(
                at="11m",
                value=1,
                match={"metric": "http_request_duration_seconds_bucket"},
            ),
        ),
    ),
    Case(
        name="absent_alert_is_silent_when_pools_export_only_the_fallback_gauge",
        series=without("connection_pool_busy_seconds_total", "connection_pool_size"),
        alert="SloMetricAbsent",
        silent_at=("30m",),
    ),
    Case(
        name="absent_alert_fires_when_no_pool_metric_is_exported",
        series=without("connection_pool"),
        alert="SloMetricAbsent",
        fires=(
            Fires(
                at="11m",
                value=1,
                match={"objective": "primary_pool_utilization,replica_pool_utilization"},
            ),
        ),
    ),
]

PRODUCTION: list[Case] = [
    Case(
        name="uptime_burn_pages_minutes_after_the_target_goes_down",
        series=with_(healthy(), **{UP: "1+0x60 0+0x100"}),
        alert="UptimeErrorBudgetBurn",
        silent_at=("60m",),
        # 4 of the last hour's 61 scrapes were down
        fires=(Fires(at="64m", value=4 / 61, match={"long_window": "1h"}),),
    ),
    Case(
        name="uptime_objective_fires_10m_after_the_target_goes_down",
        series=with_(healthy(), **{UP: "1+0x60 0+0x100"}),
        alert="UptimeObjectiveFailing",
        silent_at=("69m",),
        fires=(Fires(at="72m", value=0.0),),
    ),
    Case(
        name="replica_share_objective_fires_when_the_replica_takes_5_percent",
        series=with_(healthy(), **{DB_REPLICA: per_minute(5), DB_PRIMARY: per_minute(95)}),
        alert="ReplicaQueryShareObjectiveFailing",
        silent_at=("9m",),
        fires=(Fires(at="14m", value=0.05),),
    ),
    Case(
        name="sustained_cache_objective_fires_as_soon_as_the_day_drops_to_90_percent",
        series=but(hits=per_minute(85), misses=per_minute(15)),
        alert="CacheHitRateObjectiveFailing",
        fires=(Fires(at="5m", value=0.85),),
    ),
]

GATEWAYZ: list[Case] = [
    Case(
        name="mapped_primary_pool_objective_falls_back_to_the_ratio_gauge",
        series={
            'connection_pool_utilization_ratio{pool_name="primary"}': flat(0.6),
            'http_requests_total{endpoint="/models",status_code="200"}': per_minute(100),
        },
        alert="PrimaryPoolUtilizationObjectiveFailing",
        silent_at=("9m",),
        fires=(Fires(at="14m", value=0.6),),
    ),
    Case(
        name="mapped_pool_saturated_reads_pool_name",
        series={'connection_pool_utilization_ratio{pool_name="primary"}': flat(0.9)},
        alert="ConnectionPoolSaturated",
        fires=(Fires(at="6m", value=0.9, labels={"pool_name": "primary"}),),
    ),
]


@pytest.fixture(scope="module")
def rule_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, RuleFile]]:
    spec = load_spec(default_spec_path())
    mapped = Resolver(spec.metrics).merged(load_mapping(MAPPING).metrics)
    made = {
        "staging": build_rules(spec, "staging", Resolver(spec.metrics)),
        "production": build_rules(spec, "production", Resolver(spec.metrics)),
        "gatewayz": build_rules(spec, "staging", mapped),
    }
    folder = tmp_path_factory.mktemp("rules")
    found = {}
    for name, rules in made.items():
        path = folder / f"{name}.yml"
        path.write_text(rules.text(), encoding="utf-8")
        found[name] = (path, rules)
    return found


CASES = (
    [("staging", c) for c in STAGING]
    + [("production", c) for c in PRODUCTION]
    + [("gatewayz", c) for c in GATEWAYZ]
)


@pytest.mark.parametrize(("rules", "case"), CASES, ids=[c.name for _, c in CASES])
def test_alert(
    rule_files: dict[str, tuple[Path, RuleFile]], tmp_path: Path, rules: str, case: Case
) -> None:
    path, generated = rule_files[rules]
    result = run_promtool(tmp_path, promtool_document(path, generated, case))
    assert result.returncode == 0, result.stdout + result.stderr
