"""Bounded waits for each part to become healthy; a dead process fails fast."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from .errors import PartFailedError
from .model import LOOPBACK
from .processes import exited_with, start_time

POLL_SECONDS = 0.1
# Every check is on loopback: `trust_env=False` keeps HTTP(S)_PROXY settings out of it.


def wait_until(
    part: str,
    what: str,
    check: Callable[[], bool],
    *,
    timeout: float,
    log_file: Path | None,
    pid: int | None = None,
) -> None:
    """Poll `check` until it returns True; raise `PartFailedError` on timeout or process exit.

    `check` returning False or raising a connection or subprocess error means "not yet".
    """
    deadline = time.monotonic() + timeout
    last_error = ""
    while True:
        try:
            if check():
                return
        except (OSError, httpx.HTTPError, subprocess.SubprocessError) as exc:
            last_error = f" (last error: {exc})"
        if pid is not None and start_time(pid) is None:
            status = exited_with(pid)
            code = f" with exit status {status}" if status is not None else ""
            raise PartFailedError(part, f"exited{code} before {what}", log_file)
        if time.monotonic() >= deadline:
            raise PartFailedError(part, f"not {what} after {timeout:.0f}s{last_error}", log_file)
        time.sleep(POLL_SECONDS)


def redis_pings(port: int) -> bool:
    """True when redis-server on `port` answers PING with PONG."""
    with socket.create_connection((LOOPBACK, port), timeout=1.0) as sock:
        sock.sendall(b"PING\r\n")
        return sock.recv(64).startswith(b"+PONG")


def http_ok(url: str) -> bool:
    """True when GET `url` answers 200."""
    return httpx.get(url, timeout=2.0, trust_env=False).status_code == 200


def target_up(prometheus_url: str, job: str) -> bool:
    """True when Prometheus reports `up == 1` for the scrape job `job`."""
    response = httpx.get(
        f"{prometheus_url}/api/v1/query",
        params={"query": f'up{{job="{job}"}}'},
        timeout=2.0,
        trust_env=False,
    )
    if response.status_code != 200:
        return False
    result = response.json()["data"]["result"]
    return bool(result) and all(sample["value"][1] == "1" for sample in result)
