"""Extra service processes against a running stack's databases, with other settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from .errors import PartFailedError, StackStateError
from .health import http_ok, wait_until
from .model import LOOPBACK, SERVICE, StackInfo
from .ports import choose_ports
from .processes import spawn, start_time, stop_process
from .servers import service_argv, service_env
from .state import ProcessRecord, load_state


@dataclass(kw_only=True)
class ServiceHandle:
    """A service process started by `spawn_service`; stop it with `.stop()` or `with`."""

    url: str
    pid: int
    port: int
    log_file: Path
    stack_dir: Path
    _start_time: int = field(repr=False)

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL) and drop it from the stack's record."""
        stop_process(self.pid, self._start_time)
        try:
            state = load_state(self.stack_dir)
        except StackStateError:  # the stack is already down: nothing left to record
            return
        state.extra_services = [r for r in state.extra_services if r.pid != self.pid]
        state.save()

    def __enter__(self) -> ServiceHandle:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def spawn_service(info: StackInfo, env: Mapping[str, str | None]) -> ServiceHandle:
    """Run one more service against `info`'s databases on a fresh port, once /health answers.

    `env` overrides the stack's service environment; a value of None removes the
    variable (e.g. ``{"REDIS_URL": None}`` for a service without caching). The
    process is recorded in state.json, so `stop_stack` stops it too.
    """
    state = load_state(info.dir)
    port = choose_ports(["extra"], {})["extra"]
    merged = service_env(state)
    for name, value in env.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    log_file = state.dir / "logs" / f"service-{port}.log"
    pid = spawn(SERVICE, service_argv(port), env=merged, log_file=log_file)
    started = start_time(pid)
    if started is None:
        raise PartFailedError(SERVICE, "extra service exited immediately", log_file)
    state.extra_services.append(
        ProcessRecord(pid=pid, start_time=started, port=port, log=str(log_file))
    )
    state.save()
    url = f"http://{LOOPBACK}:{port}"
    handle = ServiceHandle(
        url=url, pid=pid, port=port, log_file=log_file, stack_dir=state.dir, _start_time=started
    )
    try:
        wait_until(
            f"{SERVICE} (extra, port {port})",
            "healthy (/health)",
            lambda: http_ok(f"{url}/health"),
            timeout=state.options.part_timeout,
            log_file=log_file,
            pid=pid,
        )
    except BaseException:
        handle.stop()
        raise
    return handle
