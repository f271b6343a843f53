"""``promtool test rules`` on the generated rule files: each alert fires on series that
break its objective, once its ``for:`` has elapsed, and stays silent on healthy series, on
no traffic and during a short blip."""

from __future__ import annotations

from pathlib import Path

import pytest
from promtool_cases import (
    ESCALATION_BASELINE,
    Case,
    Fires,
    needs_promtool,
    promtool_document,
    run_promtool,
)

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


# The escalation profile (the guide's "Rollback immediately if"), with a baseline report
# whose error rate was 1%: each alert pages with the rollback runbook. Its series are 15s
# apart, so a 1m window always holds several samples.
ESC_STEP = 15  # seconds between samples; every rate below is per minute
ESC_STEPS = 160  # 40 minutes
ESC_OK = 'http_requests_total{method="GET",path="/models",status="200"}'
ESC_ERRORS = 'http_requests_total{method="GET",path="/models",status="500"}'
ESC_BUCKET = 'http_request_duration_seconds_bucket{method="GET",path="/models",le="%s"}'
ESC_EDGES = ("0.1", "1", "2.5", "5", "+Inf")
ESC_HITS = 'catalog_cache_hits_total{gateway="all"}'
ESC_MISSES = 'catalog_cache_misses_total{gateway="all"}'
ESC_CONNECTION_ERRORS = "read_replica_connection_errors_total"
ESC_REPLICA_OK = 'read_replica_queries_total{status="success",table="models"}'
ESC_REPLICA_FAILED = 'read_replica_queries_total{status="error",table="models"}'


def phases(*parts: tuple[float, float]) -> str:
    """A counter rising at each ``(per-minute rate, minutes)`` in turn, 15s apart."""
    per_step = 60 // ESC_STEP
    values, at, steps = [], 0.0, 0
    for rate, minutes in parts:
        n = round(minutes * per_step)
        step = rate / per_step
        values.append(f"{at:g}+{step:g}x{n}" if not values else f"{at + step:g}+{step:g}x{n - 1}")
        at += step * n
        steps += n
    assert steps <= ESC_STEPS
    return " ".join(values)


def steady(rate: float) -> str:
    return phases((rate, ESC_STEPS / 4))


def escalation_healthy() -> dict[str, str]:
    """1% of 1000 requests a minute fail (the baseline's rate), every response under 0.1 s,
    95% cache hits, the replica answering without errors."""
    series = {
        ESC_OK: steady(990),
        ESC_ERRORS: steady(10),
        ESC_HITS: steady(950),
        ESC_MISSES: steady(50),
        ESC_CONNECTION_ERRORS: steady(0),
        ESC_REPLICA_OK: steady(900),
        ESC_REPLICA_FAILED: steady(0),
    }
    for edge in ESC_EDGES:
        series[ESC_BUCKET % edge] = steady(1000)
    return series


def escalation_but(**changes: str) -> dict[str, str]:
    """The healthy escalation series with some replaced (keys: the ``ESC_`` names)."""
    series = escalation_healthy()
    for key, values in changes.items():
        series[globals()[f"ESC_{key.upper()}"]] = values
    return series


def slow_from_minute_10(slow_minutes: float, rate: float = 1000) -> dict[str, str]:
    """From minute 10, every /models response takes 2.5-5 s for ``slow_minutes``, then
    responses are fast again; ``rate`` responses a minute throughout."""
    rest = ESC_STEPS / 4 - 10 - slow_minutes
    fast = phases((rate, 10), (0, slow_minutes), (rate, rest))
    slow = phases((rate, 10), (rate, slow_minutes), (rate, rest))
    series = escalation_healthy()
    for edge in ESC_EDGES:
        series[ESC_BUCKET % edge] = fast if edge in ("0.1", "1", "2.5") else slow
    return series


ESCALATION: list[Case] = [
    # Response times >2s for >5 minutes: the 1m P95 at 2 s or more at every evaluation for
    # 5m. Slow responses start in the 15s after minute 10; the 1m P95 is above 2 s from the
    # first evaluation that sees them (10m15s), so the alert fires 5m later.
    Case(
        name="escalation_response_time_fires_after_5_minutes_at_2s_or_more",
        series=slow_from_minute_10(20),
        alert="ResponseTimeOver2s5minObjectiveFailing",
        silent_at=("10m", "15m"),
        # every observation in the (2.5, 5] bucket: 2.5 + 2.5 x 0.95
        fires=(Fires(at="15m15s", value=4.875),),
        interval="15s",
    ),
    Case(
        name="escalation_response_time_is_silent_during_4_slow_minutes",
        series=slow_from_minute_10(4),
        alert="ResponseTimeOver2s5minObjectiveFailing",
        silent_at=("14m45s", "15m15s", "16m", "20m"),
        interval="15s",
    ),
    Case(
        name="escalation_response_time_is_silent_under_5_requests_a_minute",
        series=slow_from_minute_10(20, rate=4),
        alert="ResponseTimeOver2s5minObjectiveFailing",
        silent_at=("16m", "25m"),
        interval="15s",
    ),
    Case(
        name="escalation_response_time_is_silent_when_responses_are_fast",
        series=escalation_healthy(),
        alert="ResponseTimeOver2s5minObjectiveFailing",
        silent_at=("16m", "30m"),
        interval="15s",
    ),
    # Cache completely failing: no hit in 5m while /models served at least 20 requests.
    Case(
        name="escalation_cache_fires_once_5_minutes_pass_without_a_hit",
        series=escalation_but(hits=phases((950, 10), (0, 30))),
        alert="CacheCompletelyFailingObjectiveFailing",
        silent_at=("10m", "14m45s"),
        fires=(Fires(at="15m", value=0.0), Fires(at="30m", value=0.0)),
        interval="15s",
    ),
    Case(
        name="escalation_cache_is_silent_at_1_percent_hits",
        series=escalation_but(hits=steady(10), misses=steady(990)),
        alert="CacheCompletelyFailingObjectiveFailing",
        silent_at=("15m", "30m"),
        interval="15s",
    ),
    Case(
        name="escalation_cache_is_silent_under_20_models_requests_in_5_minutes",
        series=escalation_but(hits=steady(0), ok=steady(2), errors=steady(1)),
        alert="CacheCompletelyFailingObjectiveFailing",
        silent_at=("15m", "30m"),
        interval="15s",
    ),
    Case(
        name="escalation_cache_without_a_hits_series_has_no_value",
        series={k: v for k, v in escalation_healthy().items() if k != ESC_HITS},
        alert="CacheCompletelyFailingObjectiveFailing",
        silent_at=("15m", "30m"),
        interval="15s",
    ),
    Case(
        name="escalation_cache_without_a_hits_series_pages_as_absent",
        series={k: v for k, v in escalation_healthy().items() if k != ESC_HITS},
        alert="SloMetricAbsent",
        silent_at=("9m45s",),
        fires=(Fires(at="10m", value=1, match={"objective": "cache_completely_failing"}),),
        interval="15s",
    ),
    Case(
        name="escalation_cache_is_silent_when_hits_are_counted",
        series=escalation_healthy(),
        alert="CacheCompletelyFailingObjectiveFailing",
        silent_at=("15m", "30m"),
        interval="15s",
    ),
    # Read replica causing errors: any connection error or failed replica query in 5m.
    Case(
        name="escalation_replica_fires_on_one_failed_replica_query",
        series=escalation_but(replica_failed=phases((0, 10), (4, 0.25), (0, 29.75))),
        alert="ReadReplicaCausingErrorsObjectiveFailing",
        silent_at=("10m", "15m15s", "20m"),
        fires=(Fires(at="10m15s", value=1), Fires(at="15m", value=1)),
        interval="15s",
    ),
    Case(
        name="escalation_replica_fires_on_connection_errors",
        series=escalation_but(connection_errors=phases((0, 10), (4, 30))),
        alert="ReadReplicaCausingErrorsObjectiveFailing",
        silent_at=("10m",),
        fires=(Fires(at="10m15s", value=1), Fires(at="20m", value=20)),
        interval="15s",
    ),
    Case(
        name="escalation_replica_fires_without_a_connection_error_series",
        series={
            k: v
            for k, v in escalation_but(
                replica_failed=phases((0, 10), (4, 0.25), (0, 29.75))
            ).items()
            if k != ESC_CONNECTION_ERRORS
        },
        alert="ReadReplicaCausingErrorsObjectiveFailing",
        silent_at=("10m",),
        fires=(Fires(at="10m15s", value=1),),
        interval="15s",
    ),
    Case(
        name="escalation_replica_is_silent_when_no_error_is_counted",
        series=escalation_healthy(),
        alert="ReadReplicaCausingErrorsObjectiveFailing",
        silent_at=("10m", "30m"),
        interval="15s",
    ),
    # Error rate increases >5%: above the baseline's 1% plus 5 points, over 5m. From minute
    # 10, 10% of requests fail; with k of the window's 20 intervals at 10%, the window's
    # rate is 1% + 0.45% x k, over 6% from k = 12 (minute 13).
    Case(
        name="escalation_error_rate_fires_above_the_baseline_plus_5_points",
        series=escalation_but(ok=phases((990, 10), (900, 30)), errors=phases((10, 10), (100, 30))),
        alert="ErrorRateIncrease5pctObjectiveFailing",
        silent_at=("10m", "12m45s"),
        fires=(Fires(at="13m", value=0.064), Fires(at="20m", value=0.1)),
        interval="15s",
    ),
    Case(
        name="escalation_error_rate_is_silent_4_points_above_the_baseline",
        series=escalation_but(ok=steady(950), errors=steady(50)),
        alert="ErrorRateIncrease5pctObjectiveFailing",
        silent_at=("15m", "30m"),
        interval="15s",
    ),
    Case(
        name="escalation_error_rate_is_silent_under_20_requests_in_5_minutes",
        series=escalation_but(ok=steady(2), errors=steady(1)),
        alert="ErrorRateIncrease5pctObjectiveFailing",
        silent_at=("15m", "30m"),
        interval="15s",
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
        "escalation": build_rules(
            spec, "escalation", Resolver(spec.metrics), baseline=ESCALATION_BASELINE
        ),
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
    + [("escalation", c) for c in ESCALATION]
)


@pytest.mark.parametrize(("rules", "case"), CASES, ids=[c.name for _, c in CASES])
def test_alert(
    rule_files: dict[str, tuple[Path, RuleFile]], tmp_path: Path, rules: str, case: Case
) -> None:
    path, generated = rule_files[rules]
    result = run_promtool(tmp_path, promtool_document(path, generated, case))
    assert result.returncode == 0, result.stdout + result.stderr
