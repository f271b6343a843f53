"""Prometheus rules from the criteria spec: the SLIs recorded, the guide's alerts, an alert
per gating objective, burn-rate and metric-absent alerts (``slo rules``)."""

from __future__ import annotations

from slo.rules.build import RuleSettings, build_rules
from slo.rules.guide import PRIMARY_POOL
from slo.rules.model import AlertRule, RecordingRule, RuleFile, RuleGroup
from slo.rules.objectives import TIERS, VIOLATION, BurnTier, ObjectiveSettings, budget_of

__all__ = [
    "PRIMARY_POOL",
    "TIERS",
    "VIOLATION",
    "AlertRule",
    "BurnTier",
    "ObjectiveSettings",
    "RecordingRule",
    "RuleFile",
    "RuleGroup",
    "RuleSettings",
    "budget_of",
    "build_rules",
]
