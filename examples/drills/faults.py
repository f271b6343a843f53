"""The drills' fault actions against the reference stack: Chaos Toolkit python actions.

Each function is an action an experiment names (``module: examples.drills.faults``).
It touches only processes the stack launcher started and recorded in
``STACK_DIR/state.json``, by their recorded pid (the launcher checks each pid's start
time, so a reused pid is never hit), all on 127.0.0.1, and every wait is bounded. The
database faults (`database`: replay paused, tables locked) speak SQL to the stack's own
servers through the DSNs it recorded; the Locust workers of a distributed run
(`workers`) are the drill's own, recorded next to the stack. Each returns what it did,
with the unix time it did it (``at``): that is the drill's ``fault_at``.

On another platform these are the actions to swap for that platform's Chaos Toolkit
extension (``chaosk8s.pod.actions.terminate_pods``, ``chaosaws.ec2.actions.stop_instances``,
...); the experiments' slo probes stay as they are (docs/drills.md).
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

from reference_app.stack import load_stack, start_part, stop_part
from reference_app.stack.health import http_ok, wait_until
from reference_app.stack.processes import spawn, start_time, wait_gone
from reference_app.stack.servers import service_argv, service_env
from reference_app.stack.state import ProcessRecord, load_state

from .database import lock_catalog, pause_replay, release_drill_sessions, resume_replay
from .workers import kill_worker, start_workers, stop_workers

__all__ = [
    "kill_part",
    "kill_worker",
    "lock_catalog",
    "pause_part",
    "pause_replay",
    "restart_part",
    "restart_service",
    "restore_stack",
    "start_workers",
    "stop_stack_part",
]

SERVICE = "service"
PRIMARY = "primary"
REPLICA = "replica"
#: Bound on a part disappearing after a signal, or becoming healthy after a start.
WAIT_SECONDS = 30.0
#: Written by `restart_service` when the service runs with other settings than the
#: stack's own, so `restore_stack` knows to put the stack's own back.
OVERRIDES_FILE = "drill-service-env.json"
#: The longest pause an experiment may ask for: a frozen part is always resumed.
MAX_PAUSE_SECONDS = 120.0


def _pid(stack_dir: str, part: str) -> int:
    pids = load_stack(Path(stack_dir)).pids
    if part not in pids:
        raise RuntimeError(f"{part} is not running in the stack at {stack_dir}")
    return pids[part]


def kill_part(stack_dir: str, part: str, signal_name: str = "SIGKILL") -> dict[str, Any]:
    """Send `signal_name` to the part's recorded pid (no clean shutdown with SIGKILL) and
    wait until it is gone."""
    sig = signal.Signals[signal_name]
    pid = _pid(stack_dir, part)
    started = start_time(pid)
    at = time.time()
    os.kill(pid, sig)
    gone = started is None or wait_gone(pid, started, WAIT_SECONDS)
    return {"part": part, "pid": pid, "signal": sig.name, "at": at, "gone": gone}


def stop_stack_part(stack_dir: str, part: str) -> dict[str, Any]:
    """Stop a part the way its operator would (PostgreSQL: `pg_ctl stop -m fast`; others:
    SIGTERM, SIGKILL after 10 s); the rest of the stack keeps running."""
    info = load_stack(Path(stack_dir))
    pid = info.pids.get(part)
    at = time.time()
    stop_part(info, part)
    return {"part": part, "pid": pid, "at": at, "stopped_in_s": round(time.time() - at, 3)}


def pause_part(stack_dir: str, part: str, seconds: float) -> dict[str, Any]:
    """Freeze the part (SIGSTOP) for `seconds`, then resume it (SIGCONT), whatever happens
    in between: a hanging dependency, not a dead one."""
    if not 0 < seconds <= MAX_PAUSE_SECONDS:
        raise ValueError(f"pause between 0 and {MAX_PAUSE_SECONDS:g} s, got {seconds!r}")
    pid = _pid(stack_dir, part)
    at = time.time()
    os.kill(pid, signal.SIGSTOP)
    try:
        time.sleep(seconds)
    finally:
        os.kill(pid, signal.SIGCONT)
    resumed_at = time.time()
    return {"part": part, "pid": pid, "at": at, "resumed_at": resumed_at, "seconds": seconds}


def restart_part(stack_dir: str, part: str) -> dict[str, Any]:
    """Start a stopped part again on its port and data (Redis keeps no data: a cold
    start), once it is healthy; a no-op when it runs."""
    info = load_stack(Path(stack_dir))
    was_running = part in info.pids
    at = time.time()
    info = start_part(info, part)
    return {
        "part": part,
        "at": at,
        "ready_at": time.time(),
        "pid": info.pids.get(part),
        "was_running": was_running,
    }


def restart_service(stack_dir: str, env: dict[str, str | None] | None = None) -> dict[str, Any]:
    """Restart the stack's service on the same port with `env` over the stack's own
    settings (a None value removes a variable): the guide's quick rollback ("delete
    REDIS_URL", "delete SUPABASE_READ_REPLICA_URL") as a platform applies it, by
    redeploying. Prometheus keeps scraping the same address, load keeps going to it."""
    overrides = dict(env or {})
    directory = Path(stack_dir)
    info = load_stack(directory)
    at = time.time()
    stop_part(info, SERVICE)
    state = load_state(directory)
    port = state.ports[SERVICE]
    merged = service_env(state)
    for name, value in overrides.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    log_file = state.log_file(SERVICE)
    pid = spawn(SERVICE, service_argv(port), env=merged, log_file=log_file, append=True)
    started = start_time(pid)
    if started is None:
        raise RuntimeError(f"the service exited at once; see {log_file}")
    state.running[SERVICE] = ProcessRecord(
        pid=pid, start_time=started, port=port, log=str(log_file)
    )
    state.save()
    marker = directory / OVERRIDES_FILE
    if overrides:
        marker.write_text(json.dumps(overrides))
    else:
        marker.unlink(missing_ok=True)
    url = state.http_url(SERVICE)
    wait_until(
        SERVICE,
        "healthy (/health)",
        lambda: http_ok(f"{url}/health"),
        timeout=WAIT_SECONDS,
        log_file=log_file,
        pid=pid,
    )
    return {
        "part": SERVICE,
        "at": at,
        "ready_at": time.time(),
        "pid": pid,
        "env": {
            name: ("(removed)" if value is None else "(set)") for name, value in overrides.items()
        },
    }


def restore_stack(stack_dir: str) -> dict[str, Any]:
    """The experiments' rollback: stop the drill's Locust workers, resume every recorded
    part (SIGCONT is harmless to a running one), start every stopped part, resume WAL
    replay on the replica, end any drill session left on the primary (a lock), and give
    the service back its own settings if a drill changed them. Idempotent."""
    directory = Path(stack_dir)
    workers = stop_workers(stack_dir)
    info = load_stack(directory)
    resumed = []
    for part, pid in info.pids.items():
        try:
            os.kill(pid, signal.SIGCONT)
            resumed.append(part)
        except ProcessLookupError:
            pass
    started = []
    for part in info.options.parts():
        if part not in load_stack(directory).pids:
            start_part(load_stack(directory), part)
            started.append(part)
    parts = load_stack(directory).pids
    replaying = resume_replay(stack_dir) if REPLICA in parts else None
    sessions_ended = release_drill_sessions(stack_dir) if PRIMARY in parts else None
    service = None
    if (directory / OVERRIDES_FILE).exists() and SERVICE not in started:
        service = restart_service(stack_dir, {})
    (directory / OVERRIDES_FILE).unlink(missing_ok=True)
    return {
        "at": time.time(),
        "resumed": resumed,
        "started": started,
        "workers_stopped": workers,
        "replica_replaying": replaying,
        "drill_sessions_ended": sessions_ended,
        "service_settings_restored": service is not None,
    }
