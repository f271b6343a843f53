"""``slo rules --format prometheus-operator``: a PrometheusRule resource that the Prometheus
Operator's own CRD schema accepts (vendored in ``vendor/prometheus-operator/``, see its
NOTICE), holding exactly the groups of the plain rule file."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from slo.cli import main
from slo.rules import build_rules, prometheus_rule, prometheus_rule_text
from slo.rules.operator import default_labels, default_name
from slo.spec import Resolver, default_spec_path, load_mapping, load_spec

CRD = Path(__file__).parent / "vendor" / "prometheus-operator"
CRD_FILE = CRD / "monitoring.coreos.com_prometheusrules.yaml"
ROOT = Path(__file__).parents[3]
MAPPING = ROOT / "slo" / "criteria" / "mappings" / "gatewayz-backend.yaml"
SPEC = load_spec(default_spec_path())
# Kubernetes' DNS subdomain rule for metadata.name.
NAME = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"


def _strict(schema: Any) -> Any:
    """The schema rejecting fields it does not name, as the API server does with
    ``fieldValidation=Strict`` (``kubectl apply --validate=strict``); ``metadata`` is
    checked by Kubernetes' own ObjectMeta rules instead."""
    if isinstance(schema, dict):
        found = {k: _strict(v) for k, v in schema.items() if k != "metadata"}
        if "metadata" in schema:
            found["metadata"] = schema["metadata"]
        if "properties" in schema and "additionalProperties" not in schema:
            found["additionalProperties"] = False
        return found
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    return schema


def _schema() -> dict[str, Any]:
    crd = yaml.safe_load(CRD_FILE.read_text(encoding="utf-8"))
    assert (crd["spec"]["group"], crd["spec"]["names"]["kind"]) == (
        "monitoring.coreos.com",
        "PrometheusRule",
    )
    (v1,) = [v for v in crd["spec"]["versions"] if v["name"] == "v1"]
    schema = _strict(copy.deepcopy(v1["schema"]["openAPIV3Schema"]))
    # ``metadata: {type: object}`` in the CRD; the name rule is ObjectMeta's.
    schema["properties"]["metadata"] = {
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string", "pattern": NAME, "maxLength": 253}},
    }
    return schema


VALIDATOR = Draft7Validator(_schema())


def problems(resource: dict[str, Any]) -> list[str]:
    """Schema errors, plus the CRD's list-map rule: group names are unique."""
    found = [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in VALIDATOR.iter_errors(resource)
    ]
    names = [g.get("name") for g in resource.get("spec", {}).get("groups", [])]
    if len(names) != len(set(names)):
        found.append(f"spec.groups: duplicate names {names}")
    return found


def generate(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["rules", *argv])
    out, err = capsys.readouterr()
    return code, out, err


CASES = [
    *[(profile, None) for profile in SPEC.profiles],
    ("staging", MAPPING),
    ("production", MAPPING),
]


@pytest.mark.parametrize(("profile", "mapping"), CASES, ids=lambda v: getattr(v, "stem", v))
def test_every_profile_gives_a_resource_the_crd_accepts_holding_the_same_groups(
    profile: str, mapping: Path | None
) -> None:
    resolver = Resolver(SPEC.metrics)
    if mapping is not None:
        resolver = resolver.merged(load_mapping(mapping).metrics)
    rules = build_rules(SPEC, profile, resolver)
    resource = yaml.safe_load(prometheus_rule_text(rules, spec=SPEC.name, profile=profile))
    assert problems(resource) == []
    assert (resource["apiVersion"], resource["kind"]) == (
        "monitoring.coreos.com/v1",
        "PrometheusRule",
    )
    assert resource["spec"] == yaml.safe_load(rules.text())


def test_slo_rules_writes_the_resource_given_with_o(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "k8s" / "slo-rules.yaml"
    code, _, err = generate(
        capsys, "--profile", "escalation", "--format", "prometheus-operator", "-o", str(out)
    )
    assert (code, err) == (0, f"wrote {out}\n")
    rules = build_rules(
        SPEC, "escalation", Resolver(SPEC.metrics), origin="the shipped phase1.yaml"
    )
    expected = prometheus_rule_text(rules, spec="phase1", profile="escalation")
    assert out.read_text(encoding="utf-8") == expected
    assert problems(yaml.safe_load(expected)) == []


def test_the_metadata_names_the_spec_and_profile_and_takes_labels_for_the_rule_selector(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, text, _ = generate(
        capsys,
        *["--profile", "rollout-cache", "--format", "prometheus-operator"],
        *["--label", "release=prometheus", "--label", "slo-harness/profile=canary"],
    )
    assert code == 0
    assert yaml.safe_load(text)["metadata"] == {
        "name": "slo-phase1-rollout-cache",
        "labels": {
            "app.kubernetes.io/managed-by": "slo-harness",
            "slo-harness/spec": "phase1",
            "slo-harness/profile": "canary",
            "release": "prometheus",
        },
    }
    code, text, _ = generate(
        capsys, "--profile", "staging", "--format", "prometheus-operator", "--name", "catalog.slo"
    )
    assert yaml.safe_load(text)["metadata"]["name"] == "catalog.slo"


def test_the_header_says_how_to_apply_it_and_keeps_the_thresholds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, text, _ = generate(capsys, "--profile", "staging", "--format", "prometheus-operator")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert comments[0].startswith(
        "# Generated by `slo rules --profile staging --format prometheus-operator` from"
    )
    assert "# A Prometheus Operator PrometheusRule: `kubectl apply -f FILE`" in comments[2]
    assert "#   latency_p95: < 200 ms" in comments
    assert not any("promtool" in line for line in comments)


def test_a_resource_name_from_any_spec_and_profile_is_valid() -> None:
    rules = build_rules(SPEC, "staging", Resolver(SPEC.metrics))
    name = default_name("Catalog_API v2", "Week_1 (staging)")
    assert name == "slo-catalog-api-v2-week-1-staging"
    labels = default_labels("Catalog_API v2", "x" * 80)
    assert problems(prometheus_rule(rules, name=name, labels=labels)) == []
    assert len(labels["slo-harness/profile"]) == 63


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "Catalog_SLO"], "--name: 'Catalog_SLO' is not a Kubernetes resource name"),
        (["--label", "release"], "--label 'release': expected NAME=VALUE"),
        (["--label", "bad key=x"], "--label 'bad key=x': 'bad key' is not a label name"),
        (["--label", "team=a b"], "--label 'team=a b': 'a b' is not a label value"),
        (["--label", "x_y.io/team=a"], "--label 'x_y.io/team=a': its prefix 'x_y.io'"),
    ],
)
def test_a_name_or_label_kubernetes_would_reject_is_bad_usage(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = generate(
        capsys, "--profile", "staging", "--format", "prometheus-operator", *args
    )
    assert (code, out) == (3, "")
    assert message in err


def test_name_and_label_without_the_operator_format_are_bad_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = generate(capsys, "--profile", "staging", "--label", "release=prometheus")
    assert code == 3
    assert "add --format prometheus-operator" in err


def _resource() -> dict[str, Any]:
    return prometheus_rule(build_rules(SPEC, "staging", Resolver(SPEC.metrics)), name="slo")


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda r: r["spec"]["groups"][0]["rules"][0].pop("expr"), "'expr' is a required"),
        (
            lambda r: r["spec"]["groups"][2]["rules"][0].update({"for": "10 minutes"}),
            "does not match",
        ),
        (
            lambda r: r["spec"]["groups"][0]["rules"][0].update({"exprs": "up"}),
            "('exprs' was unexpected)",
        ),
        (lambda r: r["spec"]["groups"][1].update({"name": ""}), "should be non-empty"),
        (lambda r: r["spec"]["groups"].append(dict(r["spec"]["groups"][0])), "duplicate names"),
        (lambda r: r["metadata"].update({"name": "SLO"}), "does not match"),
        (lambda r: r.pop("spec"), "'spec' is a required property"),
    ],
    ids=[
        "no-expr",
        "bad-for",
        "unknown-field",
        "empty-group-name",
        "duplicate-group",
        "bad-name",
        "no-spec",
    ],
)
def test_the_validation_rejects_what_the_api_server_would(change: Any, error: str) -> None:
    resource = _resource()
    assert problems(resource) == []
    change(resource)
    assert any(error in p for p in problems(resource)), problems(resource)
