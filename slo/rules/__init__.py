"""Prometheus rules from the criteria spec: the SLIs recorded, the guide's alerts, an alert
per gating objective (baseline objectives with a baseline report's values), burn-rate and
metric-absent alerts (``slo rules``)."""

from __future__ import annotations

from slo.rules.build import RuleSettings, build_rules
from slo.rules.guide import PRIMARY_POOL
from slo.rules.limits import BaselineValues, Limit, limit_of
from slo.rules.model import AlertRule, RecordingRule, RuleFile, RuleGroup
from slo.rules.objectives import (
    ESCALATION,
    TIERS,
    VIOLATION,
    BurnTier,
    ObjectiveSettings,
    budget_of,
)
from slo.rules.operator import prometheus_rule, prometheus_rule_text

__all__ = [
    "ESCALATION",
    "PRIMARY_POOL",
    "TIERS",
    "VIOLATION",
    "AlertRule",
    "BaselineValues",
    "BurnTier",
    "Limit",
    "ObjectiveSettings",
    "RecordingRule",
    "RuleFile",
    "RuleGroup",
    "RuleSettings",
    "budget_of",
    "build_rules",
    "limit_of",
    "prometheus_rule",
    "prometheus_rule_text",
]
