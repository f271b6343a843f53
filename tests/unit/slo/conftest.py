"""Every test of the ``slo`` command starts from an environment without ``SLO_*`` options,
whatever the developer's shell exports; a test that needs one sets it. ``listener``: a
loopback port that tells whether any connection came (see ``ports.connected``)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from slo.cli.options import ENVIRONMENT


@pytest.fixture(autouse=True)
def _no_slo_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ENVIRONMENT.values():
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A port that accepts connections and tells whether any came (none may)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        s.setblocking(False)
        yield s
