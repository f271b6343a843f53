"""The catalog version: how one catalog change reaches every service process's cache.

Redis holds ``catalog:version``, an opaque token. Every cache key hashes it in, so a new
token makes every earlier response unreachable at once in Redis (the old keys age out by
their TTL or LRU), and each process clears its in-process layer when it sees the token
change (it polls the key every 0.25 s, see ``reference_app.cache``).

Whoever changes the catalog bumps the version after committing, and after the read replica
has replayed the change: a rebuild from a replica that has not would cache the old rows
under the new version, for the whole TTL. Given both database URLs, the command waits for
the replica itself, and does not bump when it stays behind:

    python -m reference_app.catalog_version --redis-url redis://127.0.0.1:6379/0 \\
        --database-url "$DATABASE_URL" --replica-url "$READ_REPLICA_URL"

"Replayed the change" is judged by WAL position, and the position has to be the right one.
With ``synchronous_commit = off`` (the reference stack's setting, and a common one) a commit
returns before its WAL is written, so ``pg_current_wal_lsn()`` read just after it can
still lie before the commit: a replica replayed up to there has not got the change. Nor is
``pg_current_wal_insert_lsn()`` safe: at a page boundary it points past a page header no
record has been written to yet, which a quiet replica never reaches. So the command first
commits a transaction of its own with ``synchronous_commit = on``, which flushes every
earlier commit, and waits for the replica to replay the primary's flushed position. Its one
record is a logical-decoding message (``pg_logical_emit_message``, no table, no privilege
beyond connecting): a transaction that only takes an xid is committed asynchronously
whatever the setting, since it wrote nothing else.

A missing key (Redis restarted, ``FLUSHDB``) is replaced by a fresh token by the first
process that notices, so a lost version never brings back an old namespace.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import secrets
import sys
import time
from collections.abc import AsyncIterator, Sequence

import asyncpg

from reference_app.failures import describe_failure

__all__ = [
    "VERSION_KEY",
    "DatabaseFailed",
    "ReplicaBehind",
    "bump_catalog_version",
    "committed_position",
    "main",
    "new_version",
    "wait_for_replica",
]

# Outside `catalog:v2:*`, so the guide's `redis-cli KEYS "catalog:v2:*"` lists responses only.
VERSION_KEY = "catalog:version"
DEFAULT_REPLICA_WAIT = 30.0
CONNECT_SECONDS = 5.0
_POLL_SECONDS = 0.05


class ReplicaBehind(Exception):
    """The replica did not replay the primary's commits in time (or is no replica)."""


class DatabaseFailed(Exception):
    """The primary or the replica did not answer; says which, never the driver's text (a
    DSN's password can be in it)."""

    def __init__(self, which: str, cause: BaseException) -> None:
        what = (
            "the URL is not a valid PostgreSQL URL"
            if isinstance(cause, ValueError | asyncpg.ClientConfigurationError)
            else describe_failure(cause, details="")
        )
        super().__init__(f"the {which}: {what}")


def new_version() -> str:
    return secrets.token_hex(8)


def bump_catalog_version(redis_url: str, *, timeout: float = 5.0) -> str:
    """Give the catalog a new version in Redis; every process serves fresh data within 1 s.

    Call it once the replica has the change (:func:`wait_for_replica`)."""
    from redis import Redis

    version = new_version()
    with Redis.from_url(redis_url, socket_timeout=timeout, socket_connect_timeout=timeout) as r:
        r.set(VERSION_KEY, version)
    return version


async def committed_position(primary: asyncpg.Connection) -> str:
    """A WAL position on the primary at or past every commit made before this call, even
    asynchronous ones: one synchronous commit flushes them all, then the flushed position
    is read (see the module's docstring for why not ``pg_current_wal_lsn()``)."""
    async with primary.transaction():
        await primary.execute("SET LOCAL synchronous_commit = on")
        # One WAL record, so the commit is a synchronous one (an xid alone is not).
        await primary.execute("SELECT pg_logical_emit_message(true, 'catalog_version', '')")
    position: str = await primary.fetchval("SELECT pg_current_wal_flush_lsn()::text")
    return position


async def wait_for_replica(primary_dsn: str, replica_dsn: str, *, within: float) -> float:
    """Wait until the replica has replayed every transaction the primary committed before
    this call; the seconds it took. :class:`ReplicaBehind` when it has not within
    ``within`` seconds, :class:`DatabaseFailed` when either server fails to answer."""
    if not (math.isfinite(within) and within >= 0):
        raise ValueError(f"within: expected seconds >= 0, got {within!r}")
    started = time.monotonic()
    async with _session("primary", primary_dsn) as primary:
        position = await committed_position(primary)
    async with _session("replica", replica_dsn) as replica:
        if not await replica.fetchval("SELECT pg_is_in_recovery()"):
            raise ReplicaBehind("the replica URL names a server that is not a standby")
        deadline = started + within
        while True:
            sql = "SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn"
            if await replica.fetchval(sql, position):
                return time.monotonic() - started
            if time.monotonic() >= deadline:
                paused = await _pause_state(replica)
                hint = (
                    f"its WAL replay is {paused} (pg_wal_replay_resume() on the replica)"
                    if paused in ("paused", "pause requested")
                    else "it is lagging, or its WAL stream is cut"
                )
                raise ReplicaBehind(
                    f"the replica has not replayed the primary's commits (WAL {position}) "
                    f"within {within:g} s: {hint}"
                )
            await asyncio.sleep(_POLL_SECONDS)


async def _pause_state(replica: asyncpg.Connection) -> str | None:
    """``paused``, ``pause requested`` or ``not paused``; None before PostgreSQL 14."""
    try:
        state: str = await replica.fetchval("SELECT pg_get_wal_replay_pause_state()")
    except asyncpg.UndefinedFunctionError:
        return None
    return state


@contextlib.asynccontextmanager
async def _session(which: str, dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection to ``which`` server; its failures become :class:`DatabaseFailed`."""
    try:
        conn = await asyncpg.connect(dsn, timeout=CONNECT_SECONDS, command_timeout=10)
    except Exception as exc:
        raise DatabaseFailed(which, exc) from exc
    try:
        yield conn
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise DatabaseFailed(which, exc) from exc
    finally:
        with contextlib.suppress(Exception):
            await conn.close(timeout=CONNECT_SECONDS)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"expected seconds >= 0, got {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m reference_app.catalog_version",
        description="Bump the catalog version after a catalog change: every service process "
        "drops its cached responses within a second. Given the primary's and the replica's "
        "URLs, it first waits until the replica has replayed every commit made on the "
        "primary before it ran, and does not bump if the replica stays behind (a rebuild "
        "from a stale replica would cache the old rows under the new version).",
        epilog="Exit status: 0 bumped; 1 not bumped (Redis or a database did not answer, "
        "or the replica stayed behind); 2 bad arguments. No password is ever printed.",
    )
    parser.add_argument("--redis-url", required=True, help="the services' REDIS_URL")
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="the primary (the services' DATABASE_URL); needed with --replica-url",
    )
    parser.add_argument(
        "--replica-url",
        metavar="URL",
        help="the read replica (READ_REPLICA_URL): bump only once it has replayed the change",
    )
    parser.add_argument(
        "--replica-wait",
        type=_seconds,
        default=DEFAULT_REPLICA_WAIT,
        metavar="SECONDS",
        help=f"how long to wait for the replica (default {DEFAULT_REPLICA_WAIT:g}); "
        "past it, exit 1 without bumping",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if (args.replica_url is None) != (args.database_url is None):
        parser.error(
            "--database-url and --replica-url go together: the replica is waited for "
            "against the primary's commits"
        )
    if args.replica_url is not None:
        try:
            took = asyncio.run(
                wait_for_replica(args.database_url, args.replica_url, within=args.replica_wait)
            )
        except (ReplicaBehind, DatabaseFailed) as exc:
            print(f"catalog version not bumped: {exc}", file=sys.stderr)
            return 1
        print(f"the replica has replayed the primary's commits ({took:.2f} s)")
    try:
        version = bump_catalog_version(args.redis_url)
    except Exception as exc:  # the caller needs to know the change is not yet visible
        print(f"catalog version not bumped: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"catalog version is now {version}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
