"""The launcher finds the machine's binaries or says which apt package to install."""

from __future__ import annotations

from pathlib import Path

import pytest

from reference_app.stack import MissingBinaryError
from reference_app.stack.binaries import PG_REPLICA_TOOLS, PG_SERVER_TOOLS, find_binaries
from reference_app.stack.model import PARTS, PRIMARY, PROMETHEUS, SERVICE


def _executable(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path: Path) -> tuple[Path, str]:
    """A fake machine: redis-server and prometheus on PATH, PostgreSQL 14 and 15 installed."""
    bin_dir = tmp_path / "bin"
    for name in ("redis-server", "prometheus"):
        _executable(bin_dir / name)
    for version in ("14", "15"):
        for tool in PG_SERVER_TOOLS + PG_REPLICA_TOOLS:
            _executable(tmp_path / "lib" / version / "bin" / tool)
    return bin_dir, str(tmp_path / "lib" / "*" / "bin")


def test_every_binary_is_found_and_postgres_tools_come_from_the_newest_version(
    machine: tuple[Path, str],
) -> None:
    bin_dir, pg_roots = machine
    found = find_binaries(PARTS, path=str(bin_dir), pg_roots=pg_roots)
    assert found.redis_server == str(bin_dir / "redis-server")
    assert found.prometheus == str(bin_dir / "prometheus")
    assert found.pg_bindir.parent.name == "15"
    assert found.pg("initdb").endswith("/15/bin/initdb")


def test_a_missing_redis_server_names_the_binary_and_the_apt_package(
    machine: tuple[Path, str],
) -> None:
    bin_dir, pg_roots = machine
    (bin_dir / "redis-server").unlink()
    with pytest.raises(MissingBinaryError) as caught:
        find_binaries(PARTS, path=str(bin_dir), pg_roots=pg_roots)
    assert caught.value.binary == "redis-server"
    assert "apt-get install redis-server" in str(caught.value)


def test_redis_server_is_not_needed_without_redis(machine: tuple[Path, str]) -> None:
    bin_dir, pg_roots = machine
    (bin_dir / "redis-server").unlink()
    found = find_binaries((PRIMARY, PROMETHEUS, SERVICE), path=str(bin_dir), pg_roots=pg_roots)
    assert found.redis_server is None


def test_a_missing_postgres_install_names_initdb_and_the_postgresql_package(
    tmp_path: Path, machine: tuple[Path, str]
) -> None:
    bin_dir, _ = machine
    with pytest.raises(MissingBinaryError) as caught:
        find_binaries(PARTS, path=str(bin_dir), pg_roots=str(tmp_path / "none" / "*"))
    assert caught.value.binary == "initdb"
    assert "apt-get install postgresql" in str(caught.value)


def test_pg_basebackup_is_required_only_with_the_replica(
    tmp_path: Path, machine: tuple[Path, str]
) -> None:
    bin_dir, pg_roots = machine
    for version in ("14", "15"):
        (tmp_path / "lib" / version / "bin" / "pg_basebackup").unlink()
    with pytest.raises(MissingBinaryError, match="pg_basebackup"):
        find_binaries(PARTS, path=str(bin_dir), pg_roots=pg_roots)
    without_replica = tuple(p for p in PARTS if p != "replica")
    assert find_binaries(without_replica, path=str(bin_dir), pg_roots=pg_roots).pg_bindir


def test_a_missing_prometheus_names_the_prometheus_package(machine: tuple[Path, str]) -> None:
    bin_dir, pg_roots = machine
    (bin_dir / "prometheus").unlink()
    with pytest.raises(MissingBinaryError, match=r"apt-get install prometheus"):
        find_binaries(PARTS, path=str(bin_dir), pg_roots=pg_roots)
