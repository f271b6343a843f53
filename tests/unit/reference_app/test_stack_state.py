"""state.json: the record `down`, `status` and the Python API read back."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from reference_app.stack import StackOptions, StackStateError, redact
from reference_app.stack.state import ProcessRecord, StackState, load_state

PORTS = {"redis": 21001, "primary": 21002, "replica": 21003, "prometheus": 21004, "service": 21005}
PASSWORDS = {"postgres": "su-pw", "catalog": "cat-pw", "replicator": "rep-pw"}


def _state(tmp_path: Path, **options: object) -> StackState:
    opts = StackOptions(dir=tmp_path, **options)  # type: ignore[arg-type]
    ports = {p: PORTS[p] for p in opts.parts()}
    return StackState(
        dir=tmp_path, options=opts, ports=ports, passwords=dict(PASSWORDS), pg_bindir="/pg/bin"
    )


def test_the_record_survives_a_round_trip_through_the_file(tmp_path: Path) -> None:
    state = _state(tmp_path, cache_ttl=7, models=50, ports={"service": 21005})
    state.running["redis"] = ProcessRecord(pid=1, start_time=1, port=21001, log="x.log")
    state.save()
    loaded = load_state(tmp_path)
    assert loaded.options == state.options
    assert loaded.ports == state.ports
    assert loaded.running == state.running
    assert loaded.pg_bindir == "/pg/bin"


def test_the_record_lists_each_parts_url_and_data_dir(tmp_path: Path) -> None:
    _state(tmp_path).save()
    document = json.loads((tmp_path / "state.json").read_text())
    assert document["urls"]["primary"] == "postgresql://catalog:cat-pw@127.0.0.1:21002/catalog"
    assert document["data_dirs"]["replica"] == str(tmp_path / "data" / "replica")


def test_the_record_is_readable_by_its_owner_only_because_it_holds_passwords(
    tmp_path: Path,
) -> None:
    _state(tmp_path).save()
    assert stat.S_IMODE(os.stat(tmp_path / "state.json").st_mode) == 0o600


def test_the_info_carries_the_dsns_with_their_passwords(tmp_path: Path) -> None:
    info = _state(tmp_path).info()
    assert info.primary_dsn == "postgresql://catalog:cat-pw@127.0.0.1:21002/catalog"
    assert info.replica_dsn == "postgresql://catalog:cat-pw@127.0.0.1:21003/catalog"
    assert info.redis_url == "redis://127.0.0.1:21001/0"
    assert info.service_url == "http://127.0.0.1:21005"
    assert info.prometheus_url == "http://127.0.0.1:21004"


def test_the_rollback_switches_leave_out_redis_and_the_replica(tmp_path: Path) -> None:
    info = _state(tmp_path, redis=False, replica=False).info()
    assert info.redis_url is None
    assert info.replica_dsn is None
    assert set(info.ports) == {"primary", "prometheus", "service"}


def test_a_recorded_process_that_no_longer_runs_has_no_pid(tmp_path: Path) -> None:
    state = _state(tmp_path)
    me = os.getpid()
    state.running["redis"] = ProcessRecord(pid=me, start_time=-1, port=21001, log="x")
    assert state.info().pids == {}


def test_a_directory_without_a_stack_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StackStateError, match="no stack recorded"):
        load_state(tmp_path)


def test_an_unknown_state_version_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text('{"version": 99}')
    with pytest.raises(StackStateError, match="unknown state version 99"):
        load_state(tmp_path)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql://catalog:s3cr-t@127.0.0.1:5/catalog",
            "postgresql://catalog:***@127.0.0.1:5/catalog",
        ),
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
    ],
)
def test_passwords_are_redacted_for_humans(url: str, shown: str) -> None:
    assert redact(url) == shown
