"""What the stack's Prometheus reports about its rules: loaded groups, firing alerts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True, kw_only=True)
class FiringAlert:
    """One active alert: ``firing``, or ``pending`` while its ``for:`` has not elapsed."""

    name: str
    state: str
    labels: dict[str, str]
    summary: str
    active_at: str
    value: str


def rule_groups(prometheus_url: str, *, timeout: float = 5.0) -> list[dict[str, Any]]:
    """`/api/v1/rules`: each loaded group with its rules, health and last error."""
    response = httpx.get(f"{prometheus_url}/api/v1/rules", timeout=timeout, trust_env=False)
    response.raise_for_status()
    groups: list[dict[str, Any]] = response.json()["data"]["groups"]
    return groups


def firing_alerts(
    prometheus_url: str, *, include_pending: bool = False, timeout: float = 5.0
) -> list[FiringAlert]:
    """`/api/v1/alerts`: the firing alerts (and pending ones if asked), sorted by name."""
    wanted = {"firing", "pending"} if include_pending else {"firing"}
    response = httpx.get(f"{prometheus_url}/api/v1/alerts", timeout=timeout, trust_env=False)
    response.raise_for_status()
    found = [
        FiringAlert(
            name=alert["labels"].get("alertname", ""),
            state=alert.get("state", ""),
            labels=dict(alert["labels"]),
            summary=alert.get("annotations", {}).get("summary", ""),
            active_at=alert.get("activeAt", ""),
            value=alert.get("value", ""),
        )
        for alert in response.json()["data"]["alerts"]
        if alert.get("state") in wanted
    ]
    return sorted(found, key=lambda a: (a.name, sorted(a.labels.items())))
