"""Processes are stopped by pid, never another process that got the same pid."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reference_app.stack import PartFailedError
from reference_app.stack.processes import is_alive, run, spawn, start_time, stop_process


def test_a_spawned_server_runs_until_stopped_and_writes_to_its_log(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "x.log"
    pid = spawn("x", ["sh", "-c", "echo started; exec sleep 30"], log_file=log)
    started = start_time(pid)
    assert started is not None
    deadline = time.monotonic() + 5
    while "started" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "started" in log.read_text()
    assert is_alive(pid, started)
    stop_process(pid, started)
    assert not is_alive(pid, started)


def test_a_server_that_ignores_sigterm_is_killed_after_the_grace_period(tmp_path: Path) -> None:
    pid = spawn("x", ["sh", "-c", "trap '' TERM; sleep 30 & wait"], log_file=tmp_path / "x.log")
    started = start_time(pid)
    assert started is not None
    stop_process(pid, started, grace=0.3)
    assert not is_alive(pid, started)


def test_a_pid_with_another_start_time_is_left_alone(tmp_path: Path) -> None:
    pid = spawn("x", ["sleep", "30"], log_file=tmp_path / "x.log")
    started = start_time(pid)
    assert started is not None
    stop_process(pid, started + 1)  # as if the pid had been reused by another process
    assert is_alive(pid, started)
    stop_process(pid, started)


def test_a_failing_command_names_the_part_the_tool_and_shows_the_log(tmp_path: Path) -> None:
    log = tmp_path / "primary.log"
    with pytest.raises(PartFailedError) as caught:
        run("primary", ["sh", "-c", "echo disk full; exit 3"], log_file=log, timeout=5)
    message = str(caught.value)
    assert message.startswith("primary: sh failed with exit status 3")
    assert str(log) in message
    assert "disk full" in message


def test_a_command_that_hangs_is_stopped_at_its_timeout(tmp_path: Path) -> None:
    with pytest.raises(PartFailedError, match="did not finish within"):
        run("replica", ["sleep", "30"], log_file=tmp_path / "r.log", timeout=0.3)
