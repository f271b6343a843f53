"""The launcher against real servers: lifecycle, isolation, clear failures, fault switches."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from reference_app.stack import (
    StackInfo,
    load_stack,
    spawn_service,
    start_part,
    stop_part,
)
from reference_app.stack.health import redis_pings

# Small and without the optional parts: these tests are about the launcher, not the data.
SMALL = ["--models", "200", "--no-redis", "--no-replica"]


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reference_app.stack", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _psql(info: StackInfo, port: int, sql: str) -> str:
    from reference_app.stack.binaries import find_binaries

    psql = find_binaries(("primary",)).pg("psql")
    password = info.admin_dsn.split(":")[2].split("@")[0]
    result = subprocess.run(
        [psql, "-X", "-At", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-c", sql],
        env={**os.environ, "PGPASSWORD": password},
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    return result.stdout.strip()


def test_up_status_down_leaves_no_process_and_no_data_beside_a_running_stack(
    stack: StackInfo, stack_dir: Path
) -> None:
    up = _cli("up", "--dir", str(stack_dir), *SMALL, "--json")
    assert up.returncode == 0, up.stderr
    parts = json.loads(up.stdout)["parts"]
    assert set(parts) == {"primary", "prometheus", "service"}
    assert not {p["port"] for p in parts.values()} & set(stack.ports.values())
    assert httpx.get(f"{parts['service']['url']}/health").status_code == 200
    assert httpx.get(f"{stack.service_url}/health").status_code == 200

    status = _cli("status", "--dir", str(stack_dir), "--json")
    assert status.returncode == 0
    assert {p["state"] for p in json.loads(status.stdout)["parts"].values()} == {"running"}
    human = _cli("status", "--dir", str(stack_dir)).stdout
    assert "catalog:***@" in human

    down = _cli("down", "--dir", str(stack_dir))
    assert down.returncode == 0, down.stderr
    assert not any(_running(p["pid"]) for p in parts.values())
    assert not (stack_dir / "data").exists()
    assert not (stack_dir / "state.json").exists()
    assert set(load_stack(stack.dir).pids) == set(stack.ports)  # the session stack runs on


def test_down_keep_data_keeps_the_databases_and_up_will_not_reuse_them(stack_dir: Path) -> None:
    up = _cli("up", "--dir", str(stack_dir), *SMALL, "--json")
    assert up.returncode == 0, up.stderr
    pids = [p["pid"] for p in json.loads(up.stdout)["parts"].values()]
    assert _cli("down", "--dir", str(stack_dir), "--keep-data").returncode == 0
    assert not any(_running(pid) for pid in pids)
    assert (stack_dir / "data" / "primary" / "PG_VERSION").exists()
    again = _cli("up", "--dir", str(stack_dir), *SMALL)
    assert again.returncode == 1
    assert "exists (kept by `down --keep-data`?)" in again.stderr


def test_a_taken_port_is_a_clear_error_and_nothing_is_started(
    stack: StackInfo, stack_dir: Path
) -> None:
    port = stack.ports["service"]
    up = _cli("up", "--dir", str(stack_dir), *SMALL, "--service-port", str(port))
    assert up.returncode == 1
    assert f"service: port {port} on 127.0.0.1 is already in use" in up.stderr
    assert not (stack_dir / "state.json").exists()


def test_a_missing_binary_is_a_clear_error_naming_the_package(stack_dir: Path) -> None:
    no_redis = {**os.environ, "PATH": str(stack_dir)}
    up = _cli("up", "--dir", str(stack_dir), env=no_redis)
    assert up.returncode == 1
    assert "redis-server not found" in up.stderr
    assert "apt-get install redis-server" in up.stderr


def test_a_part_failing_midway_names_its_log_and_stops_the_rest(stack_dir: Path) -> None:
    # a pool size of 0 is rejected by the service's settings: the service exits at start-up
    up = _cli("up", "--dir", str(stack_dir), *SMALL, "--primary-pool", "0", "--timeout", "20")
    assert up.returncode == 1
    assert "service: exited with exit status" in up.stderr
    assert str(stack_dir / "logs" / "service.log") in up.stderr
    assert not (stack_dir / "data").exists()
    assert not (stack_dir / "state.json").exists()
    leftovers = subprocess.run(
        ["pgrep", "-f", str(stack_dir)], capture_output=True, text=True, check=False
    )
    assert leftovers.stdout == ""


def test_prometheus_scrapes_the_service(stack: StackInfo) -> None:
    response = httpx.get(
        f"{stack.prometheus_url}/api/v1/query", params={"query": 'up{job="reference_app"}'}
    )
    [sample] = response.json()["data"]["result"]
    assert sample["metric"]["instance"] == f"127.0.0.1:{stack.ports['service']}"
    assert sample["value"][1] == "1"


def test_redis_can_be_stopped_and_started_again_on_the_same_port(stack: StackInfo) -> None:
    port = stack.ports["redis"]
    before = load_stack(stack.dir)  # other tests may have restarted it already
    stopped = stop_part(before, "redis")
    try:
        assert "redis" not in stopped.pids
        assert not _running(before.pids["redis"])
        with pytest.raises(OSError):
            redis_pings(port)
        assert "redis" not in load_stack(stack.dir).pids
        status = _cli("status", "--dir", str(stack.dir), "--json")
        assert status.returncode == 1
        assert json.loads(status.stdout)["parts"]["redis"]["state"] == "stopped"
    finally:
        restarted = start_part(stopped, "redis")
    assert restarted.ports["redis"] == port
    assert redis_pings(port)
    assert load_stack(stack.dir).pids["redis"] == restarted.pids["redis"]


def test_the_replica_can_be_stopped_and_streams_again_when_started(stack: StackInfo) -> None:
    port = stack.ports["replica"]
    before = load_stack(stack.dir)
    stopped = stop_part(before, "replica")
    try:
        assert "replica" not in stopped.pids
        assert not _running(before.pids["replica"])
    finally:
        restarted = start_part(stopped, "replica")
    assert restarted.ports["replica"] == port
    assert _psql(restarted, port, "SELECT pg_is_in_recovery()") == "t"
    streaming = "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
    assert _psql(restarted, stack.ports["primary"], streaming) == "1"


def test_an_extra_service_runs_with_overridden_settings_and_stops(stack: StackInfo) -> None:
    with spawn_service(stack, {"REDIS_URL": None}) as extra:
        assert extra.port not in stack.ports.values()
        environ = Path(f"/proc/{extra.pid}/environ").read_bytes().split(b"\0")
        assert not any(v.startswith(b"REDIS_URL=") for v in environ)
        assert f"DATABASE_URL={stack.primary_dsn}".encode() in environ
        response = httpx.get(f"{extra.url}/models", params={"limit": 3})
        assert response.status_code == 200
        assert "X-Cache" not in response.headers  # no REDIS_URL: caching is off
        recorded = json.loads(stack.state_file.read_text())["extra_services"]
        assert [r["pid"] for r in recorded] == [extra.pid]
    assert not _running(extra.pid)
    assert json.loads(stack.state_file.read_text())["extra_services"] == []


def test_a_launcher_killed_with_sigterm_midway_stops_what_it_started(stack_dir: Path) -> None:
    up = subprocess.Popen(
        [sys.executable, "-m", "reference_app.stack", "up", "--dir", str(stack_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    state_file = stack_dir / "state.json"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and up.poll() is None:
        if state_file.exists() and "primary" in json.loads(state_file.read_text())["running"]:
            break  # state.json is replaced atomically, so it always parses
        time.sleep(0.05)
    started = json.loads(state_file.read_text())["running"]
    up.send_signal(signal.SIGTERM)
    _, err = up.communicate(timeout=60)
    assert up.returncode == 130, err
    assert not any(_running(p["pid"]) for p in started.values())
    assert not state_file.exists()
    assert not (stack_dir / "data").exists()
