"""The fault drills of `make drills` (examples/drills/) in their short form.

Each experiment runs through chaostoolkit-lib against a fresh reference stack with the
experiment's `short` timings (less load, a 10 s watch window): the stack starts, the
steady-state hypothesis holds, the fault is injected under Locust load, the rollbacks
restore the stack and every expectation written in the experiment holds. On top of
that each test asserts the drill's key figure from its summary entry. Faults touch only
the processes of the drill's own stack, by recorded pid, on 127.0.0.1; every load and
wait is bounded.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `examples` is a folder of the repository, not installed
    sys.path.insert(0, str(ROOT))

from examples.drills import DrillOptions, experiment_files, run_drill  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.timeout(150)]

#: The short form's escalation watch: a tick every second over a 10 s window.
EVERY, WINDOW, SCRAPE = 1.0, 10.0, 1.0
#: Query time and the service noticing the fault: what the bounds do not count.
SLACK = 2.5
#: The service's replica lag samples, its request deadline, primary-slow's time-scaled
#: slice (1 m x 0.1, longer than the deadline), Locust's heartbeat interval.
SAMPLE, DEADLINE, SLICE, HEARTBEAT = 1.0, 5.0, 6.0, 1.0

Drill = dict[str, Any]


def check(drill: Drill, starts: str) -> dict[str, Any]:
    found = [c for c in drill["checks"] if c["what"].startswith(starts)]
    assert len(found) == 1, [c["what"] for c in drill["checks"]]
    return found[0]


def redis_killed(drill: Drill) -> None:
    # no hit in the window holds once a whole window has passed since the last hit
    delay = drill["detection_delay_s"]
    assert WINDOW - 2 * SCRAPE <= delay <= WINDOW + EVERY + SCRAPE + SLACK, delay
    assert drill["failed"] == 0 and drill["slowest_ms"] < 5000
    assert check(drill, "single flight bounds the stampede")["ok"]


def redis_paused(drill: Drill) -> None:
    assert drill["failed"] == 0
    assert drill["slowest_ms"] < 1500  # the Redis timeout (0.25 s), not the 5 s deadline
    assert check(drill, "the breaker closes after SIGCONT")["ok"]


def replica_stopped(drill: Drill) -> None:
    # one replica error is enough: the next tick sees it, one scrape later at most
    assert 0 < drill["detection_delay_s"] <= EVERY + SCRAPE + SLACK
    assert drill["failed"] == 0
    assert check(drill, "the primary takes the reads")["ok"]


def replica_lagging(drill: Drill) -> None:
    # the service's bound is 30 s of lag, counted from its first sample (one a second)
    # that saw the primary past the replica's replay position
    assert 30 <= drill["detection_delay_s"] <= 30 + 2 * SAMPLE + SLACK
    assert drill["failed"] == 0
    assert check(drill, "reads leave the stale replica")["ok"]
    assert check(drill, "after pg_wal_replay_resume()")["ok"]


def primary_slow(drill: Drill) -> None:
    # the first 504s end 5 s (the deadline) after the lock; five failing 6 s slices in a
    # row follow, the first of which may start up to a slice before that first 504
    delay = drill["detection_delay_s"]
    assert delay >= DEADLINE + 4 * SLICE - SCRAPE, delay
    assert delay <= DEADLINE + 5 * SLICE + EVERY + SCRAPE + SLACK, delay
    assert drill["failed"] > 0 and drill["slowest_ms"] < 6000
    assert check(drill, "cached responses keep being served")["ok"]


def worker_lost(drill: Drill) -> None:
    # Locust marks a worker missing after 3 heartbeats (a second apart) without one;
    # the gate's roll looks every second
    assert 2 <= drill["detection_delay_s"] <= 3 + 2 * HEARTBEAT + EVERY + SLACK
    assert check(drill, "the gate does not judge the run as if the load were complete")["ok"]


def prometheus_down(drill: Drill) -> None:
    # blind after --inconclusive-limit (4) ticks a second apart
    assert 0 < drill["detection_delay_s"] <= 4 * EVERY + SLACK
    assert check(drill, "the gate says inconclusive (exit 2), never pass")["ok"]


def rollback_cache(drill: Drill) -> None:
    assert check(drill, "slo check --profile rollback-verified passes")["ok"]
    assert check(drill, "a rollback that leaves caching on fails it")["ok"]


def rollback_replica(drill: Drill) -> None:
    assert check(drill, "slo check --profile rollback-replica-verified passes")["ok"]
    assert check(drill, "a rollback that leaves the replica on fails it")["ok"]


KEY: dict[str, Callable[[Drill], None]] = {
    "redis-killed": redis_killed,
    "redis-paused": redis_paused,
    "replica-stopped": replica_stopped,
    "replica-lagging": replica_lagging,
    "primary-slow": primary_slow,
    "prometheus-down": prometheus_down,
    "worker-lost": worker_lost,
    "rollback-cache": rollback_cache,
    "rollback-replica": rollback_replica,
}


def test_every_shipped_drill_has_its_test() -> None:
    assert sorted(p.stem for p in experiment_files()) == sorted(KEY)


@pytest.mark.parametrize("path", experiment_files(), ids=lambda p: p.stem)
def test_the_short_drill_holds_its_expectations(path: Path, tmp_path: Path) -> None:
    drill = run_drill(path, DrillOptions(out_dir=tmp_path, short=True))
    print(f"\n{drill['name']}: {drill['duration_s']} s, detection {drill['detection_delay_s']} s")
    failing = [f"{c['what']}: {c['got']}" for c in drill["checks"] if not c["ok"]]
    assert drill["ok"], "\n".join(failing)
    assert drill["fault_at"] is not None
    assert drill["status"] == "completed" and drill["deviated"] is False
    out = tmp_path / drill["name"]
    for name in ("journal.json", "drill.json", "report.md"):
        assert (out / name).is_file(), name
    KEY[drill["name"]](drill)
