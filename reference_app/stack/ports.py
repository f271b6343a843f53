"""Port choice that keeps two stacks on one machine (tests, demo) apart.

Ports come from below the kernel's ephemeral range, so an outgoing connection
can never grab a stack's port while a part is stopped for a fault test. Two
launchers starting at the same time cannot pick the same port: choices are
written, under an exclusive lock, to a machine-wide reservation file that
others skip until the reservation expires (by then the server has bound it).
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import socket
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from .errors import PortInUseError, StackError
from .files import open_lock, write_atomic
from .model import LOOPBACK

# One file per user: a file another user created may not be writable by us.
RESERVATIONS = Path(tempfile.gettempdir()) / f"reference-app-stack-ports-{os.getuid()}.json"
RESERVATION_SECONDS = 300.0
LOW_PORT = 20000
EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def port_is_free(port: int) -> bool:
    """True when a server could bind `port` on loopback right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def choose_ports(
    parts: Iterable[str],
    requested: Mapping[str, int],
    *,
    reservations: Path = RESERVATIONS,
) -> dict[str, int]:
    """A free loopback port per part; a requested port that is taken is a `PortInUseError`."""
    parts = tuple(parts)
    for part, port in requested.items():
        if part in parts and not port_is_free(port):
            raise PortInUseError(part, port)
    chosen = {part: requested[part] for part in parts if part in requested}
    with _locked(reservations) as held:
        taken = set(held) | set(chosen.values())
        for part in parts:
            if part not in chosen:
                chosen[part] = _free_port(taken)
                taken.add(chosen[part])
        now = time.time()
        held.update({port: now + RESERVATION_SECONDS for port in chosen.values()})
    return chosen


def _free_port(taken: set[int]) -> int:
    high = _ephemeral_low() - 1
    for _ in range(200):
        port = random.randint(LOW_PORT, high)
        if port not in taken and port_is_free(port):
            return port
    raise StackError(f"no free port found on {LOOPBACK} between {LOW_PORT} and {high}")


def _ephemeral_low() -> int:
    try:
        return int(EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


class _locked:
    """Context manager: the live reservations (port -> expiry), saved back on exit."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.lock = file.with_suffix(".lock")

    def __enter__(self) -> dict[int, float]:
        self.fd = open_lock(self.lock)  # held until __exit__
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            raw: dict[str, float] = json.loads(self.file.read_text())
        except (OSError, ValueError):
            raw = {}
        now = time.time()
        self.held = {int(p): float(t) for p, t in raw.items() if float(t) > now}
        return self.held

    def __exit__(self, *exc: object) -> None:
        try:
            data = {str(p): t for p, t in self.held.items()}
            write_atomic(self.file, json.dumps(data))
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            self.fd.close()
