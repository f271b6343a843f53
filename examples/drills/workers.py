"""The worker-lost drill's load generators: Locust workers the drill starts beside the
stack, one of which it kills by pid in the middle of the run.

The workers connect to the experiment's Locust master on 127.0.0.1; their pids (and
start times, so a reused pid is never hit) are recorded in the stack's directory
(``drill-workers.json``), and `restore_stack` stops any still running. Their output goes
to the stack's ``logs/``, kept with the drill's report. The experiments name them
through `examples.drills.faults`.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from reference_app.stack.processes import spawn, start_time, stop_process, wait_gone

__all__ = ["kill_worker", "start_workers", "stop_workers"]

RECORD = "drill-workers.json"
MAX_WORKERS = 8
WAIT_SECONDS = 30.0


def _record(stack_dir: str) -> Path:
    return Path(stack_dir) / RECORD


def _recorded(stack_dir: str) -> list[dict[str, Any]]:
    path = _record(stack_dir)
    return list(json.loads(path.read_text())) if path.exists() else []


def start_workers(
    stack_dir: str, locustfile: str, master_port: int, count: int = 2
) -> dict[str, Any]:
    """Start `count` Locust workers (`locust --worker`) for the master on
    127.0.0.1:`master_port`, and record them."""
    if not 0 < int(count) <= MAX_WORKERS:
        raise ValueError(f"between 1 and {MAX_WORKERS} workers, got {count!r}")
    path = Path(locustfile).resolve()
    argv = [
        sys.executable, "-m", "locust", "-f", str(path), "--worker",
        "--master-host", "127.0.0.1", "--master-port", str(int(master_port)),
    ]  # fmt: skip
    workers = _recorded(stack_dir)
    for index in range(len(workers), len(workers) + int(count)):
        log_file = Path(stack_dir) / "logs" / f"locust-worker-{index}.log"
        pid = spawn(f"locust worker {index}", argv, log_file=log_file, cwd=path.parent)
        started = start_time(pid)
        if started is None:
            raise RuntimeError(f"locust worker {index} exited at once; see {log_file}")
        workers.append({"index": index, "pid": pid, "start_time": started, "log": str(log_file)})
        _record(stack_dir).write_text(json.dumps(workers))
    return {"at": time.time(), "pids": [w["pid"] for w in workers], "port": int(master_port)}


def kill_worker(stack_dir: str, index: int = 1, signal_name: str = "SIGKILL") -> dict[str, Any]:
    """Send `signal_name` to the recorded worker `index` (SIGKILL: it says nothing to the
    master) and wait until it is gone."""
    sig = signal.Signals[signal_name]
    found = [w for w in _recorded(stack_dir) if w["index"] == int(index)]
    if not found or start_time(found[0]["pid"]) != found[0]["start_time"]:
        raise RuntimeError(f"locust worker {index} is not running (see {_record(stack_dir)})")
    worker = found[0]
    at = time.time()
    os.kill(worker["pid"], sig)
    gone = wait_gone(worker["pid"], worker["start_time"], WAIT_SECONDS)
    return {
        "index": worker["index"],
        "pid": worker["pid"],
        "signal": sig.name,
        "at": at,
        "gone": gone,
    }


def stop_workers(stack_dir: str) -> list[int]:
    """Stop every recorded worker still running (SIGTERM, then SIGKILL); their pids."""
    stopped = []
    for worker in _recorded(stack_dir):
        if start_time(worker["pid"]) == worker["start_time"]:
            stop_process(worker["pid"], worker["start_time"])
            stopped.append(worker["pid"])
    _record(stack_dir).unlink(missing_ok=True)
    return stopped
