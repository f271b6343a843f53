"""Start and stop one part of a stack, waiting until it is healthy."""

from __future__ import annotations

import contextlib
import logging
import subprocess
import time
from functools import partial

from . import postgres
from .binaries import Binaries
from .errors import PartFailedError
from .health import http_ok, redis_pings, wait_until
from .model import PRIMARY, PROMETHEUS, REDIS, REPLICA, SERVICE
from .processes import spawn, start_time, stop_process
from .servers import prometheus_argv, redis_argv, service_argv, service_env
from .state import ProcessRecord, StackState

POSTGRES_PARTS = (PRIMARY, REPLICA)
log = logging.getLogger(__name__)


def start_part_process(part: str, state: StackState, bins: Binaries, user: str | None) -> None:
    """Start `part` on its recorded port and data, record it, and wait until it is healthy.

    The process is recorded (and state.json saved) before the wait, so a part that
    never becomes healthy is still stopped by the caller's clean-up.
    """
    log_file = state.log_file(part)
    began = time.monotonic()
    if part == REDIS:
        state.data_dir(REDIS).mkdir(parents=True, exist_ok=True)
        pid = spawn(part, redis_argv(bins, state), log_file=log_file)
    elif part in POSTGRES_PARTS:
        pid = postgres.start_server(bins, state, part, user)
    elif part == PROMETHEUS:
        pid = spawn(part, prometheus_argv(bins, state), log_file=log_file)
    else:
        pid = spawn(
            part, service_argv(state.ports[SERVICE]), env=service_env(state), log_file=log_file
        )
    started = start_time(pid)
    if started is None:
        raise PartFailedError(part, "exited immediately", log_file)
    state.running[part] = ProcessRecord(
        pid=pid, start_time=started, port=state.ports[part], log=str(log_file)
    )
    state.save()
    wait_healthy(part, state, bins, pid)
    took = time.monotonic() - began
    log.info("%-10s healthy on port %d (pid %d, %.1fs)", part, state.ports[part], pid, took)


def wait_healthy(part: str, state: StackState, bins: Binaries, pid: int) -> None:
    timeout = state.options.part_timeout
    wait = partial(wait_until, part, timeout=timeout, log_file=state.log_file(part), pid=pid)
    url = state.http_url(part)
    sql = partial(postgres.query, bins, state)
    if part == REDIS:
        wait("answering PING", partial(redis_pings, state.ports[REDIS]))
    elif part == PRIMARY:
        wait("accepting connections", lambda: sql(PRIMARY, "SELECT 1") == "1")
    elif part == REPLICA:
        wait("replaying WAL in recovery", lambda: sql(REPLICA, _REPLAYING) == "t")
        wait("streaming from the primary", lambda: sql(PRIMARY, _STREAMING) != "0")
    elif part == PROMETHEUS:
        wait("ready (/-/ready)", partial(http_ok, f"{url}/-/ready"))
    else:
        wait("healthy (/health)", partial(http_ok, f"{url}/health"))


_REPLAYING = "SELECT pg_is_in_recovery() AND pg_last_wal_replay_lsn() IS NOT NULL"
# With `synchronous_commit = off` a commit returns before its WAL is written, so
# `pg_current_wal_lsn()` can lie before it. A synchronous commit of one record (a logical
# message) flushes every earlier commit; the flushed position then covers them all.
# (`reference_app.catalog_version.committed_position` does the same for catalog writers.)
_COMMITTED_POSITION = (
    "BEGIN; SET LOCAL synchronous_commit = on; "
    "SELECT pg_logical_emit_message(true, 'reference-app-stack', ''); COMMIT; "
    "SELECT pg_current_wal_flush_lsn()"
)
_STREAMING = "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"


def wait_replica_caught_up(state: StackState, bins: Binaries) -> None:
    """Wait until the replica has replayed every transaction the primary committed so far
    (the seed's included, though committed asynchronously: see `_COMMITTED_POSITION`)."""
    lsn = postgres.query(bins, state, PRIMARY, _COMMITTED_POSITION).splitlines()[-1]
    check = f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn"
    wait_until(
        REPLICA,
        f"caught up with the primary (WAL {lsn})",
        lambda: postgres.query(bins, state, REPLICA, check) == "t",
        timeout=state.options.part_timeout,
        log_file=state.log_file(REPLICA),
        pid=state.running[REPLICA].pid,
    )


def stop_part_process(part: str, state: StackState, user: str | None) -> None:
    """Stop `part` if it runs (postgres via `pg_ctl stop -m fast`), and record that."""
    record = state.running.get(part)
    if record is None:
        return
    if part in POSTGRES_PARTS and start_time(record.pid) == record.start_time:
        # when pg_ctl fails, the signals below still stop it
        with contextlib.suppress(PartFailedError, OSError, subprocess.SubprocessError):
            postgres.stop_server(state, part, user)
    stop_process(record.pid, record.start_time)
    del state.running[part]
    state.save()
