"""Ports: free, outside the ephemeral range, never handed to two stacks at once."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reference_app.stack import PortInUseError
from reference_app.stack.ports import choose_ports, port_is_free

PARTS = ("redis", "primary", "replica", "prometheus", "service")


@pytest.fixture
def listening() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_each_part_gets_a_distinct_free_port_below_the_ephemeral_range(tmp_path: Path) -> None:
    ports = choose_ports(PARTS, {}, reservations=tmp_path / "r.json")
    assert set(ports) == set(PARTS)
    assert len(set(ports.values())) == len(PARTS)
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    assert all(20000 <= port < low for port in ports.values())
    assert all(port_is_free(port) for port in ports.values())


def test_two_launchers_never_get_the_same_port_before_either_binds(tmp_path: Path) -> None:
    reservations = tmp_path / "r.json"
    first = choose_ports(PARTS, {}, reservations=reservations)
    second = choose_ports(PARTS, {}, reservations=reservations)
    assert not set(first.values()) & set(second.values())


def test_expired_reservations_are_forgotten(tmp_path: Path) -> None:
    reservations = tmp_path / "r.json"
    reservations.write_text(json.dumps({"20001": time.time() - 1}))
    choose_ports(("redis",), {}, reservations=reservations)
    assert "20001" not in json.loads(reservations.read_text())


def test_a_requested_port_is_used_as_is(tmp_path: Path) -> None:
    free = choose_ports(("service",), {}, reservations=tmp_path / "a.json")["service"]
    ports = choose_ports(PARTS, {"service": free}, reservations=tmp_path / "b.json")
    assert ports["service"] == free


def test_a_requested_port_that_is_taken_is_a_clear_error(tmp_path: Path, listening: int) -> None:
    with pytest.raises(PortInUseError) as caught:
        choose_ports(PARTS, {"primary": listening}, reservations=tmp_path / "r.json")
    assert caught.value.part == "primary"
    assert f"port {listening}" in str(caught.value)
    assert "already in use" in str(caught.value)


def test_a_listening_port_is_not_free(listening: int) -> None:
    assert not port_is_free(listening)
