"""A distributed run that loses a worker is not judged as if its load were complete.

The roll (`scenarios.workers.WorkerRoll`) is plain code fed the workers' states; its Locust
side is driven here through Locust's own event hooks and a stand-in master runner.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import gevent
import pytest

from reports import ObjectiveResult, Report, ReportWindow, Verdict
from reports.render import write_all
from scenarios import workers as workers_module
from scenarios.workers import (
    LOST_FILE,
    OBJECTIVE_ID,
    LostWorker,
    WorkerRoll,
    with_lost_workers,
    write_lost,
)

T0 = 1_700_000_000.0
RUNNING = {"a": "running", "b": "running"}


def started_roll() -> WorkerRoll:
    roll = WorkerRoll()
    roll.begin(RUNNING, T0)
    roll.heard("a", T0 + 4)
    roll.heard("b", T0 + 5)
    return roll


def test_a_worker_that_goes_missing_mid_run_is_lost_once_at_its_last_heartbeat() -> None:
    roll = started_roll()
    assert roll.check(RUNNING, T0 + 6) == []
    found = roll.check({"a": "running", "b": "missing"}, T0 + 9)
    assert found == [
        LostWorker(worker="b", last_seen_at=T0 + 5, noticed_at=T0 + 9, how="no heartbeat")
    ]
    assert roll.check({"a": "running", "b": "missing"}, T0 + 10) == []  # noticed once
    assert roll.check(RUNNING, T0 + 11) == []  # a heartbeat again does not undo the hole
    assert [w.worker for w in roll.lost] == ["b"]


def test_a_worker_that_leaves_the_master_mid_run_is_lost() -> None:
    roll = started_roll()
    found = roll.check({"a": "running"}, T0 + 7)
    assert [(w.worker, w.how) for w in found] == [("b", "left the master")]


def test_workers_leaving_after_the_run_stopped_are_not_lost() -> None:
    roll = started_roll()
    assert roll.end(RUNNING, T0 + 20) == []
    assert roll.check({}, T0 + 21) == []
    assert roll.lost == ()


def test_the_last_check_when_the_run_stops_still_counts() -> None:
    roll = started_roll()
    assert [w.worker for w in roll.end({"a": "missing", "b": "stopped"}, T0 + 20)] == ["a"]


def test_a_worker_that_joins_during_the_run_is_on_the_roll() -> None:
    roll = started_roll()
    roll.check({**RUNNING, "c": "running"}, T0 + 6)
    roll.heard("d", T0 + 6)
    found = roll.check({"a": "running", "b": "running"}, T0 + 12)
    assert [w.worker for w in found] == ["c", "d"]


def test_without_a_run_on_a_master_nothing_is_lost() -> None:
    roll = WorkerRoll()
    roll.heard("a", T0)
    assert roll.check({"a": "missing"}, T0 + 9) == []
    assert roll.started_with is None


# -- the report ------------------------------------------------------------------------


def report(verdict: Verdict) -> Report:
    objective = ObjectiveResult(
        id="cache_hit_rate",
        description="Cache hit rate >90%",
        verdict=verdict,
        reason="93% > 90%" if verdict == Verdict.PASS else "80% is not > 90%",
        value=0.93 if verdict == Verdict.PASS else 0.8,
        threshold=0.9,
        comparator=">",
        unit="ratio",
        gating=True,
        kind="ratio",
        query="q",
    )
    window = ReportWindow(
        start=datetime.fromtimestamp(T0, UTC), end=datetime.fromtimestamp(T0 + 30, UTC)
    )
    return Report(
        verdict=verdict,
        exit_code={Verdict.PASS: 0, Verdict.FAIL: 1}[verdict],
        profile="staging",
        spec="phase1.yaml",
        source="prometheus",
        target="http://127.0.0.1:8000",
        window=window,
        objectives=[objective],
        generated_at=window.end,
    )


LOST = (LostWorker(worker="b", last_seen_at=T0 + 5, noticed_at=T0 + 9, how="no heartbeat"),)


def test_a_run_that_lost_a_worker_is_inconclusive_with_the_reason_never_a_pass() -> None:
    judged = with_lost_workers(report(Verdict.PASS), LOST, started_with=2)
    assert (judged.verdict, judged.exit_code) == (Verdict.INCONCLUSIVE, 2)
    added = judged.objective(OBJECTIVE_ID)
    assert added.verdict == Verdict.INCONCLUSIVE and added.gating
    assert added.value == 1.0
    assert added.reason == (
        "worker b lost at 2023-11-14T22:13:25Z (no heartbeat, noticed at 2023-11-14T22:13:29Z):"
        " the load was not complete (1 of 2 workers ran to the end)"
    )


def test_a_failing_run_that_lost_a_worker_still_fails() -> None:
    judged = with_lost_workers(report(Verdict.FAIL), LOST, started_with=2)
    assert (judged.verdict, judged.exit_code) == (Verdict.FAIL, 1)
    assert judged.objective(OBJECTIVE_ID).verdict == Verdict.INCONCLUSIVE


def test_a_run_that_lost_no_worker_is_judged_as_it_is() -> None:
    original = report(Verdict.PASS)
    assert with_lost_workers(original, (), started_with=2) is original


def test_the_reports_and_the_record_say_which_worker_was_lost(tmp_path: Path) -> None:
    judged = with_lost_workers(report(Verdict.PASS), LOST, started_with=2)
    paths = write_all(judged, tmp_path)
    markdown = paths["md"].read_text()
    assert "the load was not complete" in markdown and OBJECTIVE_ID in markdown
    record = json.loads(write_lost(tmp_path, LOST, started_with=2).read_text())
    assert (tmp_path / LOST_FILE).is_file()
    assert record["started_with"] == 2
    assert record["lost"] == [
        {
            "worker": "b",
            "last_seen_at": "2023-11-14T22:13:25Z",
            "noticed_at": "2023-11-14T22:13:29Z",
            "how": "no heartbeat",
        }
    ]


# -- Locust's side ---------------------------------------------------------------------


class Hook:
    """Locust's EventHook as the roll uses it (importing locust here would monkey-patch
    the whole test process)."""

    def __init__(self) -> None:
        self.listeners: list[Callable[..., None]] = []

    def add_listener(self, listener: Callable[..., None]) -> None:
        self.listeners.append(listener)

    def fire(self, **kwargs: object) -> None:
        for listener in self.listeners:
            listener(**kwargs)


class Events:
    def __init__(self) -> None:
        self.heartbeat_sent, self.test_start = Hook(), Hook()
        self.test_stopping, self.test_stop = Hook(), Hook()


class MasterRunner:  # the class name is what the roll recognises
    def __init__(self) -> None:
        self.clients = {w: SimpleNamespace(id=w, state=s) for w, s in RUNNING.items()}


def test_on_a_master_the_roll_notices_a_missing_worker_while_the_run_goes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workers_module, "POLL_SECONDS", 0.01)
    events, roll, runner = Events(), WorkerRoll(), MasterRunner()
    roll.register(events)
    environment = SimpleNamespace(runner=runner)
    events.test_start.fire(environment=environment)
    events.heartbeat_sent.fire(client_id="b", timestamp=T0)
    runner.clients["b"].state = "missing"
    gevent.sleep(0.1)
    assert [(w.worker, w.last_seen_at) for w in roll.lost] == [("b", T0)]
    events.test_stopping.fire(environment=environment)
    assert roll.running is False and roll.started_with == 2
    del runner.clients["a"]  # workers quit once the run is over: not lost
    gevent.sleep(0.05)
    assert [w.worker for w in roll.lost] == ["b"]


def test_a_local_run_has_no_roll() -> None:
    events, roll = Events(), WorkerRoll()
    roll.register(events)
    events.test_start.fire(environment=SimpleNamespace(runner=SimpleNamespace()))
    assert roll.running is False and roll.started_with is None
