"""Loopback ports for tests that must show a command asked nothing: one that listens and
tells whether a connection came, and one nothing listens on."""

from __future__ import annotations

import socket


def connected(s: socket.socket) -> bool:
    """Whether a connection came to the listening (non-blocking) socket ``s``."""
    try:
        conn, _ = s.accept()
    except BlockingIOError:
        return False
    conn.close()
    return True


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
