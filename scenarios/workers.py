"""Workers lost in a distributed run: the run is then not judged as if its load were complete.

Locust's master marks a worker *missing* when it has sent no heartbeat for about three
seconds (it logs "Worker ... failed to send heartbeat") and, without
`--enable-rebalancing`, gives its users to no one: from then on the run sends less load
than planned, and what the worker recorded since its last report never reaches the
master. Judged as it is, such a run passes as if the whole load had been sent.

`WorkerRoll` keeps the roll of the workers that run the load, from test start until the
run stops, with each one's last heartbeat, and notices a worker that goes missing or
leaves. The gate then adds the objective `load_complete` to the report, inconclusive
with the reason ("worker X lost at T: the load was not complete"), so the run is at best
inconclusive (exit 2), and writes `workers-lost.json` beside it.

Plain code with the clock and the workers' states passed in; `register` is the Locust
side (the gate calls it from its own `register`).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import gevent

from reports import ObjectiveResult, Report, Verdict, write_atomic
from slo.evaluate import EXIT_CODES, overall
from slo.timeutil import iso

__all__ = [
    "LOST_FILE",
    "OBJECTIVE_ID",
    "LostWorker",
    "WorkerRoll",
    "with_lost_workers",
    "write_lost",
]

#: Locust's state of a worker whose heartbeats stopped (`locust.runners.STATE_MISSING`).
MISSING: Final = "missing"
#: The objective added to the report of a run that lost a worker.
OBJECTIVE_ID: Final = "load_complete"
#: The record of the lost workers, next to report.json.
LOST_FILE: Final = "workers-lost.json"
LOST_SCHEMA: Final = "slo-harness/gate-workers-lost/v1"
POLL_SECONDS: Final = 1.0

log = logging.getLogger("slo.gate.workers")


@dataclass(frozen=True, kw_only=True)
class LostWorker:
    """A worker that stopped sending load before the run ended."""

    worker: str
    #: Its last heartbeat (unix seconds); the run's start when it sent none during it.
    last_seen_at: float
    #: When the roll noticed it missing (no heartbeat) or gone (it left the master).
    noticed_at: float
    how: str

    def line(self) -> str:
        return (
            f"worker {self.worker} lost at {iso(self.last_seen_at)} ({self.how}, noticed at "
            f"{iso(self.noticed_at)})"
        )


class WorkerRoll:
    """The master's roll of its workers during one run."""

    def __init__(self) -> None:
        self.running = False
        #: How many workers the run started with (None: it never started on a master).
        self.started_with: int | None = None
        self._roll: set[str] = set()
        self._last_seen: dict[str, float] = {}
        self._lost: dict[str, LostWorker] = {}
        self._poller: gevent.Greenlet | None = None

    @property
    def lost(self) -> tuple[LostWorker, ...]:
        return tuple(sorted(self._lost.values(), key=lambda w: (w.noticed_at, w.worker)))

    def begin(self, workers: Mapping[str, str], at: float) -> None:
        """The run starts with `workers` (id: Locust state)."""
        self.running = True
        self.started_with = len(workers)
        self._roll = set(workers)
        self._lost.clear()
        for worker in workers:
            self._last_seen[worker] = max(self._last_seen.get(worker, at), at)

    def heard(self, worker: str, at: float) -> None:
        """A heartbeat from `worker`; a worker first heard during the run joins the roll."""
        self._last_seen[worker] = at
        if self.running:
            self._roll.add(worker)

    def check(self, workers: Mapping[str, str], at: float) -> list[LostWorker]:
        """The workers of the roll newly missing or gone from `workers` (id: state)."""
        if not self.running:
            return []
        for worker, state in workers.items():  # joined during the run
            if state != MISSING and worker not in self._roll:
                self._roll.add(worker)
                self._last_seen.setdefault(worker, at)
        found = []
        for worker in sorted(self._roll - set(self._lost)):
            now = workers.get(worker)
            if now is not None and now != MISSING:
                continue
            how = "no heartbeat" if now == MISSING else "left the master"
            lost = LostWorker(
                worker=worker, last_seen_at=self._last_seen[worker], noticed_at=at, how=how
            )
            self._lost[worker] = lost
            found.append(lost)
        return found

    def end(self, workers: Mapping[str, str], at: float) -> list[LostWorker]:
        """The run stops: a last check; from now on workers leave as they should."""
        found = self.check(workers, at)
        self.running = False
        return found

    # -- Locust ---------------------------------------------------------------------

    def register(self, events: Any) -> None:
        events.heartbeat_sent.add_listener(self._on_heartbeat)
        events.test_start.add_listener(self._on_test_start)
        events.test_stopping.add_listener(self._on_test_stopping)
        events.test_stop.add_listener(self._on_test_stopping)

    def _on_heartbeat(self, client_id: str, timestamp: float, **_: Any) -> None:
        self.heard(client_id, timestamp)

    def _on_test_start(self, environment: Any, **_: Any) -> None:
        runner = environment.runner
        if type(runner).__name__ != "MasterRunner":
            return
        self.begin(_states(runner), time.time())
        if self._poller is not None:
            self._poller.kill(block=False)
        self._poller = gevent.spawn(self._poll, runner)

    def _poll(self, runner: Any) -> None:
        while self.running:
            gevent.sleep(POLL_SECONDS)
            self._log(self.check(_states(runner), time.time()))

    def _on_test_stopping(self, environment: Any, **_: Any) -> None:
        if not self.running:
            return
        self._log(self.end(_states(environment.runner), time.time()))
        poller, self._poller = self._poller, None
        if poller is not None and poller is not gevent.getcurrent():
            poller.kill(block=False)

    def _log(self, found: Sequence[LostWorker]) -> None:
        for lost in found:
            log.error("SLO gate: %s: the load is no longer complete", lost.line())


def _states(runner: Any) -> dict[str, str]:
    return {str(node.id): str(node.state) for node in list(runner.clients.values())}


def _reason(lost: Sequence[LostWorker], started_with: int | None) -> str:
    reason = "; ".join(w.line() for w in lost) + ": the load was not complete"
    if started_with is not None:
        reason += f" ({started_with - len(lost)} of {started_with} workers ran to the end)"
    return reason


def with_lost_workers(
    report: Report, lost: Sequence[LostWorker], *, started_with: int | None
) -> Report:
    """`report` with the `load_complete` objective: inconclusive, gating, with the reason;
    the verdict is then at best inconclusive (a failing objective still fails it)."""
    if not lost:
        return report
    objective = ObjectiveResult(
        id=OBJECTIVE_ID,
        description="The planned load was sent: every Locust worker of the run kept "
        "sending load until the run stopped",
        verdict=Verdict.INCONCLUSIVE,
        reason=_reason(lost, started_with),
        value=float(len(lost)),
        threshold=0.0,
        comparator="==",
        unit="count",
        gating=True,
        kind="load",
        query="the Locust master's roll of its workers (heartbeats)",
    )
    objectives = [*report.objectives, objective]
    verdict = overall(objectives)
    return report.model_copy(
        update={"objectives": objectives, "verdict": verdict, "exit_code": EXIT_CODES[verdict]}
    )


def write_lost(directory: Path, lost: Sequence[LostWorker], *, started_with: int | None) -> Path:
    """`workers-lost.json`: each lost worker, when it was last heard and when noticed."""
    record = {
        "schema": LOST_SCHEMA,
        "started_with": started_with,
        "reason": _reason(lost, started_with),
        "lost": [
            {
                "worker": w.worker,
                "last_seen_at": iso(w.last_seen_at),
                "noticed_at": iso(w.noticed_at),
                "how": w.how,
            }
            for w in lost
        ],
    }
    directory.mkdir(parents=True, exist_ok=True)
    return write_atomic(directory / LOST_FILE, json.dumps(record, indent=2) + "\n")
