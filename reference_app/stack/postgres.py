"""PostgreSQL primary and streaming replica: initdb, pg_basebackup, start, stop, queries.

As root the servers run as the `postgres` user (initdb and postgres refuse root),
with data directories owned by it. They listen on TCP loopback only (no Unix
socket, so the stack directory's path length never matters), with password
(scram-sha-256) authentication for every role.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from pathlib import Path

from .binaries import Binaries
from .errors import PartFailedError, StackError
from .files import write_atomic
from .model import CATALOG_DB, CATALOG_ROLE, LOOPBACK, PRIMARY, REPLICATION_ROLE, SUPERUSER
from .processes import run, spawn
from .state import StackState

SLOT = "stack_replica"
CONF_INCLUDE = "include_if_exists = 'stack.conf'\n"
HBA = (
    f"host all all {LOOPBACK}/32 scram-sha-256\n"
    f"host replication {REPLICATION_ROLE} {LOOPBACK}/32 scram-sha-256\n"
)
# fsync and friends off: the stack's data is thrown away, and seeding is faster.
SETTINGS = """\
listen_addresses = '{host}'
port = {port}
unix_socket_directories = ''
max_connections = 200
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
hot_standby_feedback = on
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
"""


def server_user() -> str | None:
    """The user the servers run as: `postgres` when we are root, else ourselves."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SUPERUSER)
    except KeyError:
        raise StackError(
            "running as root, but there is no `postgres` user to run PostgreSQL as; "
            "install the server with `sudo apt-get install postgresql` (it creates the "
            "user) or run the launcher as an ordinary user"
        ) from None
    return SUPERUSER


def make_data_dir(path: Path, user: str | None, part: str) -> None:
    """An empty 0700 directory owned by the server user, which must be able to reach it."""
    path.mkdir(parents=True, mode=0o700)
    if user is None:
        return
    entry = pwd.getpwnam(user)
    os.chown(path, entry.pw_uid, entry.pw_gid)
    test = shutil.which("test") or "/usr/bin/test"
    reachable = subprocess.run([test, "-w", str(path)], user=entry.pw_uid, check=False)
    if reachable.returncode != 0:
        raise StackError(
            f"{part}: the {user} user cannot reach {path}; make its parent directories "
            f"traversable (chmod o+x) or choose a --dir under /tmp"
        )


def init_primary(bins: Binaries, state: StackState, user: str | None) -> None:
    data = state.data_dir(PRIMARY)
    make_data_dir(data, user, PRIMARY)
    pwfile = data.parent / ".primary-password"
    write_atomic(pwfile, state.passwords[SUPERUSER] + "\n")  # 0600 from the start
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(pwfile, entry.pw_uid, entry.pw_gid)
    try:
        run(
            PRIMARY,
            [
                bins.pg("initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "--auth=scram-sha-256",
                f"--pwfile={pwfile}",
                "--no-sync",
                "--encoding=UTF8",
                "--locale=C",
            ],
            log_file=state.log_file(PRIMARY),
            timeout=60,
            user=user,
        )
    finally:
        pwfile.unlink(missing_ok=True)
    with open(data / "postgresql.conf", "a") as conf:
        conf.write(CONF_INCLUDE)
    (data / "pg_hba.conf").write_text(HBA)
    write_settings(state, PRIMARY)


def write_settings(state: StackState, part: str) -> None:
    settings = SETTINGS.format(host=LOOPBACK, port=state.ports[part])
    (state.data_dir(part) / "stack.conf").write_text(settings)


def base_backup(bins: Binaries, state: StackState, part: str, user: str | None) -> None:
    """Clone the primary into `part`'s data dir as a hot standby streaming from it."""
    data = state.data_dir(part)
    make_data_dir(data, user, part)
    run(
        part,
        [
            bins.pg("pg_basebackup"),
            "-h",
            LOOPBACK,
            "-p",
            str(state.ports[PRIMARY]),
            "-U",
            REPLICATION_ROLE,
            "-D",
            str(data),
            "--write-recovery-conf",
            "--wal-method=stream",
            "--checkpoint=fast",
            "--create-slot",
            f"--slot={SLOT}",
            "--no-sync",
        ],
        log_file=state.log_file(part),
        timeout=120,
        env=_pg_env(state.passwords[REPLICATION_ROLE]),
        user=user,
    )
    write_settings(state, part)


def start_server(
    bins: Binaries, state: StackState, part: str, user: str | None, *, append: bool = False
) -> int:
    return spawn(
        part,
        [bins.pg("postgres"), "-D", str(state.data_dir(part))],
        log_file=state.log_file(part),
        user=user,
        cwd=Path("/"),
        append=append,
    )


def stop_server(state: StackState, part: str, user: str | None) -> None:
    """`pg_ctl stop -m fast` with the tools that started it; raises when it fails."""
    run(
        part,
        [
            str(Path(state.pg_bindir) / "pg_ctl"),
            "stop",
            "-D",
            str(state.data_dir(part)),
            "-m",
            "fast",
            "-w",
            "-t",
            "30",
        ],
        log_file=state.log_file(part),
        timeout=40,
        user=user,
    )


def query(bins: Binaries, state: StackState, part: str, sql: str, db: str = "postgres") -> str:
    """Run `sql` as the superuser on `part`; its output, unaligned. Errors raise."""
    result = subprocess.run(
        [
            bins.pg("psql"),
            "-X",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            LOOPBACK,
            "-p",
            str(state.ports[part]),
            "-U",
            SUPERUSER,
            "-d",
            db,
            "-c",
            sql,
        ],
        env=_pg_env(state.passwords[SUPERUSER]),
        capture_output=True,
        text=True,
        timeout=15,
        check=True,
    )
    return result.stdout.strip()


def create_roles(bins: Binaries, state: StackState) -> None:
    """The service's `catalog` role and database, and the replication role."""
    catalog_pw = state.passwords[CATALOG_ROLE]
    replication_pw = state.passwords[REPLICATION_ROLE]
    for sql in (
        f"CREATE ROLE {CATALOG_ROLE} LOGIN PASSWORD '{catalog_pw}'",
        f"CREATE DATABASE {CATALOG_DB} OWNER {CATALOG_ROLE}",
        f"CREATE ROLE {REPLICATION_ROLE} REPLICATION LOGIN PASSWORD '{replication_pw}'",
    ):
        try:
            query(bins, state, PRIMARY, sql)
        except subprocess.CalledProcessError as exc:
            raise PartFailedError(
                PRIMARY,
                f"setting up roles failed: {exc.stderr.strip()}",
                state.log_file(PRIMARY),
            ) from exc


def _pg_env(password: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    return {**env, "PGPASSWORD": password, "PGCONNECT_TIMEOUT": "3"}
