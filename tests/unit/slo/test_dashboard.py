"""``slo dashboard``: Grafana JSON whose panels query what the gate measures."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from golden_files import check_golden
from test_rules import MAPPING, run_cli

from slo.dashboard import build_dashboard, dashboard_text
from slo.metrics import BUCKET_SUFFIX, CONTRACT, COUNT_SUFFIX, SUM_SUFFIX
from slo.slis import SliDef, build_sli
from slo.spec import Resolver, Spec, default_spec_path, load_mapping, load_spec

GUIDE_PANELS = [
    "Cache hit rate",
    "P95 response time /models",
    "Primary DB pool utilization",
    "Read replica queries per second",
]
# Identifiers followed by `{` or `[` (a selector), or a bare name before `[`.
_SELECTOR = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{|\[)")
_FUNCTIONS = {"vector", "on", "by"}


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec(default_spec_path())


def dashboard(spec: Spec, profile: str, mapping: Path | None = None) -> dict[str, Any]:
    resolver = Resolver(spec.metrics)
    if mapping is not None:
        resolver = resolver.merged(load_mapping(mapping).metrics)
    return build_dashboard(spec, profile, resolver)


def exprs(document: dict[str, Any]) -> list[str]:
    return [t["expr"] for p in document["panels"] for t in p.get("targets", [])]


def metric_names(expr: str) -> set[str]:
    return {name for name in _SELECTOR.findall(expr) if name not in _FUNCTIONS}


@pytest.mark.parametrize("profile", ["staging", "production"])
def test_the_dashboard_matches_its_golden_file(spec: Spec, profile: str) -> None:
    check_golden(f"dashboard-{profile}.json", dashboard_text(dashboard(spec, profile)))


def test_the_dashboard_is_valid_json_with_unique_panel_ids(spec: Spec) -> None:
    document = json.loads(dashboard_text(dashboard(spec, "staging")))
    ids = [p["id"] for p in document["panels"]]
    assert len(ids) == len(set(ids))
    assert document["uid"] == "slo-phase1-staging"


def test_the_datasource_is_a_template_variable_every_query_uses(spec: Spec) -> None:
    document = dashboard(spec, "staging")
    variables = document["templating"]["list"]
    assert [(v["name"], v["type"], v["query"]) for v in variables] == [
        ("datasource", "datasource", "prometheus")
    ]
    for panel in document["panels"]:
        for target in panel.get("targets", []):
            assert target["datasource"]["uid"] == "${datasource}"


def test_the_guides_four_panels_come_first(spec: Spec) -> None:
    titles = [p["title"] for p in dashboard(spec, "staging")["panels"]]
    assert titles[:4] == GUIDE_PANELS


def test_there_is_one_panel_per_objective_after_the_guides(spec: Spec) -> None:
    for profile in ("staging", "production", "load-test"):
        panels = dashboard(spec, profile)["panels"][4:]
        objectives = spec.profiles[profile].objectives
        assert [p["title"].split(":")[0] for p in panels] == [o.id for o in objectives]


@pytest.mark.parametrize("profile", ["staging", "production", "month1"])
def test_each_objective_panel_queries_the_expression_the_gate_uses(
    spec: Spec, profile: str
) -> None:
    resolver = Resolver(spec.metrics)
    panels = dashboard(spec, profile)["panels"][4:]
    for objective, panel in zip(spec.profiles[profile].objectives, panels, strict=True):
        sli = build_sli(objective.sli, resolver)
        assert isinstance(sli, SliDef)
        (target,) = panel["targets"]
        assert target["expr"] == sli.expression("5m").value
        for query in sli.queries(window="5m", at=None).values():
            assert query in target["expr"]


def test_the_guide_panels_use_the_gates_cache_and_latency_expressions(spec: Spec) -> None:
    resolver = Resolver(spec.metrics)
    objectives = {o.id: o for o in spec.profiles["staging"].objectives}
    panels = dashboard(spec, "staging")["panels"]
    for index, objective_id in ((0, "cache_hit_rate"), (1, "latency_p95")):
        sli = build_sli(objectives[objective_id].sli, resolver)
        assert isinstance(sli, SliDef)
        assert panels[index]["targets"][0]["expr"] == sli.expression("5m").value


def test_each_threshold_is_drawn_with_red_on_the_failing_side(spec: Spec) -> None:
    panels = {p["title"].split(":")[0]: p for p in dashboard(spec, "staging")["panels"][4:]}
    cache = panels["cache_hit_rate"]["fieldConfig"]["defaults"]
    assert cache["thresholds"]["steps"] == [
        {"color": "red", "value": None},
        {"color": "green", "value": 0.9},
    ]
    assert cache["custom"]["thresholdsStyle"] == {"mode": "line+area"}
    assert cache["unit"] == "percentunit"
    latency = panels["latency_p95"]["fieldConfig"]["defaults"]
    assert latency["thresholds"]["steps"] == [
        {"color": "green", "value": None},
        {"color": "red", "value": 0.2},
    ]
    assert latency["unit"] == "s"


def test_client_objectives_get_a_text_panel_saying_where_they_are_judged(spec: Spec) -> None:
    panels = dashboard(spec, "load-test")["panels"][4:]
    assert {p["type"] for p in panels} == {"text"}
    assert "load generator" in panels[0]["options"]["content"]


@pytest.mark.parametrize("mapping", [None, MAPPING], ids=["contract", "gatewayz-backend"])
def test_queries_reference_only_metrics_of_the_contract_or_the_mapping(
    spec: Spec, mapping: Path | None
) -> None:
    allowed = {"up"}
    for info in CONTRACT.values():
        allowed |= {info.name} | {info.name + s for s in (BUCKET_SUFFIX, COUNT_SUFFIX, SUM_SUFFIX)}
    if mapping is not None:
        for mapped in load_mapping(mapping).metrics.values():
            allowed |= {mapped.name, mapped.name + BUCKET_SUFFIX}
    for profile in ("staging", "production"):
        names = set().union(*(metric_names(e) for e in exprs(dashboard(spec, profile, mapping))))
        assert names, "no metric found: the name pattern is broken"
        assert names <= allowed, names - allowed


def test_the_mapped_dashboard_reads_the_backends_names(spec: Spec) -> None:
    text = dashboard_text(dashboard(spec, "staging", MAPPING))
    assert 'connection_pool_utilization_ratio{pool_name=\\"primary\\"}' in text
    assert 'endpoint=\\"/models\\"' in text
    assert "path=" not in text


def test_slo_dashboard_writes_json_to_the_file_given_with_o(tmp_path: Path) -> None:
    out = tmp_path / "dashboard.json"
    assert run_cli(["dashboard", "--profile", "production", "-o", str(out)]) == 0
    assert json.loads(out.read_text())["title"] == "SLO phase1 / production"


def test_slo_dashboard_with_a_bad_window_is_bad_usage() -> None:
    assert run_cli(["dashboard", "--profile", "staging", "--window", "soon"]) == 3
