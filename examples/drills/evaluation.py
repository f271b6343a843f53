"""A drill's summary entry (DESIGN's contract) from its Chaos Toolkit journal: the base
expectations every drill checks, its own, the fault and detection moments and the
method's timeline. No server: `runner` feeds it what a run left behind.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from chaoslib.extension import get_extension

from .facts import Check, check_expectation, facts_of, lookup

#: The experiments' extension that states a drill's fault, detection and expectations.
EXTENSION = "slo-harness-drill"

#: What every drill checks besides its own expectations (Chaos Toolkit's own verdicts).
BASE_EXPECTATIONS: tuple[dict[str, Any], ...] = (
    {
        "what": "steady state met before the fault (the experiment's hypothesis)",
        "fact": "before.met",
        "equals": True,
    },
    {
        "what": "the method ran to its end",
        "fact": "journal.status",
        "equals": "completed",
    },
    {
        "what": "steady state met again after the method (not deviated)",
        "fact": "after.met",
        "equals": True,
    },
)


def _iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{int(ts % 1 * 1000):03d}Z"


def evaluate(
    name: str,
    experiment: Mapping[str, Any],
    journal: Mapping[str, Any],
    config: Mapping[str, Any],
    *,
    server: Mapping[str, Any] | None = None,
    setup_error: str | None = None,
) -> dict[str, Any]:
    """The drill's summary entry (DESIGN's contract) from its journal."""
    extension = get_extension(dict(experiment), EXTENSION) or {}
    facts = facts_of(journal, config, server) if journal else {}
    checks: list[Check] = []
    if setup_error is not None:
        checks.append({"what": "the drill ran", "ok": False, "got": setup_error})
    expectations = [*BASE_EXPECTATIONS, *extension.get("expected", [])]
    checks += [check_expectation(e, facts) for e in expectations] if facts else []
    fault_at = _time(facts, extension.get("fault"))
    detected_at = _time(facts, extension.get("detection"))
    load = facts.get("load", {})
    return {
        "name": name,
        "title": experiment.get("title"),
        "ok": bool(checks) and all(c["ok"] for c in checks),
        "fault_at": _iso(fault_at),
        "detected_at": _iso(detected_at),
        "detection_delay_s": (
            round(detected_at - fault_at, 2)
            if fault_at is not None and detected_at is not None
            else None
        ),
        "detected_by": extension.get("detected_by"),
        "requests": load.get("requests"),
        "failed": load.get("failed"),
        "slowest_ms": load.get("slowest_ms"),
        "expected": [c["what"] for c in checks],
        "got": [c["got"] for c in checks],
        "checks": checks,
        "status": journal.get("status"),
        "deviated": journal.get("deviated"),
        "timeline": _timeline(facts, fault_at),
    }


def _time(facts: Mapping[str, Any], path: str | None) -> float | None:
    if not path:
        return None
    value = lookup(facts, path)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _timeline(facts: Mapping[str, Any], fault_at: float | None) -> list[dict[str, Any]]:
    """The method's moments, in order, with their offset from the fault."""
    events: list[tuple[float, str]] = []
    for name, fact in facts.items():
        if name in ("journal", "server", "before", "after", "rollbacks", "load"):
            continue
        if not isinstance(fact, dict):
            continue
        if fact.get("first_request_at"):
            events.append((fact["first_request_at"], f"{name}: first request"))
            events.append((fact["last_request_at"], f"{name}: last request"))
        events += _alarms(name, fact)
        if fact.get("blind_at"):
            events.append((fact["blind_at"], f"{name}: blind at --inconclusive-limit"))
        if isinstance(fact.get("at"), int | float) and not fact.get("first_request_at"):
            events.append((fact["at"], name))
        if fact.get("resumed_at"):
            events.append((fact["resumed_at"], f"{name}: resumed"))
        if fact.get("ready_at"):
            events.append((fact["ready_at"], f"{name}: ready"))
        for needle, at in (fact.get("first_at") or {}).items():  # a log's lines
            if at is not None:
                events.append((at, f"{name}: first {needle!r}"))
    return [
        {
            "at": _iso(at),
            "offset_s": None if fault_at is None else round(at - fault_at, 2),
            "what": what,
        }
        for at, what in sorted(events)
    ]


def _alarms(name: str, fact: Mapping[str, Any]) -> list[tuple[float, str]]:
    """A run's watch trip and the workers its gate noticed lost."""
    found = []
    trip = fact.get("trip")
    if isinstance(trip, dict) and trip.get("at"):
        found.append((trip["at"], f"{name}: trip {trip.get('objective')}"))
    for lost in fact.get("lost_workers") or []:
        if lost.get("noticed_at"):
            found.append((lost["noticed_at"], f"{name}: worker {lost['worker']} lost"))
    return found
