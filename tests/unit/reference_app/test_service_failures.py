"""What health endpoints say about a failure: its kind and what to check, never its text."""

from __future__ import annotations

import asyncpg
import pytest

from reference_app.catalog_version import main as bump_main
from reference_app.failures import describe_failure
from reference_app.params import ListQuery

SECRET = "catalog:s3cret@10.1.2.3:5433"


@pytest.mark.parametrize(
    ("exc", "says"),
    [
        (ConnectionRefusedError(111, f"Connect call failed ('{SECRET}')"), "connection refused"),
        (TimeoutError(f"timed out talking to {SECRET}"), "no answer in time"),
        (asyncpg.InvalidPasswordError(f'password authentication failed for "{SECRET}"'), "auth"),
        (asyncpg.CannotConnectNowError(f"the database system is starting up {SECRET}"), "start"),
        (asyncpg.ConnectionDoesNotExistError(f"connection was closed {SECRET}"), "connection"),
        (asyncpg.UndefinedTableError(f'relation "{SECRET}" does not exist'), "SQLSTATE 42P01"),
        (OSError(f"[Errno -2] Name or service not known: {SECRET}"), "network error"),
        (RuntimeError(SECRET), "unexpected RuntimeError"),
    ],
)
def test_a_failure_is_named_by_its_kind_without_its_message(exc: Exception, says: str) -> None:
    text = describe_failure(exc)
    assert says in text
    assert "s3cret" not in text and "10.1.2.3" not in text
    assert text.endswith("the service log has the details")


def test_the_catalog_version_is_part_of_every_cache_key() -> None:
    query = ListQuery(limit=10)
    assert query.cache_key("a") != query.cache_key("b")
    assert query.cache_key("a") == ListQuery(limit=10).cache_key("a")
    assert query.cache_key("a").startswith("catalog:v2:all:")  # the guide's KEYS pattern


def test_bumping_the_version_without_redis_says_so_and_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert bump_main(["--redis-url", "redis://127.0.0.1:1/0"]) == 1
    assert "catalog version not bumped" in capsys.readouterr().err
