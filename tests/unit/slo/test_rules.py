"""``slo rules``: what the generated rule file holds, checked without a Prometheus server."""

from __future__ import annotations

import argparse
import math
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from golden_files import GOLDEN, check_golden
from promtool_cases import ESCALATION_BASELINE, PROMTOOL, needs_promtool

from reports import Verdict, write_json
from slo.cli import generate
from slo.cli.parser import _Parser
from slo.errors import SloError
from slo.evaluate import SpecConfig, Window, evaluate
from slo.query import Increase, Query, RawSample
from slo.rules import (
    ESCALATION,
    BaselineValues,
    Limit,
    RuleFile,
    RuleSettings,
    build_rules,
    limit_of,
)
from slo.rules.runbooks import RUNBOOKS
from slo.slis import SliDef, build_sli
from slo.sources import QuerySource
from slo.spec import Resolver, Spec, default_spec_path, load_mapping, load_spec
from slo.spec.models import Baseline

ROOT = Path(__file__).parents[3]
MAPPING = ROOT / "slo" / "criteria" / "mappings" / "gatewayz-backend.yaml"
EVERY_KIND = Path(__file__).parent / "specs" / "good" / "every_kind.yaml"


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec(default_spec_path())


def rules_of(
    spec: Spec,
    profile: str,
    mapping: Path | None = None,
    baseline: BaselineValues | None = None,
) -> RuleFile:
    resolver = Resolver(spec.metrics)
    if mapping is not None:
        resolver = resolver.merged(load_mapping(mapping).metrics)
    return build_rules(spec, profile, resolver, origin="phase1.yaml", baseline=baseline)


SHIPPED = load_spec(default_spec_path())
PROFILES = list(SHIPPED.profiles)
#: A baseline report's values for every objective judged against a baseline, any profile.
EVERY_BASELINE = BaselineValues(
    label="before.json",
    values={
        o.id: {"ratio": 0.02, "seconds": 0.15}.get(o.unit, 12.0)
        for p in SHIPPED.profiles.values()
        for o in p.objectives
        if o.baseline is not None
    },
)


def run_cli(argv: list[str]) -> int:
    """The ``slo`` parser with the generate subcommands (as the CLI wires them)."""
    parser = _Parser(prog="slo")
    subs = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    generate.add_rules_parser(subs)
    generate.add_dashboard_parser(subs)
    try:
        args: argparse.Namespace = parser.parse_args(argv)
        return int(args.handler(args))
    except SloError as exc:
        return exc.exit_code
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 3


@pytest.mark.parametrize("profile", ["staging", "production"])
def test_the_rule_file_matches_its_golden_file(spec: Spec, profile: str) -> None:
    check_golden(f"rules-{profile}.yml", rules_of(spec, profile).text())


def test_the_mapped_rule_file_matches_its_golden_file(spec: Spec) -> None:
    check_golden("rules-staging-gatewayz.yml", rules_of(spec, "staging", MAPPING).text())


def test_the_escalation_rule_file_matches_its_golden_file(spec: Spec) -> None:
    rules = rules_of(spec, "escalation", baseline=ESCALATION_BASELINE)
    check_golden("rules-escalation.yml", rules.text())


# Every profile of the shipped spec, with the contract's names and the gatewayz mapping,
# without and with a baseline report.
GENERATED = [
    (profile, mapping, baseline)
    for profile in PROFILES
    for mapping in (None, MAPPING)
    for baseline in (None, EVERY_BASELINE)
]


@needs_promtool
@pytest.mark.parametrize(
    ("profile", "mapping", "baseline"),
    GENERATED,
    ids=[f"{p}-{m.stem if m else 'contract'}{'-baseline' if b else ''}" for p, m, b in GENERATED],
)
def test_promtool_accepts_every_generated_rule_file(
    spec: Spec,
    tmp_path: Path,
    profile: str,
    mapping: Path | None,
    baseline: BaselineValues | None,
) -> None:
    path = tmp_path / "rules.yml"
    path.write_text(rules_of(spec, profile, mapping, baseline).text(), encoding="utf-8")
    result = _promtool_check(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_profile_of_the_shipped_spec_is_checked() -> None:
    assert len(PROFILES) == 9
    assert {"promotion", "rollout-cache", "rollout-replica", "escalation"} <= set(PROFILES)
    assert "rollback-verified" in PROFILES


@needs_promtool
def test_promtool_accepts_every_golden_rule_file() -> None:
    files = sorted(GOLDEN.glob("rules-*.yml"))
    assert len(files) == 4
    result = _promtool_check(*files)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_promtool_accepts_rules_for_every_sli_kind(tmp_path: Path) -> None:
    every = load_spec(EVERY_KIND)
    rules = build_rules(every, "all", Resolver(every.metrics))
    path = tmp_path / "rules.yml"
    path.write_text(rules.text(), encoding="utf-8")
    assert _promtool_check(path).returncode == 0
    assert 'api_requests_total{job="api"' in rules.text()  # the mapping's extra matcher


def _promtool_check(*paths: Path) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL is not None
    return subprocess.run(
        [PROMTOOL, "check", "rules", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_guide_alerts_keep_its_thresholds_and_for_durations(spec: Spec) -> None:
    alerts = {a.alert: a for a in rules_of(spec, "staging").alerts}
    assert alerts["CacheHitRateLow"].expr == "slo:cache_hit_rate:rate10m < 0.8"
    assert alerts["CacheHitRateLow"].for_ == "15m"
    assert alerts["ConnectionPoolSaturated"].expr == (
        'connection_pool_utilization{client_type="primary"} > 0.8'
    )
    assert alerts["ConnectionPoolSaturated"].for_ == "5m"
    assert alerts["ReadReplicaErrors"].expr == (
        "rate(read_replica_connection_errors_total[5m]) > 1"
    )
    assert alerts["ReadReplicaErrors"].for_ == "5m"


def test_the_cache_hit_ratio_divides_by_hits_plus_misses_and_never_by_zero(spec: Spec) -> None:
    recorded = {r.record: r.expr for r in rules_of(spec, "staging").records}
    expr = recorded["slo:cache_hit_rate:rate10m"]
    hits = "sum(increase(catalog_cache_hits_total[10m]))"
    misses = "sum(increase(catalog_cache_misses_total[10m]))"
    assert f"/ (({hits} + {misses}) > 0)" in expr


@pytest.mark.parametrize("profile", ["staging", "production", "month1"])
def test_each_recorded_sli_is_built_from_the_queries_the_gate_runs(
    spec: Spec, profile: str
) -> None:
    rules = rules_of(spec, profile)
    recorded = {r.record: r.expr for r in rules.records}
    resolver = Resolver(spec.metrics)
    checked = 0
    for objective in spec.profiles[profile].objectives:
        sli = build_sli(objective.sli, resolver)
        if not isinstance(sli, SliDef):
            continue
        for record, expr in recorded.items():
            window = record.rsplit(":", 1)[1].removeprefix("rate")
            if record.startswith(f"slo:{objective.id}:rate"):
                assert expr == sli.expression(window).value
                for query in sli.queries(window=window, at=None).values():
                    assert query in expr
                checked += 1
    assert checked >= 5


def test_every_alert_says_what_to_do_and_carries_severity_objective_and_profile(
    spec: Spec,
) -> None:
    for profile in PROFILES:
        for alert in rules_of(spec, profile, baseline=EVERY_BASELINE).alerts:
            assert alert.labels["severity"] in ("page", "ticket"), alert.alert
            assert alert.labels["profile"] == profile
            assert alert.labels["objective"]
            assert set(alert.annotations) == {"summary", "description", "runbook"}
            assert all(len(text) > 20 for text in alert.annotations.values()), alert.alert


def test_runbooks_carry_the_guides_rollback_switches(spec: Spec) -> None:
    alerts = {a.alert: a for a in rules_of(spec, "staging").alerts}
    assert "delete REDIS_URL" in alerts["CacheHitRateLow"].annotations["runbook"]
    assert "redis-cli ping" in alerts["CacheHitRateLow"].annotations["runbook"]
    assert "SUPABASE_READ_REPLICA_URL" in alerts["ReadReplicaErrors"].annotations["runbook"]
    assert "git revert" in alerts["TimeoutErrorRateObjectiveFailing"].annotations["runbook"]


def test_every_gating_threshold_objective_has_an_alert(spec: Spec) -> None:
    for profile in PROFILES:
        alerted = {a.labels["objective"] for a in rules_of(spec, profile).alerts}
        for objective in spec.profiles[profile].objectives:
            server = objective.sli.kind != "client"
            if objective.gating and objective.baseline is None and server:
                assert objective.id in alerted, (profile, objective.id)


def test_with_a_baseline_every_gating_server_objective_has_an_alert(spec: Spec) -> None:
    for profile in PROFILES:
        rules = rules_of(spec, profile, baseline=EVERY_BASELINE)
        alerted = {a.labels["objective"] for a in rules.alerts}
        for objective in spec.profiles[profile].objectives:
            if objective.gating and objective.sli.kind != "client":
                assert objective.id in alerted, (profile, objective.id)
        assert "judged against a baseline run" not in rules.text()


def test_burn_rate_tiers_follow_the_workbook_and_skip_those_that_cannot_fire(
    spec: Spec,
) -> None:
    alerts = rules_of(spec, "staging").alerts

    def tiers(name: str) -> list[tuple[str, str, str]]:
        return [
            (a.labels["long_window"], a.labels["short_window"], a.labels["severity"])
            for a in alerts
            if a.alert == name
        ]

    assert tiers("TimeoutErrorRateErrorBudgetBurn") == [
        ("1h", "5m", "page"),
        ("6h", "30m", "page"),
        ("1d", "2h", "ticket"),
        ("3d", "6h", "ticket"),
    ]
    # A 10% miss budget cannot burn 14.4x: 144% of lookups would have to miss.
    assert tiers("CacheHitRateErrorBudgetBurn") == [
        ("6h", "30m", "page"),
        ("1d", "2h", "ticket"),
        ("3d", "6h", "ticket"),
    ]
    burn = next(a for a in alerts if a.alert == "TimeoutErrorRateErrorBudgetBurn")
    assert burn.expr == (
        "(slo:timeout_error_rate:rate1h > (14.4 * 0.001)) and "
        "(slo:timeout_error_rate:rate5m > (14.4 * 0.001))"
    )


def test_the_production_uptime_objective_burns_a_budget_of_one_per_mille(spec: Spec) -> None:
    alerts = rules_of(spec, "production").alerts
    page = next(
        a for a in alerts if a.alert == "UptimeErrorBudgetBurn" and a.labels["long_window"] == "1h"
    )
    assert page.expr == (
        "((1 - slo:uptime:rate1h) > (14.4 * 0.001)) and ((1 - slo:uptime:rate5m) > (14.4 * 0.001))"
    )


def test_every_metric_the_profile_reads_has_an_absent_alert(spec: Spec) -> None:
    absent = " ".join(
        a.expr for a in rules_of(spec, "staging").alerts if a.alert == "SloMetricAbsent"
    )
    for name in (
        "catalog_cache_hits_total",
        "catalog_cache_misses_total",
        "http_requests_total",
        "http_request_duration_seconds_bucket",
        "connection_pool_busy_seconds_total",
        "connection_pool_size",
        "connection_pool_utilization",
    ):
        assert f"absent({name})" in absent


def test_the_mapping_renames_metrics_and_labels_in_every_rule(spec: Spec) -> None:
    text = rules_of(spec, "staging", MAPPING).text()
    assert 'connection_pool_utilization_ratio{pool_name="primary"} > 0.8' in text
    assert 'http_request_duration_seconds_bucket{endpoint="/models"}' in text
    assert 'http_requests_total{status_code=~"499|504"}' in text
    assert 'http_requests_total{endpoint=~"/models.*"}' in text
    assert "client_type=" not in text.replace("db_queries_total{client_type", "")
    assert "path=" not in text and "status=~" not in text


def test_the_load_test_profile_has_only_the_guide_alerts_and_says_why(spec: Spec) -> None:
    rules = rules_of(spec, "load-test")
    assert [a.alert for a in rules.alerts] == [
        "CacheHitRateLow",
        "ConnectionPoolSaturated",
        "ReadReplicaErrors",
    ]
    assert "throughput_rps: from the load generator's statistics" in rules.text()


def test_objectives_without_a_fixed_threshold_are_listed_not_alerted(spec: Spec) -> None:
    rules = rules_of(spec, "staging")
    assert "error_rate_increase: judged against a baseline run" in rules.text()
    assert "error_rate_increase" not in {a.labels["objective"] for a in rules.alerts}


def test_the_rule_file_is_yaml_with_four_groups(spec: Spec) -> None:
    document = yaml.safe_load(rules_of(spec, "staging").text())
    assert [g["name"] for g in document["groups"]] == [
        "slo:staging:recording",
        "slo:staging:guide",
        "slo:staging:objectives",
        "slo:staging:absent",
    ]


def test_slo_rules_writes_the_file_given_with_o(tmp_path: Path, spec: Spec) -> None:
    out = tmp_path / "sub" / "rules.yml"
    assert run_cli(["rules", "--profile", "staging", "-o", str(out)]) == 0
    assert (
        out.read_text()
        == build_rules(
            spec, "staging", Resolver(spec.metrics), origin="the shipped phase1.yaml"
        ).text()
    )


def test_slo_rules_prints_to_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["rules", "--profile", "production"]) == 0
    assert "alert: UptimeObjectiveFailing" in capsys.readouterr().out


def test_slo_rules_with_an_unknown_profile_is_bad_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_cli(["rules", "--profile", "nope"]) == 3


def test_slo_rules_with_a_mapping_file_uses_its_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["rules", "--profile", "staging", "--mapping", str(MAPPING)]) == 0
    assert "connection_pool_utilization_ratio" in capsys.readouterr().out


# ---- The escalation profile: the guide's "Rollback immediately if" ----

ESCALATION_ALERTS = {
    "error_rate_increase_5pct": "ErrorRateIncrease5pctObjectiveFailing",
    "response_time_over_2s_5min": "ResponseTimeOver2s5minObjectiveFailing",
    "cache_completely_failing": "CacheCompletelyFailingObjectiveFailing",
    "read_replica_causing_errors": "ReadReplicaCausingErrorsObjectiveFailing",
}


def escalation(spec: Spec) -> dict[str, dict[str, Any]]:
    """The escalation objectives' alerts by objective id (with the golden's baseline)."""
    rules = rules_of(spec, "escalation", baseline=ESCALATION_BASELINE)
    document = yaml.safe_load(rules.text())
    group = next(g for g in document["groups"] if g["name"] == "slo:escalation:objectives")
    return {rule["labels"]["objective"]: rule for rule in group["rules"]}


def test_each_escalation_criterion_is_one_paging_alert_with_the_rollback_runbook(
    spec: Spec,
) -> None:
    alerts = escalation(spec)
    assert {k: v["alert"] for k, v in alerts.items()} == ESCALATION_ALERTS
    for objective, rule in alerts.items():
        assert rule["labels"] == {
            "profile": "escalation",
            "objective": objective,
            "severity": "page",
        }
        assert rule["annotations"]["runbook"] == RUNBOOKS["rollback"]
        assert rule["annotations"]["summary"].startswith("Rollback immediately (escalation): ")


def test_the_rollback_runbook_quotes_the_guides_quick_rollback_and_verification() -> None:
    runbook = RUNBOOKS["rollback"]
    for step in (
        "deleting the REDIS_URL variable",
        "`redis-cli FLUSHDB`",
        "falls back to normal database queries",
        "deleting the SUPABASE_READ_REPLICA_URL variable",
        "falls back to the primary database",
        "`git revert c0ae3f1f` (read replica)",
        "`git revert 61dccd8b` (response caching)",
        "Rollback Verification: `curl <service>/health`",
        "`curl <service>/metrics | grep catalog_cache` returns nothing",
        "`curl <service>/metrics | grep http_requests_total`",
        "error rates remain stable or improve",
        "`slo check --profile rollback-verified`",
    ):
        assert step in runbook, step


def test_escalation_alerts_judge_5m_windows_and_the_latency_run_for_5m(spec: Spec) -> None:
    alerts = escalation(spec)
    expr = {k: v["expr"] for k, v in alerts.items()}
    assert expr["response_time_over_2s_5min"] == (
        "(slo:response_time_over_2s_5min:rate1m >= 2) and on() "
        "(slo:response_time_over_2s_5min:requests1m >= 5)"
    )
    assert expr["cache_completely_failing"] == (
        "(slo:cache_completely_failing:rate5m <= 0) and on() "
        "(slo:cache_completely_failing:requests5m >= 20)"
    )
    assert expr["read_replica_causing_errors"] == (
        "slo:read_replica_causing_errors:increase5m != 0"
    )
    assert expr["error_rate_increase_5pct"] == (
        "(slo:error_rate_increase_5pct:rate5m > 0.06) and on() "
        "(slo:error_rate_increase_5pct:requests5m >= 20)"
    )
    # "for > 5 minutes" is Prometheus' for: (continuously true); the rest fire at once,
    # as `slo watch` trips on its first failing tick.
    assert {k: v.get("for") for k, v in alerts.items()} == {
        "error_rate_increase_5pct": None,
        "response_time_over_2s_5min": "5m",
        "cache_completely_failing": None,
        "read_replica_causing_errors": None,
    }


def test_escalation_records_the_gates_expressions(spec: Spec) -> None:
    recorded = {r.record: r.expr for r in rules_of(spec, "escalation").records}
    resolver = Resolver(spec.metrics)
    for objective in spec.profiles["escalation"].objectives:
        sli = build_sli(objective.sli, resolver)
        window = "1m" if objective.sustained else "5m"
        found = [e for name, e in recorded.items() if name.startswith(f"slo:{objective.id}:")]
        if objective.baseline is not None:
            assert found == []  # no alert without --baseline, so nothing recorded
            continue
        assert sli.expression(window).value in found
    replica = recorded["slo:read_replica_causing_errors:increase5m"]
    assert "sum(increase(read_replica_connection_errors_total[5m])) or vector(0)" in replica
    assert 'sum(increase(read_replica_queries_total{status="error"}[5m])) or vector(0)' in replica


def test_the_escalation_descriptions_state_the_limit_and_the_run(spec: Spec) -> None:
    alerts = escalation(spec)
    text = {k: v["annotations"]["description"] for k, v in alerts.items()}
    assert (
        "over 5m with at least 20 events; the objective is no increase: <= 6% (the "
        in (text["error_rate_increase_5pct"])
    )
    assert (
        "(the baseline 1% in before/report.json + the tolerance 5%)"
        in (text["error_rate_increase_5pct"])
    )
    assert (
        "over 1m with at least 5 events, and broke the objective at every evaluation for 5m "
        "(its 5 slices of 1m in a row); the objective is < 2000 ms"
    ) in text["response_time_over_2s_5min"]
    assert (
        "over 5m with at least 20 events; the objective is > 0%"
        in (text["cache_completely_failing"])
    )
    assert "over 5m; the objective is == 0" in text["read_replica_causing_errors"]


def test_without_a_baseline_the_error_rate_criterion_is_left_out_with_how_to_get_it(
    spec: Spec,
) -> None:
    rules = rules_of(spec, "escalation")
    assert "error_rate_increase_5pct" not in {
        a.labels["objective"] for a in rules.alerts if a.alert != "SloMetricAbsent"
    }
    assert (
        "#   error_rate_increase_5pct: judged against a baseline run, no fixed threshold; "
        "`slo rules --baseline report.json` (a report of the baseline run) alerts on it\n"
    ) in rules.text()
    # The three others need no baseline.
    assert {a.labels["objective"] for a in rules.alerts} >= {
        "response_time_over_2s_5min",
        "cache_completely_failing",
        "read_replica_causing_errors",
    }


def test_a_baseline_report_without_the_objectives_value_is_noted(spec: Spec) -> None:
    for values in ({}, {"error_rate_increase_5pct": None}, {"error_rate_increase_5pct": math.nan}):
        baseline = BaselineValues(label="other.json", values=values)
        rules = rules_of(spec, "escalation", baseline=baseline)
        assert "ErrorRateIncrease5pctObjectiveFailing" not in {a.alert for a in rules.alerts}
        assert "error_rate_increase_5pct: judged against a baseline run; other.json has " in (
            rules.text()
        )
        assert "#   error_rate_increase_5pct:" in rules.text()


@pytest.mark.parametrize(
    ("rule", "value", "comparator", "threshold"),
    [
        (Baseline(comparison="no_increase", tolerance=0.05), 0.01, "<=", 0.06),
        (Baseline(comparison="no_increase", tolerance=0.05, relative=True), 0.02, "<=", 0.021),
        (Baseline(comparison="reduced", tolerance=0.01), 0.2, "<", 0.19),
        (Baseline(comparison="reduced"), 0.2, "<", 0.2),
        (Baseline(comparison="increased", tolerance=0.1), 0.5, ">", 0.6),
        (Baseline(comparison="improved", better="lower", tolerance=0.5, relative=True), 4, "<", 2),
        (Baseline(comparison="improved", better="higher"), 0.5, ">", 0.5),
    ],
)
def test_a_baseline_value_becomes_the_gates_threshold(
    spec: Spec, rule: Baseline, value: float, comparator: str, threshold: float
) -> None:
    """The gate passes ``no_increase`` at ``<= baseline + tolerance``, ``reduced`` (and
    ``improved`` lower) at ``< baseline - tolerance``, ``increased`` at ``> baseline +
    tolerance``; a relative tolerance is a fraction of the baseline."""
    base = spec.profiles["escalation"].objectives[0]
    objective = base.model_copy(update={"baseline": rule})
    limit = limit_of(objective, BaselineValues(label="b.json", values={base.id: value}))
    assert isinstance(limit, Limit)
    assert (limit.comparator, limit.threshold, limit.from_baseline) == (
        comparator,
        pytest.approx(threshold),
        True,
    )


def test_baseline_thresholds_get_no_burn_rate_alerts(spec: Spec) -> None:
    rules = rules_of(spec, "staging", baseline=EVERY_BASELINE)
    alerts = [a for a in rules.alerts if a.labels["objective"] == "error_rate_increase"]
    assert [a.alert for a in alerts] == ["ErrorRateIncreaseObjectiveFailing"]
    assert alerts[0].expr.startswith("(slo:error_rate_increase:rate10m > 0.021) and on() ")
    assert alerts[0].for_ == "10m"
    assert "#   error_rate_increase: no increase: <= 2.1% (the baseline 2% in before.json" in (
        rules.text()
    )


def test_increase_objectives_without_a_value_page_only_when_every_counter_is_absent(
    spec: Spec,
) -> None:
    absent = [a for a in rules_of(spec, "escalation").alerts if a.alert == "SloMetricAbsent"]
    replica = next(a for a in absent if a.labels["objective"] == "read_replica_causing_errors")
    assert replica.expr == (
        "absent(read_replica_connection_errors_total) and on() absent(read_replica_queries_total)"
    )


def test_metrics_whose_absence_is_expected_get_no_absent_alert(spec: Spec) -> None:
    rules = rules_of(spec, "rollback-verified")
    absent = [a for a in rules.alerts if a.alert == "SloMetricAbsent"]
    assert "catalog_cache" not in " ".join(a.expr for a in absent)
    assert all("cache_metrics_frozen" not in a.labels["objective"] for a in absent)
    frozen = next(a for a in rules.alerts if a.labels["objective"] == "cache_metrics_frozen")
    assert frozen.expr == "slo:cache_metrics_frozen:increase10m != 0"
    assert "#   cache_metrics_frozen: == 0" in rules.text()


class OnePercentErrors(QuerySource):
    """Every counter rose by 1000 over the window, the 5xx/499 ones by 12 (a 1.2% error
    rate); histograms and gauges have no series."""

    kind = "fake"
    description = "fake"

    def read(self, query: Query, start: float, end: float) -> list[RawSample]:
        if not isinstance(query, Increase) or query.by:
            return []
        errors = "5..|499" in query.selector.promql()
        return [RawSample(value=12.0 if errors else 1000.0)]


def test_slo_rules_baseline_reads_the_value_slo_check_measured(
    spec: Spec, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report of `slo check --profile escalation` over the window before the deploy
    holds the error rate measured (its verdict is skipped: it had no baseline itself)."""
    config = SpecConfig(spec=spec, spec_label="phase1.yaml", profile="escalation")
    before = evaluate(config.run(window=Window(start=0, end=3600), source=OnePercentErrors()))
    assert before.objective("error_rate_increase_5pct").verdict == Verdict.SKIPPED
    report = write_json(before, tmp_path / "before")
    assert run_cli(["rules", "--profile", "escalation", "--baseline", str(report)]) == 0
    out = capsys.readouterr().out
    assert "# Baseline: report.json (--baseline)" in out
    assert "(slo:error_rate_increase_5pct:rate5m > 0.062)" in out
    assert "(the baseline 1.2% in report.json + the tolerance 5%)" in out


def test_slo_rules_with_a_bad_baseline_report_is_bad_usage(tmp_path: Path) -> None:
    bad = tmp_path / "report.json"
    bad.write_text("{}", encoding="utf-8")
    assert run_cli(["rules", "--profile", "escalation", "--baseline", str(bad)]) == 3
    assert run_cli(["rules", "--profile", "escalation", "--baseline", str(tmp_path / "no")]) == 3


def test_a_per_second_increase_is_divided_by_the_windows_seconds(spec: Spec) -> None:
    rules = rules_of(spec, "rollout-replica", baseline=EVERY_BASELINE)
    recorded = {r.record: r.expr for r in rules.records}
    assert recorded["slo:primary_db_load_drops:rate10m"] == (
        '((sum(increase(db_queries_total{client_type="primary"}[10m])) or vector(0))) / 600'
    )
    alert = next(a for a in rules.alerts if a.labels["objective"] == "primary_db_load_drops")
    assert alert.expr == "slo:primary_db_load_drops:rate10m >= 12"  # reduced: < baseline


def test_another_objective_reading_an_expected_absent_metric_keeps_its_absent_alert(
    spec: Spec,
) -> None:
    verified = spec.profiles["rollback-verified"]
    hit_rate = spec.profiles["staging"].objectives[0]
    assert hit_rate.id == "cache_hit_rate"
    both = verified.model_copy(update={"objectives": [*verified.objectives, hit_rate]})
    changed = spec.model_copy(update={"profiles": {**spec.profiles, "rollback-verified": both}})
    absent = [
        a for a in rules_of(changed, "rollback-verified").alerts if a.alert == "SloMetricAbsent"
    ]
    cache = [a for a in absent if "catalog_cache_hits_total" in a.expr]
    assert [a.labels["objective"] for a in cache] == ["cache_hit_rate"]


def test_the_escalation_window_is_slo_watchs_default_window() -> None:
    from slo.watch.settings import DEFAULTS

    assert ESCALATION.window == DEFAULTS["window"] == "5m"
    assert ESCALATION.for_ == "0s"
    assert DEFAULTS["failure_limit"] == 1  # the watch trips on its first failing tick


def test_without_the_escalation_settings_a_run_of_slices_still_waits_its_for(spec: Spec) -> None:
    rules = build_rules(
        spec, "escalation", Resolver(spec.metrics), settings=RuleSettings(profiles={})
    )
    alerts = {a.labels["objective"]: a for a in rules.alerts if a.alert != "SloMetricAbsent"}
    latency = alerts["response_time_over_2s_5min"]
    assert (latency.for_, latency.labels["severity"]) == ("5m", "page")
    assert "slo:response_time_over_2s_5min:rate1m >= 2" in latency.expr
    cache = alerts["cache_completely_failing"]
    assert (cache.for_, cache.labels["severity"]) == ("10m", "page")
    assert "slo:cache_completely_failing:rate10m <= 0" in cache.expr
    assert cache.annotations["runbook"] == RUNBOOKS["cache"]
