"""The generated rules live in the stack's Prometheus: loaded, evaluated without errors,
and recording the SLIs from the service's own metrics."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from stack_dirs import new_stack_dir

from reference_app.stack import (
    StackInfo,
    StackOptions,
    firing_alerts,
    rule_groups,
    start_stack,
    stop_stack,
)
from slo.rules import RuleFile, build_rules
from slo.spec import Resolver, default_spec_path, load_spec

pytestmark = pytest.mark.timeout(240)
WAIT_SECONDS = 30.0


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RuleFile]:
    spec = load_spec(default_spec_path())
    rules = build_rules(spec, "staging", Resolver(spec.metrics))
    path = tmp_path_factory.mktemp("rules") / "staging.yml"
    path.write_text(rules.text(), encoding="utf-8")
    return path, rules


@pytest.fixture(scope="module")
def ruled_stack(generated: tuple[Path, RuleFile]) -> Iterator[StackInfo]:
    """A small stack (no Redis, no replica: quick to start) whose Prometheus loads the rules."""
    stack_dir = new_stack_dir("stack-rules-")
    options = StackOptions(
        dir=stack_dir, redis=False, replica=False, models=200, rule_files=(generated[0],)
    )
    info = start_stack(options)
    try:
        yield info
    finally:
        stop_stack(stack_dir)


def _until(check: object, what: str) -> None:
    assert callable(check)
    deadline = time.monotonic() + WAIT_SECONDS
    while not check():
        assert time.monotonic() < deadline, f"not {what} after {WAIT_SECONDS:.0f}s"
        time.sleep(0.5)


def test_prometheus_reports_every_generated_group_and_rule_loaded(
    ruled_stack: StackInfo, generated: tuple[Path, RuleFile]
) -> None:
    _, rules = generated
    groups = rule_groups(ruled_stack.prometheus_url)
    loaded = {g["name"]: len(g["rules"]) for g in groups}
    assert loaded == {g.name: len(g.rules) for g in rules.groups if g.rules}
    assert {g["file"] for g in groups} == {str(generated[0].resolve())}


def _wait_evaluated(info: StackInfo) -> None:
    def evaluated() -> bool:
        rules = [r for g in rule_groups(info.prometheus_url) for r in g["rules"]]
        return all(r["health"] != "unknown" for r in rules)

    _until(evaluated, "evaluated")


def test_every_rule_evaluates_without_error_against_the_live_service(
    ruled_stack: StackInfo,
) -> None:
    _wait_evaluated(ruled_stack)
    broken = [
        (r["name"], r.get("lastError"))
        for g in rule_groups(ruled_stack.prometheus_url)
        for r in g["rules"]
        if r["health"] != "ok"
    ]
    assert broken == []


def test_the_recorded_slis_carry_the_services_traffic(ruled_stack: StackInfo) -> None:
    with httpx.Client(base_url=ruled_stack.service_url, timeout=10, trust_env=False) as client:
        for _ in range(20):
            assert client.get("/models", params={"limit": 10}).status_code == 200

    def query(expr: str) -> list[dict[str, object]]:
        response = httpx.get(
            f"{ruled_stack.prometheus_url}/api/v1/query",
            params={"query": expr},
            timeout=5,
            trust_env=False,
        )
        result: list[dict[str, object]] = response.json()["data"]["result"]
        return result

    _until(lambda: query("slo:latency_p95:requests10m > 0"), "recording /models latency")
    # Caching is off in this stack: /models served without lookups is a 0% hit rate.
    _until(lambda: query("slo:cache_hit_rate:rate10m == 0"), "recording a 0% hit rate")


def test_no_metric_absent_alert_is_pending_or_firing_for_the_reference_service(
    ruled_stack: StackInfo,
) -> None:
    _wait_evaluated(ruled_stack)
    response = httpx.get(f"{ruled_stack.prometheus_url}/api/v1/alerts", timeout=5, trust_env=False)
    active = [a["labels"] for a in response.json()["data"]["alerts"]]
    assert [a for a in active if a["alertname"] == "SloMetricAbsent"] == []
    assert all(a.name != "SloMetricAbsent" for a in firing_alerts(ruled_stack.prometheus_url))


def test_with_caching_off_the_guides_cache_alert_goes_pending_live(ruled_stack: StackInfo) -> None:
    with httpx.Client(base_url=ruled_stack.service_url, timeout=10, trust_env=False) as client:
        for _ in range(5):
            assert client.get("/models", params={"limit": 5}).status_code == 200

    def pending() -> bool:
        active = firing_alerts(ruled_stack.prometheus_url, include_pending=True)
        return any(a.name == "CacheHitRateLow" and a.state == "pending" for a in active)

    _until(pending, "pending")
    assert "CacheHitRateLow" not in {a.name for a in firing_alerts(ruled_stack.prometheus_url)}
