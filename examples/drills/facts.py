"""What a drill's journal says happened (facts), and its expectations checked against them.

Every activity of the Chaos Toolkit journal becomes a fact named after the activity
(steady-state probes as ``before.NAME`` and ``after.NAME``, rollbacks as
``rollbacks.NAME``): a python activity's output as it is; a process activity read the
way its command writes: a `locust` run with the SLO gate (``exit_code``, ``requests``,
``failed``, ``slowest_ms``, the gate's ``verdict``, ``objectives`` (id: verdict) and
``values`` (id: value), the watch's ``trip``), ``slo watch --json-lines``
(``exit_code``, ``outcome``, ``trip``, ``blind_at``, ``ticks``), ``slo check`` and
``slo preflight`` (``exit_code``, ``verdict``, ``objectives``, ``values``). A
distributed run's ``lost_workers`` are the workers its gate noticed lost (``worker``,
``how``, ``last_seen_at``, ``noticed_at``). ``load`` adds up every locust run of the
method.

An expectation in the experiment's ``slo-harness-drill`` extension names a fact by its
dotted path and a condition::

    - what: "escalation trips cache_completely_failing"
      fact: escalation-watch.trip.objective
      equals: cache_completely_failing

(`equals`, `not_equals`, `in`, `not_in`, `contains`, `at_most`, `at_least`, `below`,
`above`; several conditions in ``all:``). ``server`` is the runner's own evidence: the
service's count of the drill's requests by status, from Prometheus, and ``failed``,
those it answered 5xx or 499.
"""

from __future__ import annotations

import json
import math
import shlex
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from chaoslib import substitute

__all__ = ["Check", "check_expectation", "facts_of", "lookup"]

Check = dict[str, Any]
MISSING = object()


def _unix(text: str | None) -> float | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _arg(args: list[str], flag: str) -> str | None:
    for i, arg in enumerate(args[:-1]):
        if arg == flag:
            return args[i + 1]
    return None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _objectives(report: Mapping[str, Any] | None) -> dict[str, str]:
    if not report:
        return {}
    return {o["id"]: o["verdict"] for o in report.get("objectives", []) if "id" in o}


def _values(report: Mapping[str, Any]) -> dict[str, Any]:
    return {o["id"]: o.get("value") for o in report.get("objectives", []) if "id" in o}


def _locust(args: list[str], output: Mapping[str, Any]) -> dict[str, Any]:
    report_dir = Path(_arg(args, "--report-dir") or "reports-out")
    fact: dict[str, Any] = {"exit_code": output.get("status"), "report_dir": str(report_dir)}
    json_file = _arg(args, "--json-file")
    rows = _read_json(Path(f"{json_file}.json")) if json_file else None
    if isinstance(rows, list):
        fact["requests"] = sum(int(r.get("num_requests", 0)) for r in rows)
        fact["failed"] = sum(int(r.get("num_failures", 0)) for r in rows)
        fact["slowest_ms"] = round(
            max((float(r.get("max_response_time") or 0) for r in rows), default=0.0), 1
        )
        starts = [float(r["start_time"]) for r in rows if r.get("start_time")]
        ends = [float(r["last_request_timestamp"]) for r in rows if r.get("last_request_timestamp")]
        fact["first_request_at"] = min(starts) if starts else None
        fact["last_request_at"] = max(ends) if ends else None
    report = _read_json(report_dir / "report.json")
    fact["verdict"] = report.get("verdict") if isinstance(report, dict) else None
    fact["objectives"] = _objectives(report if isinstance(report, dict) else None)
    if isinstance(report, dict):
        fact["window"] = report.get("window")
        fact["values"] = _values(report)
        fact["reasons"] = {o["id"]: o.get("reason") for o in report.get("objectives", [])}
    lost = _read_json(report_dir / "workers-lost.json")  # the gate's, when a worker was lost
    fact["lost_workers"] = [
        {
            "worker": w.get("worker"),
            "how": w.get("how"),
            "last_seen_at": _unix(w.get("last_seen_at")),
            "noticed_at": _unix(w.get("noticed_at")),
        }
        for w in (lost.get("lost", []) if isinstance(lost, dict) else [])
    ]
    trip = _read_json(report_dir / "watch-trip.json")
    fact["trip"] = (
        {
            "objective": trip.get("objective"),
            "at": _unix(trip.get("at")),
            "reason": trip.get("reason"),
        }
        if isinstance(trip, dict)
        else None
    )
    return fact


def _watch(output: Mapping[str, Any]) -> dict[str, Any]:
    events = []
    for line in str(output.get("stdout") or "").splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            continue
    ticks = [e for e in events if e.get("event") == "tick"]
    trip = next((e for e in events if e.get("event") == "trip"), None)
    end = next((e for e in events if e.get("event") == "end"), None)
    blind = [_unix(t.get("time")) for t in ticks if t.get("verdict") == "inconclusive"]
    fact: dict[str, Any] = {
        "exit_code": output.get("status"),
        "outcome": end.get("outcome") if end else None,
        "ticks": len(ticks),
        "failed_ticks": sum(1 for t in ticks if t.get("verdict") == "fail"),
        "trip": (
            {
                "objective": trip.get("objective"),
                "at": _unix(trip.get("time")),
                "reason": trip.get("reason"),
            }
            if trip
            else None
        ),
        "first_tick_at": _unix(ticks[0].get("time")) if ticks else None,
        # the tick that reached --inconclusive-limit: when the watch went blind
        "blind_at": blind[-1] if end and end.get("outcome") == "blind" and blind else None,
        "blind_ticks": len(blind),
    }
    return fact


def _slo(args: list[str], output: Mapping[str, Any]) -> dict[str, Any]:
    fact: dict[str, Any] = {"exit_code": output.get("status"), "command": args[0] if args else ""}
    report_dir = _arg(args, "--report-dir")
    report = _read_json(Path(report_dir) / "report.json") if report_dir else None
    if isinstance(report, dict):
        fact["verdict"] = report.get("verdict")
        fact["objectives"] = _objectives(report)
        fact["values"] = _values(report)
        fact["reasons"] = {o["id"]: o.get("reason") for o in report.get("objectives", [])}
        fact["window"] = report.get("window")
        fact["report"] = str(Path(report_dir or ".") / "report.json")
    return fact


def _activity_fact(run: Mapping[str, Any], config: Mapping[str, Any]) -> Any:
    activity = run.get("activity", {})
    provider = activity.get("provider", {})
    output = run.get("output")
    base: dict[str, Any] = {
        "status": run.get("status"),
        "start": _unix(run.get("start")),
        "end": _unix(run.get("end")),
    }
    if run.get("exception"):
        base["error"] = "".join(run["exception"]).strip()
    if provider.get("type") != "process":
        if isinstance(output, Mapping):
            return {**base, **output}
        return {**base, "output": output}
    raw_args = substitute(provider.get("arguments", []), dict(config), {})
    args = shlex.split(raw_args) if isinstance(raw_args, str) else [str(a) for a in raw_args]
    output = output if isinstance(output, Mapping) else {}
    program = Path(str(provider.get("path", ""))).name
    if program == "locust":
        return {**base, **_locust(args, output)}
    if program == "slo" and args[:1] == ["watch"]:
        return {**base, **_watch(output)}
    if program == "slo":
        return {**base, **_slo(args, output)}
    return {**base, "exit_code": output.get("status")}


def facts_of(
    journal: Mapping[str, Any], config: Mapping[str, Any], server: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Every activity of the journal as a fact, by name; ``load`` sums the method's runs;
    ``server`` is what the service counted (see the module's doc)."""
    facts: dict[str, Any] = {
        "journal": {"status": journal.get("status"), "deviated": journal.get("deviated")},
        "server": dict(server or {}),
    }
    states = journal.get("steady_states") or {}
    for phase in ("before", "after"):
        state = states.get(phase) or {}
        facts[phase] = {"met": state.get("steady_state_met")}
        for run in state.get("probes", []):
            facts[phase][run["activity"]["name"]] = {
                **_activity_fact(run, config),
                "tolerance_met": run.get("tolerance_met"),
            }
    facts["rollbacks"] = {
        run["activity"]["name"]: _activity_fact(run, config)
        for run in journal.get("rollbacks") or []
    }
    loads = []
    for run in journal.get("run") or []:
        fact = _activity_fact(run, config)
        facts[run["activity"]["name"]] = fact
        if Path(str(run["activity"].get("provider", {}).get("path", ""))).name == "locust":
            loads.append(fact)
    facts["load"] = {
        "runs": len(loads),
        "requests": sum(f.get("requests") or 0 for f in loads),
        "failed": sum(f.get("failed") or 0 for f in loads),
        "slowest_ms": max((f.get("slowest_ms") or 0.0 for f in loads), default=None),
    }
    return facts


def lookup(facts: Mapping[str, Any], path: str) -> Any:
    """The fact at a dotted path (activity names may hold dashes, never dots)."""
    value: Any = facts
    for part in path.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return MISSING
    return value


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)


#: Each condition an expectation may state, as (fact value, wanted) -> holds.
_CONDITIONS: dict[str, Callable[[Any, Any], bool]] = {
    "equals": lambda value, wanted: bool(value == wanted),
    "not_equals": lambda value, wanted: bool(value != wanted),
    "in": lambda value, wanted: value in wanted,
    "not_in": lambda value, wanted: value not in wanted,
    # a substring of a text, an item of a list
    "contains": lambda value, wanted: isinstance(value, str | list) and wanted in value,
    "at_most": lambda value, wanted: _number(value) and value <= wanted,
    "at_least": lambda value, wanted: _number(value) and value >= wanted,
    "below": lambda value, wanted: _number(value) and value < wanted,
    "above": lambda value, wanted: _number(value) and value > wanted,
}


def _shown(value: Any) -> str:
    if value is MISSING:
        return "(no such fact)"
    if isinstance(value, float):
        return f"{value:g}"
    return json.dumps(value) if isinstance(value, dict | list) else str(value)


def check_expectation(expectation: Mapping[str, Any], facts: Mapping[str, Any]) -> Check:
    """``{what, ok, got}`` for one expectation of the experiment file."""
    parts = expectation.get("all") or [expectation]
    oks, gots = [], []
    for part in parts:
        conditions = [c for c in _CONDITIONS if c in part]
        if "fact" not in part or len(conditions) != 1:
            raise ValueError(
                f"expectation {expectation.get('what')!r}: needs a fact and one of "
                f"{', '.join(_CONDITIONS)}"
            )
        value = lookup(facts, part["fact"])
        condition = conditions[0]
        oks.append(value is not MISSING and _CONDITIONS[condition](value, part[condition]))
        gots.append(f"{part['fact']} = {_shown(value)}")
    return {"what": str(expectation["what"]), "ok": all(oks), "got": "; ".join(gots)}
