"""DIR/state.json: the record of what a stack started, so `down` stops exactly that.

It is rewritten (atomically, mode 0600: it holds the generated passwords) after each
part starts, so even a launcher killed midway leaves a record `down` can clean up.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import StackStateError
from .files import write_atomic
from .model import (
    CATALOG_DB,
    CATALOG_ROLE,
    LOOPBACK,
    PRIMARY,
    PROMETHEUS,
    REDIS,
    REPLICA,
    SERVICE,
    SUPERUSER,
    StackInfo,
    StackOptions,
)
from .processes import is_alive

STATE_VERSION = 1


@dataclass(kw_only=True)
class ProcessRecord:
    """One process the launcher started; `start_time` guards against pid reuse."""

    pid: int
    start_time: int
    port: int
    log: str


@dataclass(kw_only=True)
class StackState:
    """Mutable while the launcher works; published to callers as a frozen `StackInfo`."""

    dir: Path
    options: StackOptions
    ports: dict[str, int]
    passwords: dict[str, str]
    #: The PostgreSQL tools that created the data dirs also stop them.
    pg_bindir: str
    running: dict[str, ProcessRecord] = field(default_factory=dict)
    extra_services: list[ProcessRecord] = field(default_factory=list)

    @property
    def file(self) -> Path:
        return self.dir / "state.json"

    def log_file(self, part: str) -> Path:
        return self.dir / "logs" / f"{part}.log"

    def data_dir(self, part: str) -> Path:
        return self.dir / "data" / part

    def dsn(self, part: str, role: str = CATALOG_ROLE, db: str = CATALOG_DB) -> str:
        return f"postgresql://{role}:{self.passwords[role]}@{LOOPBACK}:{self.ports[part]}/{db}"

    def http_url(self, part: str) -> str:
        return f"http://{LOOPBACK}:{self.ports[part]}"

    def info(self) -> StackInfo:
        parts = self.options.parts()
        return StackInfo(
            dir=self.dir,
            service_url=self.http_url(SERVICE),
            prometheus_url=self.http_url(PROMETHEUS),
            redis_url=f"redis://{LOOPBACK}:{self.ports[REDIS]}/0" if REDIS in parts else None,
            primary_dsn=self.dsn(PRIMARY),
            replica_dsn=self.dsn(REPLICA) if REPLICA in parts else None,
            admin_dsn=self.dsn(PRIMARY, role=SUPERUSER, db="postgres"),
            pids={
                part: rec.pid
                for part, rec in self.running.items()
                if is_alive(rec.pid, rec.start_time)
            },
            ports=dict(self.ports),
            data_dirs={
                part: self.data_dir(part)
                for part in parts
                if part in (REDIS, PRIMARY, REPLICA, PROMETHEUS)
            },
            log_files={part: self.log_file(part) for part in parts},
            options=self.options,
        )

    def save(self) -> None:
        info = self.info()
        document = {
            "version": STATE_VERSION,
            "dir": str(self.dir),
            "options": {
                **asdict(self.options),
                "dir": str(self.options.dir),
                "rule_files": [str(path) for path in self.options.rule_files],
            },
            "ports": self.ports,
            "passwords": self.passwords,
            "pg_bindir": self.pg_bindir,
            "running": {part: asdict(rec) for part, rec in self.running.items()},
            "extra_services": [asdict(rec) for rec in self.extra_services],
            # for people and other tools; derived from the above, not read back
            "urls": {part: info.url(part) for part in self.options.parts()},
            "data_dirs": {part: str(path) for part, path in info.data_dirs.items()},
        }
        write_atomic(self.file, json.dumps(document, indent=2))


def load_state(stack_dir: Path) -> StackState:
    """Read DIR/state.json; a clear error when there is none or it is not ours."""
    file = stack_dir / "state.json"
    try:
        document: dict[str, Any] = json.loads(file.read_text())
    except FileNotFoundError:
        raise StackStateError(
            f"no stack recorded in {stack_dir} (no state.json); start one with "
            f"`python -m reference_app.stack up --dir {stack_dir}`"
        ) from None
    except (OSError, ValueError) as exc:
        raise StackStateError(f"{file}: cannot read the stack record: {exc}") from exc
    if document.get("version") != STATE_VERSION:
        raise StackStateError(
            f"{file}: unknown state version {document.get('version')!r} "
            f"(expected {STATE_VERSION}); stop its processes by hand and remove the file"
        )
    options = dict(document["options"])
    options["dir"] = Path(options["dir"])
    options["rule_files"] = tuple(Path(p) for p in options.get("rule_files", ()))
    return StackState(
        dir=Path(document["dir"]),
        options=StackOptions(**options),
        ports={k: int(v) for k, v in document["ports"].items()},
        passwords=dict(document["passwords"]),
        pg_bindir=str(document["pg_bindir"]),
        running={k: ProcessRecord(**v) for k, v in document["running"].items()},
        extra_services=[ProcessRecord(**v) for v in document["extra_services"]],
    )
