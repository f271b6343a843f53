"""Find the machine's server binaries, or say which apt package provides them."""

from __future__ import annotations

import glob
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .errors import MissingBinaryError
from .model import PRIMARY, PROMETHEUS, REDIS, REPLICA

#: Debian/Ubuntu install the server tools outside PATH, one directory per major version.
PG_ROOTS_GLOB = "/usr/lib/postgresql/*/bin"
PG_SERVER_TOOLS = ("initdb", "postgres", "pg_ctl", "psql")
PG_REPLICA_TOOLS = ("pg_basebackup",)


@dataclass(frozen=True, kw_only=True)
class Binaries:
    """Absolute paths of what the stack runs; `None` for a part switched off."""

    redis_server: str | None
    pg_bindir: Path
    prometheus: str

    def pg(self, tool: str) -> str:
        return str(self.pg_bindir / tool)


def find_binaries(
    parts: tuple[str, ...], *, path: str | None = None, pg_roots: str = PG_ROOTS_GLOB
) -> Binaries:
    """Resolve every binary `parts` need; the first missing one is a `MissingBinaryError`.

    `path` defaults to $PATH; tests pass another to simulate a machine without a binary.
    """
    search = os.environ.get("PATH", "") if path is None else path
    redis_server = None
    if REDIS in parts:
        redis_server = _which("redis-server", "redis-server", search)
    pg_tools = PG_SERVER_TOOLS + (PG_REPLICA_TOOLS if REPLICA in parts else ())
    pg_bindir = _pg_bindir(pg_tools, search, pg_roots) if PRIMARY in parts else Path()
    prometheus = _which("prometheus", "prometheus", search) if PROMETHEUS in parts else ""
    return Binaries(redis_server=redis_server, pg_bindir=pg_bindir, prometheus=prometheus)


def _which(binary: str, package: str, search: str) -> str:
    found = shutil.which(binary, path=search)
    if found is None:
        raise MissingBinaryError(binary, package, "searched PATH")
    return found


def _pg_bindir(tools: tuple[str, ...], search: str, pg_roots: str) -> Path:
    """One directory holding every PostgreSQL tool, so versions never mix.

    The directory of `postgres` on PATH comes first (following symlinks), then
    the versioned Debian directories, newest first.
    """
    candidates: list[Path] = []
    on_path = shutil.which("postgres", path=search)
    if on_path is not None:
        candidates.append(Path(on_path).resolve().parent)
    versioned = sorted(glob.glob(pg_roots), key=_version_key, reverse=True)
    candidates.extend(Path(d) for d in versioned)
    for directory in candidates:
        if all(os.access(directory / tool, os.X_OK) for tool in tools):
            return directory
    best = candidates[0] if candidates else None
    missing = next((t for t in tools if best is None or not os.access(best / t, os.X_OK)), tools[0])
    package = "postgresql-client" if missing == "psql" else "postgresql"
    raise MissingBinaryError(missing, package, f"searched PATH and {pg_roots}")


def _version_key(directory: str) -> tuple[int, ...]:
    version = Path(directory).parent.name
    return tuple(int(p) for p in version.split(".") if p.isdigit())
