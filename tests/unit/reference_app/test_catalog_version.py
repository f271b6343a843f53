"""The writer's command: its arguments, and what it says when a database does not answer.
Waiting for a real replica (and refusing to bump while replay is paused) is tested on the
stack, in tests/integration/test_service_layers.py."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import pytest
from ports import closed_port, connected

from reference_app.catalog_version import main, wait_for_replica

PASSWORD = "s3cret-pw"


@pytest.fixture
def redis_listener() -> Iterator[tuple[str, socket.socket]]:
    """A loopback 'Redis' that only records whether anyone connected."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        s.setblocking(False)
        yield f"redis://:{PASSWORD}@127.0.0.1:{s.getsockname()[1]}/0", s


def pg(port: int) -> str:
    return f"postgresql://writer:{PASSWORD}@127.0.0.1:{port}/catalog"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--replica-url", pg(1)], "--database-url and --replica-url go together"),
        (["--database-url", pg(1)], "--database-url and --replica-url go together"),
        (["--replica-wait", "-1"], "expected seconds >= 0, got '-1'"),
        (["--replica-wait", "nan"], "expected seconds >= 0, got 'nan'"),
        (["--replica-wait", "soon"], "expected seconds, got 'soon'"),
    ],
)
def test_bad_arguments_exit_2_before_anything_is_asked(
    args: list[str],
    says: str,
    redis_listener: tuple[str, socket.socket],
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, listener = redis_listener
    with pytest.raises(SystemExit) as exit_:
        main(["--redis-url", url, *args])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert says in err
    assert PASSWORD not in err
    assert not connected(listener)


@pytest.mark.parametrize(
    ("primary", "replica", "says"),
    [
        (
            pg(0),
            pg(0),
            "catalog version not bumped: the primary: connection refused (server down or "
            "wrong port)",
        ),
        (
            f"postgresql://writer:{PASSWORD}@127.0.0.1:notaport/catalog",
            pg(0),
            "catalog version not bumped: the primary: the URL is not a valid PostgreSQL URL",
        ),
    ],
)
def test_a_database_that_does_not_answer_exits_1_without_bumping_or_showing_its_url(
    primary: str,
    replica: str,
    says: str,
    redis_listener: tuple[str, socket.socket],
    capsys: pytest.CaptureFixture[str],
) -> None:
    primary = primary.replace(":0/", f":{closed_port()}/")
    replica = replica.replace(":0/", f":{closed_port()}/")
    url, listener = redis_listener
    code = main(["--redis-url", url, "--database-url", primary, "--replica-url", replica])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.strip() == says
    assert PASSWORD not in out + err and "127.0.0.1" not in out + err
    assert not connected(listener)  # Redis was never asked: the version stays as it was


def test_the_wait_must_be_a_number_of_seconds() -> None:
    with pytest.raises(ValueError, match="expected seconds >= 0"):
        asyncio.run(wait_for_replica(pg(1), pg(1), within=-1))


def test_help_says_what_it_waits_for_and_its_exit_codes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "waits until the replica has replayed every commit made on the primary" in text
    assert "Exit status: 0 bumped; 1 not bumped" in text
    assert "2 bad arguments" in text
    assert "No password is ever printed" in text  # the tests above check it


def test_a_redis_that_does_not_answer_exits_1_without_its_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--redis-url", f"redis://:{PASSWORD}@127.0.0.1:{closed_port()}/0"]) == 1
    out, err = capsys.readouterr()
    assert err.startswith("catalog version not bumped: ")
    assert PASSWORD not in out + err
