"""A rule file as a Prometheus Operator ``PrometheusRule`` resource
(``slo rules --format prometheus-operator``), as Sloth writes one.

The resource's ``spec.groups`` are exactly the groups of the plain rule file; its metadata
carries a name (a DNS subdomain, Kubernetes' rule) and labels that an operator's
``ruleSelector`` can match. Names and labels given by the user are checked here, before
anything is written, so a resource Kubernetes would reject is bad usage (exit 3).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from slo.errors import UsageError, quoted
from slo.rules.model import RuleFile, dump_yaml

__all__ = [
    "API_VERSION",
    "KIND",
    "default_labels",
    "default_name",
    "parse_labels",
    "prometheus_rule",
    "prometheus_rule_text",
]

API_VERSION: Final = "monitoring.coreos.com/v1"
KIND: Final = "PrometheusRule"

# Kubernetes' validation (k8s.io/apimachinery/pkg/util/validation).
_DNS_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN = re.compile(rf"^{_DNS_LABEL}(\.{_DNS_LABEL})*$")
_NAME_PART = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_MAX_NAME, _MAX_PREFIX, _MAX_LABEL = 253, 253, 63


def _dns(text: str, limit: int) -> str:
    """``text`` made a DNS label: lowercase, runs of other characters as ``-``."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower())[:limit]
    return cleaned.strip("-")


def default_name(spec: str, profile: str) -> str:
    """``slo-<spec>-<profile>``, made a valid resource name."""
    return _dns(f"slo-{spec}-{profile}", _MAX_NAME) or "slo"


def default_labels(spec: str, profile: str) -> dict[str, str]:
    """Labels saying what generated the resource, from which spec and profile."""
    return {
        "app.kubernetes.io/managed-by": "slo-harness",
        "slo-harness/spec": _dns(spec, _MAX_LABEL),
        "slo-harness/profile": _dns(profile, _MAX_LABEL),
    }


def _check_name(name: str) -> str:
    if len(name) > _MAX_NAME or not _SUBDOMAIN.match(name):
        raise UsageError(
            f"--name: {quoted(name)} is not a Kubernetes resource name (lowercase letters, "
            f"digits, '-' and '.', starting and ending with a letter or digit, at most "
            f"{_MAX_NAME} characters)"
        )
    return name


def _label_key_problem(key: str) -> str | None:
    prefix, _, name = key.rpartition("/")
    if prefix and (len(prefix) > _MAX_PREFIX or not _SUBDOMAIN.match(prefix)):
        return f"its prefix {prefix!r} is not a DNS subdomain"
    if len(name) > _MAX_LABEL or not _NAME_PART.match(name):
        return f"{name!r} is not a label name (letters, digits, '-', '_', '.'; at most 63)"
    return None


def parse_labels(items: Sequence[str]) -> dict[str, str]:
    """``--label NAME=VALUE`` options as a mapping, each checked as Kubernetes would."""
    found: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        problem = "expected NAME=VALUE" if not sep else _label_key_problem(key)
        if problem is None and (len(value) > _MAX_LABEL or not _LABEL_VALUE.match(value)):
            problem = f"{value!r} is not a label value (letters, digits, '-', '_', '.'; at most 63)"
        if problem is not None:
            raise UsageError(f"--label {quoted(item)}: {problem}")
        found[key] = value
    return found


def prometheus_rule(
    rules: RuleFile, *, name: str, labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The ``PrometheusRule`` resource holding ``rules``' groups."""
    metadata: dict[str, Any] = {"name": _check_name(name)}
    if labels:
        metadata["labels"] = dict(labels)
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": metadata,
        "spec": rules.document(),
    }


def prometheus_rule_text(
    rules: RuleFile,
    *,
    spec: str,
    profile: str,
    name: str | None = None,
    labels: Sequence[str] = (),
) -> str:
    """What ``slo rules --format prometheus-operator`` prints: the rule file's header, then
    the resource (``name`` defaults to ``slo-<spec>-<profile>``; ``labels`` are
    ``NAME=VALUE`` items added to, or replacing, the default labels)."""
    resource = prometheus_rule(
        rules,
        name=default_name(spec, profile) if name is None else name,
        labels={**default_labels(spec, profile), **parse_labels(labels)},
    )
    command = f"`slo rules --profile {profile}`"
    header = [
        line.replace(command, f"{command[:-1]} --format prometheus-operator`", 1)
        for line in rules.header
        if not line.startswith("Check with `promtool")  # the groups alone are a rule file
    ]
    header[2:2] = [
        "A Prometheus Operator PrometheusRule: `kubectl apply -f FILE`; every Prometheus whose "
        "ruleSelector matches its labels loads the groups below.",
    ]
    return dump_yaml(resource, header)
