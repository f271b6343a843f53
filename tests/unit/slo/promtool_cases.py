"""Build ``promtool test rules`` files from generated rules and expected alerts.

Expected annotations are the generated ones with ``{{ $value | ... }}`` rendered the way
Prometheus renders them (Go's ``%.4g`` and its humanize functions), so a test states the
value an on-call engineer would read.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from slo.rules import AlertRule, BaselineValues, RuleFile

PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None, reason="promtool is not installed (apt-get install prometheus)"
)

#: The baseline report the escalation rules are built with (golden file and promtool cases):
#: its error rate was 1%, so "Error rate increases >5%" alerts above 6%.
ESCALATION_BASELINE = BaselineValues(
    label="before/report.json", values={"error_rate_increase_5pct": 0.01}
)

_VALUE = re.compile(r"\{\{ \$value \| (\w+) \}\}")


def _g4(v: float) -> str:
    return f"{v:.4g}"


def humanize(v: float) -> str:
    if v == 0 or math.isnan(v) or math.isinf(v):
        return _g4(v)
    prefix = ""
    if abs(v) >= 1:
        for p in ("k", "M", "G", "T", "P", "E", "Z", "Y"):
            if abs(v) < 1000:
                break
            prefix, v = p, v / 1000
        return _g4(v) + prefix
    for p in ("m", "u", "n", "p", "f", "a", "z", "y"):
        if abs(v) >= 1:
            break
        prefix, v = p, v * 1000
    return _g4(v) + prefix


def humanize_duration(v: float) -> str:
    if math.isnan(v) or math.isinf(v):
        return _g4(v)
    if v == 0:
        return _g4(v) + "s"
    if abs(v) >= 1:
        sign = "-" if v < 0 else ""
        v = abs(v)
        whole = int(v)
        seconds = v - whole + whole % 60
        minutes, hours, days = whole // 60 % 60, whole // 3600 % 24, whole // 86400
        if days:
            return f"{sign}{days}d {hours}h {minutes}m {_g4(seconds)}s"
        if hours:
            return f"{sign}{hours}h {minutes}m {_g4(seconds)}s"
        if minutes:
            return f"{sign}{minutes}m {_g4(seconds)}s"
        return f"{sign}{_g4(seconds)}s"
    prefix = ""
    for p in ("m", "u", "n", "p", "f", "a", "z", "y"):
        if abs(v) >= 1:
            break
        prefix, v = p, v * 1000
    return f"{_g4(v)}{prefix}s"


def humanize_percentage(v: float) -> str:
    return _g4(v * 100) + "%"


FILTERS: dict[str, Callable[[float], str]] = {
    "humanize": humanize,
    "humanizeDuration": humanize_duration,
    "humanizePercentage": humanize_percentage,
}


def render_annotation(text: str, value: float) -> str:
    return _VALUE.sub(lambda m: FILTERS[m.group(1)](value), text)


@dataclass(frozen=True, kw_only=True)
class Fires:
    """At ``at`` the rule picked by ``match`` fires with ``value``; ``labels`` are the
    series' own labels the alert keeps. Several ``Fires`` at one time: all of them fire."""

    at: str
    value: float
    labels: Mapping[str, str] = field(default_factory=dict)
    match: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Case:
    """Input series, then when ``alert`` is silent (no alert of that name) and when it fires."""

    name: str
    series: Mapping[str, str]
    alert: str
    silent_at: tuple[str, ...] = ()
    fires: tuple[Fires, ...] = ()
    interval: str = "1m"


def find_rule(rules: RuleFile, alert: str, match: Mapping[str, str]) -> AlertRule:
    found = [
        r
        for r in rules.alerts
        if r.alert == alert and all(r.labels.get(k) == v for k, v in match.items())
    ]
    assert len(found) == 1, f"expected one {alert} {dict(match)}, got {len(found)}"
    return found[0]


def promtool_document(rule_file: Path, rules: RuleFile, case: Case) -> dict[str, Any]:
    checks: dict[str, list[dict[str, Any]]] = {at: [] for at in case.silent_at}
    for fire in case.fires:
        rule = find_rule(rules, case.alert, fire.match)
        checks.setdefault(fire.at, []).append(
            {
                "exp_labels": {"alertname": case.alert, **rule.labels, **fire.labels},
                "exp_annotations": {
                    k: render_annotation(v, fire.value) for k, v in rule.annotations.items()
                },
            }
        )
    return {
        "rule_files": [str(rule_file)],
        "evaluation_interval": case.interval,
        # Recorded SLIs first, then the alerts reading them (promtool's default is random).
        "group_eval_order": [g.name for g in rules.groups if g.rules],
        "tests": [
            {
                "interval": case.interval,
                "input_series": [{"series": s, "values": v} for s, v in case.series.items()],
                "alert_rule_test": [
                    {"eval_time": at, "alertname": case.alert, "exp_alerts": expected}
                    for at, expected in checks.items()
                ],
            }
        ],
    }


def run_promtool(tmp_path: Path, document: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL is not None
    path = tmp_path / "test.yml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return subprocess.run(
        [PROMTOOL, "test", "rules", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
