"""Start server processes in their own session, and stop exactly them by pid."""

from __future__ import annotations

import contextlib
import io
import os
import pwd
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .errors import PartFailedError

#: Popen objects of servers this process started, kept so they can be reaped.
_children: dict[int, subprocess.Popen[bytes]] = {}
#: Exit status of those that have exited, for error messages.
_exit_status: dict[int, int] = {}

GRACE_SECONDS = 10.0


def spawn(
    part: str,
    argv: Sequence[str],
    *,
    log_file: Path,
    env: Mapping[str, str] | None = None,
    user: str | None = None,
    cwd: Path | None = None,
    append: bool = False,
) -> int:
    """Start a long-running server; stdout and stderr go to `log_file`. Returns its pid.

    Each server leads its own session, so Ctrl-C in the launcher's terminal never
    reaches it directly and its own children share its process group.
    """
    with _open_log(log_file, append=append) as log:
        try:
            proc = subprocess.Popen(
                list(argv), cwd=cwd, start_new_session=True, **_child_io(log, env, user)
            )
        except OSError as exc:
            raise PartFailedError(part, f"cannot run {argv[0]}: {exc}", log_file) from exc
    _children[proc.pid] = proc
    _exit_status.pop(proc.pid, None)
    return proc.pid


def start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot, or None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] == "Z":  # a zombie has exited; only its exit status is left
        _reap(pid)
        return None
    return int(fields[19])


def is_alive(pid: int, started: int) -> bool:
    """True when `pid` still runs and is the same process we started (no pid reuse)."""
    return start_time(pid) == started


def exited_with(pid: int) -> int | None:
    """Exit status of one of our children that has exited, else None."""
    _reap(pid)
    return _exit_status.get(pid)


def stop_process(pid: int, started: int, *, grace: float = GRACE_SECONDS) -> None:
    """SIGTERM the process group, SIGKILL it after `grace` seconds; no-op if gone."""
    if not is_alive(pid, started):
        _reap(pid)
        return
    _signal_group(pid, signal.SIGTERM)
    if not wait_gone(pid, started, grace):
        _signal_group(pid, signal.SIGKILL)
        wait_gone(pid, started, 5.0)
    _reap(pid)


def wait_gone(pid: int, started: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(pid)
        if not is_alive(pid, started):
            return True
        time.sleep(0.05)
    return not is_alive(pid, started)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, sig)


def _reap(pid: int) -> None:
    proc = _children.get(pid)
    if proc is not None:
        status = proc.poll()
        if status is not None:
            _exit_status[pid] = status
            del _children[pid]
        return
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _open_log(log_file: Path, *, append: bool) -> io.BufferedWriter:
    """The log the child writes to, its folder created; `append` keeps earlier runs' output."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    return log_file.open("ab" if append else "wb")


def _child_io(
    log: io.BufferedWriter, env: Mapping[str, str] | None, user: str | None
) -> dict[str, Any]:
    """Popen arguments every child gets: no stdin, all output to its log, `env`, `user`."""
    return {
        "stdin": subprocess.DEVNULL,
        "stdout": log,
        "stderr": subprocess.STDOUT,
        "env": dict(env) if env is not None else None,
        **_as_user(user),
    }


def _as_user(user: str | None) -> dict[str, Any]:
    """Popen arguments that drop to `user` with its own group and no supplementary ones."""
    if user is None:
        return {}
    entry = pwd.getpwnam(user)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def run(
    part: str,
    argv: Sequence[str],
    *,
    log_file: Path,
    timeout: float,
    env: Mapping[str, str] | None = None,
    user: str | None = None,
) -> None:
    """Run a command to completion (initdb, pg_basebackup, pg_ctl); output appended to the log."""
    with _open_log(log_file, append=True) as log:
        log.write(f"$ {' '.join(argv)}\n".encode())
        log.flush()
        try:
            result = subprocess.run(
                list(argv), cwd="/", timeout=timeout, check=False, **_child_io(log, env, user)
            )
        except subprocess.TimeoutExpired:
            raise PartFailedError(
                part, f"{Path(argv[0]).name} did not finish within {timeout:.0f}s", log_file
            ) from None
    if result.returncode != 0:
        raise PartFailedError(
            part, f"{Path(argv[0]).name} failed with exit status {result.returncode}", log_file
        )
