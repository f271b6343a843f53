"""``slo rules``: what the generated rule file holds, checked without a Prometheus server."""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

import pytest
import yaml
from golden_files import GOLDEN, check_golden
from promtool_cases import PROMTOOL, needs_promtool

from slo.cli import generate
from slo.cli.parser import _Parser
from slo.errors import SloError
from slo.rules import RuleFile, build_rules
from slo.slis import SliDef, build_sli
from slo.spec import Resolver, Spec, default_spec_path, load_mapping, load_spec

ROOT = Path(__file__).parents[3]
MAPPING = ROOT / "slo" / "criteria" / "mappings" / "gatewayz-backend.yaml"
EVERY_KIND = Path(__file__).parent / "specs" / "good" / "every_kind.yaml"


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec(default_spec_path())


def rules_of(spec: Spec, profile: str, mapping: Path | None = None) -> RuleFile:
    resolver = Resolver(spec.metrics)
    if mapping is not None:
        resolver = resolver.merged(load_mapping(mapping).metrics)
    return build_rules(spec, profile, resolver, origin="phase1.yaml")


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


GENERATED = [
    ("staging", None),
    ("production", None),
    ("month1", None),
    ("load-test", None),
    ("staging", MAPPING),
    ("production", MAPPING),
]


@needs_promtool
@pytest.mark.parametrize(
    ("profile", "mapping"),
    GENERATED,
    ids=[f"{p}-{m.stem if m else 'contract'}" for p, m in GENERATED],
)
def test_promtool_accepts_every_generated_rule_file(
    spec: Spec, tmp_path: Path, profile: str, mapping: Path | None
) -> None:
    path = tmp_path / "rules.yml"
    path.write_text(rules_of(spec, profile, mapping).text(), encoding="utf-8")
    assert _promtool_check(path).returncode == 0, _promtool_check(path).stdout


@needs_promtool
def test_promtool_accepts_every_golden_rule_file() -> None:
    files = sorted(GOLDEN.glob("rules-*.yml"))
    assert len(files) == 3
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
    for profile in ("staging", "production", "month1", "load-test"):
        for alert in rules_of(spec, profile).alerts:
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
    for profile in ("staging", "production", "month1"):
        alerted = {a.labels["objective"] for a in rules_of(spec, profile).alerts}
        for objective in spec.profiles[profile].objectives:
            if objective.gating and objective.baseline is None:
                assert objective.id in alerted, (profile, objective.id)


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
