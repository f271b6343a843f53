"""The launcher's value objects: what to start (`StackOptions`) and what runs (`StackInfo`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

REDIS: Final = "redis"
PRIMARY: Final = "primary"
REPLICA: Final = "replica"
PROMETHEUS: Final = "prometheus"
SERVICE: Final = "service"
#: Every part, in start order (stopped in reverse).
PARTS: Final = (REDIS, PRIMARY, REPLICA, PROMETHEUS, SERVICE)

LOOPBACK: Final = "127.0.0.1"
CATALOG_DB: Final = "catalog"
CATALOG_ROLE: Final = "catalog"
REPLICATION_ROLE: Final = "replicator"
SUPERUSER: Final = "postgres"


@dataclass(frozen=True, kw_only=True)
class StackOptions:
    """What `start_stack` starts. Defaults match the service's own defaults (CONTRACTS)."""

    dir: Path
    redis: bool = True
    replica: bool = True
    cache_ttl: int = 300
    #: Redis's `maxmemory` (allkeys-lru evicts past it), in redis.conf units.
    redis_maxmemory: str = "64mb"
    primary_pool: int = 5
    replica_pool: int = 10
    deadline: float = 5.0
    models: int | None = None
    log_level: str = "INFO"
    #: Explicit ports by part name; parts left out get a free port.
    ports: Mapping[str, int] = field(default_factory=dict)
    #: Bound on each wait for a part to become healthy, in seconds.
    part_timeout: float = 60.0
    #: Prometheus rule files (e.g. from `slo rules`) the stack's Prometheus loads.
    rule_files: tuple[Path, ...] = ()

    def parts(self) -> tuple[str, ...]:
        """The parts this stack runs, in start order (the rollback switches drop some)."""
        skipped = {REDIS} if not self.redis else set()
        if not self.replica:
            skipped.add(REPLICA)
        return tuple(p for p in PARTS if p not in skipped)


@dataclass(frozen=True, kw_only=True)
class StackInfo:
    """A running (or recorded) stack, as read from DIR/state.json."""

    dir: Path
    service_url: str
    prometheus_url: str
    redis_url: str | None
    primary_dsn: str
    replica_dsn: str | None
    #: Superuser DSN of the primary, for tests that inspect or disturb the database.
    admin_dsn: str
    #: Process id of each part that is running; a stopped part is absent.
    pids: dict[str, int]
    ports: dict[str, int]
    data_dirs: dict[str, Path]
    log_files: dict[str, Path]
    options: StackOptions

    @property
    def state_file(self) -> Path:
        return self.dir / "state.json"

    def url(self, part: str) -> str:
        """The URL (or DSN) clients use to reach `part`."""
        urls = {
            REDIS: self.redis_url,
            PRIMARY: self.primary_dsn,
            REPLICA: self.replica_dsn,
            PROMETHEUS: self.prometheus_url,
            SERVICE: self.service_url,
        }
        url = urls.get(part)
        if url is None:
            raise KeyError(f"this stack has no part {part!r} (it runs {', '.join(self.ports)})")
        return url


_PASSWORD_IN_URL = re.compile(r"(://[^:/@]+:)([^@]+)(@)")


def redact(url: str) -> str:
    """`postgresql://catalog:secret@host/db` -> `postgresql://catalog:***@host/db`."""
    return _PASSWORD_IN_URL.sub(r"\1***\3", url)
