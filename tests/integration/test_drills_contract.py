"""The drills' files and reports without a server: every experiment is a valid Chaos
Toolkit experiment whose expectations name a fact and a condition, the drills' criteria
pass `slo lint`, and a journal becomes a summary entry of DESIGN's contract
(summary.json, summary.md, a self-contained summary.html)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `examples` is a folder of the repository, not installed
    sys.path.insert(0, str(ROOT))

from chaoslib.experiment import ensure_experiment_is_valid  # noqa: E402
from chaoslib.extension import get_extension  # noqa: E402
from chaoslib.loader import load_experiment  # noqa: E402

from examples.drills import experiment_files, write_summary  # noqa: E402
from examples.drills.facts import check_expectation, facts_of, lookup  # noqa: E402
from examples.drills.runner import CRITERIA, EXTENSION, evaluate  # noqa: E402

#: DESIGN.md, "The deployment guard": what each drill of summary.json carries.
CONTRACT = {
    "name",
    "ok",
    "fault_at",
    "detected_at",
    "detection_delay_s",
    "requests",
    "failed",
    "slowest_ms",
    "expected",
    "got",
    "checks",
}
ENV = {
    "DRILL_SERVICE_URL": "http://127.0.0.1:1",
    "DRILL_PROMETHEUS_URL": "http://127.0.0.1:2",
    "DRILL_STACK_DIR": "/tmp/none",
    "DRILL_OUT": "/tmp/none",
    "DRILL_MASTER_PORT": "1",
}


@pytest.mark.parametrize("path", experiment_files(), ids=lambda p: p.stem)
def test_each_experiment_is_valid_and_states_its_expectations(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:{Path('/usr/bin')}")
    experiment = load_experiment(str(path))
    ensure_experiment_is_valid(experiment)  # providers importable, processes found
    extension = get_extension(experiment, EXTENSION)
    assert extension is not None and extension["drill"] == path.stem
    assert extension["expected"], "a drill without expectations checks nothing"
    assert extension["fault"].split(".")[0] in {a["name"] for a in experiment["method"]}
    for expectation in extension["expected"]:
        check = check_expectation(expectation, {})  # raises on a malformed expectation
        assert check["ok"] is False and "(no such fact)" in check["got"]
    assert set(extension["short"]) <= set(experiment["configuration"])
    assert [r["name"] for r in experiment["rollbacks"]] == ["restore-stack"]


def test_the_drills_page_lists_every_shipped_drill() -> None:
    page = (ROOT / "docs" / "drills.md").read_text(encoding="utf-8")
    table = page.split("## The drills\n", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `([a-z-]+)` \|", table, flags=re.MULTILINE)
    assert listed == [p.stem for p in experiment_files()]  # in the order `make drills` runs


def test_the_drills_criteria_pass_slo_lint() -> None:
    lint = subprocess.run(
        [sys.executable, "-m", "slo.cli", "lint", str(CRITERIA)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


def _run(name: str, output: Any, *, start: str, provider: dict[str, Any] | None = None) -> dict:
    return {
        "activity": {"name": name, "type": "action", "provider": provider or {"type": "python"}},
        "output": output,
        "status": "succeeded",
        "start": start,
        "end": start,
    }


def _journal(tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """A journal as chaoslib writes it: a watch that tripped, a kill, a probe."""
    watch_lines = "\n".join(
        json.dumps(e)
        for e in (
            {"event": "tick", "time": "2026-01-01T00:00:10Z", "verdict": "pass"},
            {"event": "tick", "time": "2026-01-01T00:00:25Z", "verdict": "fail"},
            {"event": "trip", "time": "2026-01-01T00:00:25Z", "objective": "x", "reason": "r"},
            {"event": "end", "outcome": "tripped", "exit_code": 1},
        )
    )
    (tmp_path / "load").mkdir()
    (tmp_path / "load" / "locust.json").write_text(
        json.dumps(
            [
                {"num_requests": 90, "num_failures": 0, "max_response_time": 120.5},
                {"num_requests": 10, "num_failures": 1, "max_response_time": 900.0},
            ]
        )
    )
    (tmp_path / "load" / "report.json").write_text(
        json.dumps({"verdict": "fail", "objectives": [{"id": "cache_hit_rate", "verdict": "fail"}]})
    )
    met = {"steady_state_met": True, "probes": []}
    journal = {
        "status": "completed",
        "deviated": False,
        "steady_states": {"before": met, "after": met},
        "run": [
            _run(
                "steady-load",
                {"status": 1, "stdout": "", "stderr": ""},
                start="2026-01-01T00:00:00+00:00",
                provider={
                    "type": "process",
                    "path": "locust",
                    "arguments": [
                        "--report-dir",
                        "${out}/load",
                        "--json-file",
                        "${out}/load/locust",
                    ],
                },
            ),
            _run(
                "escalation-watch",
                {"status": 1, "stdout": watch_lines, "stderr": ""},
                start="2026-01-01T00:00:00+00:00",
                provider={"type": "process", "path": "slo", "arguments": ["watch", "--json-lines"]},
            ),
            _run("kill", {"at": 1767225610.0}, start="2026-01-01T00:00:10+00:00"),
            _run("stampede", {"max_db_queries_per_key": 1}, start="2026-01-01T00:00:30+00:00"),
        ],
        "rollbacks": [],
    }
    return journal, {"out": str(tmp_path)}


def test_a_journal_becomes_a_summary_entry_of_the_contract(tmp_path: Path) -> None:
    journal, config = _journal(tmp_path)
    facts = facts_of(journal, config, {"failed": 0})
    assert lookup(facts, "steady-load.objectives.cache_hit_rate") == "fail"
    assert lookup(facts, "escalation-watch.trip.objective") == "x"
    assert facts["load"] == {"runs": 1, "requests": 100, "failed": 1, "slowest_ms": 900.0}
    experiment = {
        "title": "t",
        "extensions": [
            {
                "name": EXTENSION,
                "drill": "d",
                "fault": "kill.at",
                "detection": "escalation-watch.trip.at",
                "expected": [
                    {"what": "trips x", "fact": "escalation-watch.trip.objective", "equals": "x"},
                    {
                        "what": "bounded",
                        "all": [
                            {"fact": "stampede.max_db_queries_per_key", "at_most": 1},
                            {"fact": "load.failed", "equals": 0},
                        ],
                    },
                ],
            }
        ],
    }
    drill = evaluate("d", experiment, journal, config, server={"failed": 0})
    assert set(drill) >= CONTRACT
    assert drill["fault_at"] == "2026-01-01T00:00:10.000Z"
    assert drill["detected_at"] == "2026-01-01T00:00:25.000Z"
    assert drill["detection_delay_s"] == 15.0
    assert (drill["requests"], drill["failed"], drill["slowest_ms"]) == (100, 1, 900.0)
    assert [c["ok"] for c in drill["checks"]] == [True, True, True, True, False]
    assert drill["checks"][-1]["got"] == ("stampede.max_db_queries_per_key = 1; load.failed = 1")
    assert drill["ok"] is False
    assert drill["expected"] == [c["what"] for c in drill["checks"]]
    assert drill["got"] == [c["got"] for c in drill["checks"]]

    summary = write_summary([drill], tmp_path / "out", began=0.0)
    document = json.loads(summary.read_text())
    assert document["ok"] is False and len(document["drills"]) == 1
    assert set(document["drills"][0]) >= CONTRACT
    assert all(set(c) >= {"what", "ok"} for c in document["drills"][0]["checks"])
    markdown = (tmp_path / "out" / "summary.md").read_text()
    assert "| d | NOT OK |" in markdown and "**NOT OK** | bounded" in markdown
    page = (tmp_path / "out" / "summary.html").read_text()
    assert page.startswith("<!doctype html>") and "<svg" in page
    assert "<script" not in page and "http" not in page.replace("http://www.w3.org/2000/svg", "")


def test_a_drill_that_could_not_run_is_not_ok(tmp_path: Path) -> None:
    drill = evaluate("d", {"title": "t"}, {}, {}, setup_error="the stack did not start")
    assert drill["ok"] is False
    assert drill["checks"] == [
        {"what": "the drill ran", "ok": False, "got": "the stack did not start"}
    ]
    assert set(drill) >= CONTRACT
