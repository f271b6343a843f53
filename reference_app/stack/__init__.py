"""The local reference stack: Redis, a PostgreSQL primary and streaming replica,
Prometheus and the catalog service, on loopback, from the machine's own binaries.

    info = start_stack(StackOptions(dir=Path("/tmp/stack")))
    ...
    stop_stack(info.dir)

The CLI is `python -m reference_app.stack up|down|status --dir DIR`.
"""

from __future__ import annotations

from .alerts import FiringAlert, firing_alerts, rule_groups
from .errors import (
    MissingBinaryError,
    PartFailedError,
    PortInUseError,
    StackError,
    StackStateError,
)
from .launcher import load_stack, start_part, start_stack, stop_part, stop_stack
from .model import PARTS, StackInfo, StackOptions, redact
from .service import ServiceHandle, spawn_service

__all__ = [
    "PARTS",
    "FiringAlert",
    "MissingBinaryError",
    "PartFailedError",
    "PortInUseError",
    "ServiceHandle",
    "StackError",
    "StackInfo",
    "StackOptions",
    "StackStateError",
    "firing_alerts",
    "load_stack",
    "redact",
    "rule_groups",
    "spawn_service",
    "start_part",
    "start_stack",
    "stop_part",
    "stop_stack",
]
