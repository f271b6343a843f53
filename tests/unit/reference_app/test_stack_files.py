"""The stack's own files are written atomically and never through a planted symlink."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from reference_app.stack import StackError, StackOptions
from reference_app.stack.files import write_atomic
from reference_app.stack.ports import choose_ports
from reference_app.stack.state import StackState

PORTS = {"redis": 21001, "primary": 21002, "replica": 21003, "prometheus": 21004, "service": 21005}


def _victim(tmp_path: Path) -> Path:
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch\n")
    return victim


def test_a_symlink_planted_at_the_state_file_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = _victim(tmp_path)
    stack_dir = tmp_path / "stack"
    stack_dir.mkdir()
    (stack_dir / "state.json").symlink_to(victim)
    options = StackOptions(dir=stack_dir)
    StackState(
        dir=stack_dir,
        options=options,
        ports={p: PORTS[p] for p in options.parts()},
        passwords={"postgres": "a", "catalog": "b", "replicator": "c"},
        pg_bindir="/pg/bin",
    ).save()
    assert victim.read_text() == "do not touch\n"
    record = stack_dir / "state.json"
    assert not record.is_symlink()
    assert json.loads(record.read_text())["ports"]["redis"] == 21001
    assert stat.S_IMODE(os.stat(record).st_mode) == 0o600
    assert sorted(p.name for p in stack_dir.iterdir()) == ["state.json"]  # no temp file left


def test_a_symlink_planted_at_the_port_reservations_is_replaced_not_followed(
    tmp_path: Path,
) -> None:
    victim = _victim(tmp_path)
    reservations = tmp_path / "reference-app-stack-ports-1000.json"
    reservations.symlink_to(victim)
    ports = choose_ports(("redis",), {}, reservations=reservations)
    assert victim.read_text() == "do not touch\n"
    assert not reservations.is_symlink()
    assert list(json.loads(reservations.read_text())) == [str(ports["redis"])]


def test_the_old_fixed_temp_name_is_never_used(tmp_path: Path) -> None:
    # The launcher used to write `<name>.tmp` then rename it: a symlink planted there
    # was followed. Now the temporary file has a fresh, exclusive name.
    victim = _victim(tmp_path)
    reservations = tmp_path / "reference-app-stack-ports-1000.json"
    (tmp_path / "reference-app-stack-ports-1000.tmp").symlink_to(victim)
    choose_ports(("redis",), {}, reservations=reservations)
    assert victim.read_text() == "do not touch\n"


def test_a_symlink_planted_at_the_lock_file_is_refused(tmp_path: Path) -> None:
    victim = _victim(tmp_path)
    reservations = tmp_path / "reference-app-stack-ports-1000.json"
    (tmp_path / "reference-app-stack-ports-1000.lock").symlink_to(victim)
    with pytest.raises(StackError, match="symlink"):
        choose_ports(("redis",), {}, reservations=reservations)
    assert victim.read_text() == "do not touch\n"


def test_an_atomic_write_has_its_mode_and_content(tmp_path: Path) -> None:
    path = write_atomic(tmp_path / "prometheus.yml", "scrape_configs: []\n", mode=0o644)
    assert path.read_text() == "scrape_configs: []\n"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
