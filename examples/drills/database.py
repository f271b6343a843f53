"""The drills' database faults: WAL replay paused on the replica while the primary takes
writes (replica-lagging), and the catalog's tables locked on the primary (primary-slow).

They speak SQL to the stack's own servers, as the superuser the launcher created, through
the loopback DSNs its ``state.json`` records; no process is signalled. Each is bounded:
the pause is resumed in the action's ``finally`` (and again by ``restore_stack``), and the
lock is a transaction the server itself ends (``idle_in_transaction_session_timeout``)
should the drill die holding it. The experiments name them through
`examples.drills.faults` and `examples.drills.probes`.
"""

from __future__ import annotations

import asyncio
import math
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from reference_app.catalog_version import committed_position
from reference_app.stack.model import CATALOG_DB, PRIMARY, REPLICA, SUPERUSER
from reference_app.stack.state import load_state

from .probe_http import check_loopback, read_samples

__all__ = [
    "lock_catalog",
    "pause_replay",
    "release_drill_sessions",
    "replica_lag_back",
    "resume_replay",
]

#: The longest a fault may last: a paused replay and a held lock always end.
MAX_SECONDS = 120.0
CONNECT_SECONDS = 5.0
#: The drills' sessions, so `restore_stack` can end any one left behind.
APPLICATION = "slo-harness-drill"
#: The primary's writes while replay is paused: a table of the drill's own, not the catalog.
WRITES_TABLE = "drill_writes"
CATALOG_TABLES = ("models", "offerings", "gateways", "providers")
LAG = "read_replica_lag_seconds"


def _dsn(stack_dir: str, part: str, db: str = "postgres") -> str:
    return load_state(Path(stack_dir)).dsn(part, role=SUPERUSER, db=db)


async def _connect(dsn: str) -> asyncpg.Connection:
    return await asyncpg.connect(
        dsn,
        timeout=CONNECT_SECONDS,
        command_timeout=10,
        server_settings={"application_name": APPLICATION},
    )


def _check_seconds(seconds: float) -> float:
    value = float(seconds)
    if not 0 < value <= MAX_SECONDS:
        raise ValueError(f"a fault lasts between 0 and {MAX_SECONDS:g} s, got {seconds!r}")
    return value


def pause_replay(stack_dir: str, seconds: float, write_every: float = 0.5) -> dict[str, Any]:
    """Pause WAL replay on the replica (`pg_wal_replay_pause()`) for `seconds` while the
    primary takes a write every `write_every` s (a row in a table of its own), then resume
    it (`pg_wal_replay_resume()`) whatever happens, and wait (bounded) until the replica
    has replayed everything the primary wrote."""
    return asyncio.run(_pause_replay(stack_dir, _check_seconds(seconds), float(write_every)))


async def _pause_replay(stack_dir: str, seconds: float, write_every: float) -> dict[str, Any]:
    primary = await _connect(_dsn(stack_dir, PRIMARY))
    writes = 0
    try:
        await primary.execute(
            f"CREATE TABLE IF NOT EXISTS {WRITES_TABLE} "
            "(id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())"
        )
        replica = await _connect(_dsn(stack_dir, REPLICA))
        try:
            at = time.time()
            await replica.execute("SELECT pg_wal_replay_pause()")
            try:
                deadline = time.monotonic() + seconds
                while time.monotonic() < deadline:
                    await primary.execute(f"INSERT INTO {WRITES_TABLE} DEFAULT VALUES")
                    writes += 1
                    await asyncio.sleep(max(0.0, min(write_every, deadline - time.monotonic())))
            finally:
                await replica.execute("SELECT pg_wal_replay_resume()")
            resumed_at = time.time()
            written = await committed_position(primary)  # every write of the pause
            caught_up_at = await _replayed(replica, written, within_s=30.0)
        finally:
            await replica.close(timeout=CONNECT_SECONDS)
        await primary.execute(f"DROP TABLE IF EXISTS {WRITES_TABLE}")
    finally:
        await primary.close(timeout=CONNECT_SECONDS)
    return {
        "at": at,
        "resumed_at": resumed_at,
        "paused_s": round(resumed_at - at, 3),
        "writes": writes,
        "caught_up_at": caught_up_at,
        "caught_up_after_s": None if caught_up_at is None else round(caught_up_at - resumed_at, 3),
    }


async def _replayed(replica: asyncpg.Connection, lsn: str, *, within_s: float) -> float | None:
    """When the replica has replayed up to `lsn` (None: not within `within_s`)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if await replica.fetchval("SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn", lsn):
            return time.time()
        await asyncio.sleep(0.1)
    return None


def resume_replay(stack_dir: str) -> bool | None:
    """Resume WAL replay on the stack's replica (a no-op when it is not paused); whether
    replay runs now (None: the replica is not in recovery, there is nothing to replay)."""

    async def resume() -> bool | None:
        replica = await _connect(_dsn(stack_dir, REPLICA))
        try:
            if not await replica.fetchval("SELECT pg_is_in_recovery()"):
                return None
            await replica.execute("SELECT pg_wal_replay_resume()")
            return not await replica.fetchval("SELECT pg_is_wal_replay_paused()")
        finally:
            await replica.close(timeout=CONNECT_SECONDS)

    return asyncio.run(resume())


def lock_catalog(
    stack_dir: str,
    seconds: float,
    tables: list[str] | None = None,
    until_files: list[str] | None = None,
) -> dict[str, Any]:
    """Hold an ACCESS EXCLUSIVE lock on the catalog's tables on the primary for `seconds`
    (what a migration or `VACUUM FULL` takes): every catalog query on the primary waits,
    the service's primary pool fills with waiting queries, and requests that need the
    database end at the service's deadline (504). Cached responses need no query.
    With `until_files`, the lock is released as soon as all of them exist (the watch and
    the load have ended: the fault has been judged), and after `seconds` at the latest."""
    locked = tuple(tables or CATALOG_TABLES)
    if not all(t.isidentifier() for t in locked):
        raise ValueError(f"not table names: {locked!r}")
    waits = tuple(Path(f) for f in until_files or ())
    return asyncio.run(_lock(stack_dir, _check_seconds(seconds), locked, waits))


async def _hold(seconds: float, until: tuple[Path, ...]) -> None:
    """Sleep `seconds`, or less once every file of `until` (if any) exists."""
    ends = time.monotonic() + seconds
    while (left := ends - time.monotonic()) > 0:
        if until and all(path.exists() for path in until):
            return
        await asyncio.sleep(min(0.25, left))


async def _lock(
    stack_dir: str, seconds: float, tables: tuple[str, ...], until: tuple[Path, ...]
) -> dict[str, Any]:
    conn = await _connect(_dsn(stack_dir, PRIMARY, db=CATALOG_DB))
    try:
        # If the drill dies holding the lock, the server ends the transaction itself.
        limit = math.ceil((seconds + 10) * 1000)
        await conn.execute(f"SET idle_in_transaction_session_timeout = {limit}")
        async with conn.transaction():
            await conn.execute("SET LOCAL lock_timeout = '5s'")
            await conn.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
            at = time.time()
            await _hold(seconds, until)
        released_at = time.time()
    finally:
        await conn.close(timeout=CONNECT_SECONDS)
    return {
        "at": at,
        "resumed_at": released_at,
        "held_s": round(released_at - at, 3),
        "tables": list(tables),
        "released_early": released_at - at < seconds - 0.5,
    }


def release_drill_sessions(stack_dir: str) -> int:
    """End every drill session still open on the primary (a lock left behind); how many."""

    async def release() -> int:
        conn = await _connect(_dsn(stack_dir, PRIMARY))
        try:
            ended = await conn.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = $1 AND pid <> pg_backend_pid()",
                APPLICATION,
            )
            return int(ended or 0)
        finally:
            await conn.close(timeout=CONNECT_SECONDS)

    return asyncio.run(release())


def replica_lag_back(service_url: str, stack_dir: str, timeout_s: float = 60.0) -> dict[str, Any]:
    """While replay is paused and after: poll, every 0.25 s (bounded by `timeout_s`), the
    replica's `pg_is_wal_replay_paused()` and the service's `read_replica_lag_seconds`,
    until the service reads 0 lag again after replay resumed. `back_after_s` is the time
    from the first poll that saw replay running again to the first that read 0."""
    check_loopback(service_url)
    return asyncio.run(_lag_back(service_url, stack_dir, float(timeout_s)))


async def _lag_back(service_url: str, stack_dir: str, timeout_s: float) -> dict[str, Any]:
    began = time.time()
    deadline = time.monotonic() + timeout_s
    highest, last = 0.0, math.nan
    paused_seen = False
    resumed_at: float | None = None
    replica = await _connect(_dsn(stack_dir, REPLICA))
    try:
        while time.monotonic() < deadline:
            paused = bool(await replica.fetchval("SELECT pg_is_wal_replay_paused()"))
            last = await asyncio.to_thread(_lag, service_url)
            highest = max(highest, last) if not math.isnan(last) else highest
            paused_seen = paused_seen or paused
            if paused_seen and not paused and resumed_at is None:
                resumed_at = time.time()
            if resumed_at is not None and last == 0.0:
                back_at = time.time()
                return {
                    "again": True,
                    "back_at": back_at,
                    "back_after_s": round(back_at - resumed_at, 2),
                    "resumed_seen_at": resumed_at,
                    "max_lag_s": round(highest, 3),
                    "waited_s": round(back_at - began, 2),
                }
            await asyncio.sleep(0.25)
    finally:
        await replica.close(timeout=CONNECT_SECONDS)
    return {
        "again": False,
        "paused_seen": paused_seen,
        "resumed_seen_at": resumed_at,
        "max_lag_s": round(highest, 3),
        "last_lag_s": None if math.isnan(last) else last,
        "waited_s": round(time.time() - began, 2),
    }


def _lag(service_url: str) -> float:
    """The service's lag reading; NaN when it has none (unknown, absent, no answer)."""
    try:
        values = [value for name, _, value in read_samples(service_url) if name == LAG]
    except httpx.HTTPError:
        return math.nan
    return values[0] if values else math.nan
