"""Start a whole stack, stop it, read it back, and stop or restart one part of it."""

from __future__ import annotations

import logging
import secrets
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import postgres
from .binaries import Binaries, find_binaries
from .errors import PartFailedError, StackStateError
from .health import target_up, wait_until
from .model import (
    CATALOG_ROLE,
    PRIMARY,
    PROMETHEUS,
    REDIS,
    REPLICA,
    REPLICATION_ROLE,
    SERVICE,
    SUPERUSER,
    StackInfo,
    StackOptions,
)
from .parts import start_part_process, stop_part_process, wait_replica_caught_up
from .ports import choose_ports
from .processes import stop_process
from .servers import SERVICE_JOB
from .state import StackState, load_state

SEED_TIMEOUT_SECONDS = 300.0
log = logging.getLogger(__name__)


def start_stack(options: StackOptions) -> StackInfo:
    """Start every part of `options`, seed the catalog, wait until all are healthy.

    On any failure (or Ctrl-C) midway, whatever was started is stopped again and
    the data removed; logs stay in DIR/logs/.
    """
    stack_dir = options.dir.resolve()
    _check_unused(stack_dir)
    _check_rule_files(options)
    parts = options.parts()
    bins = find_binaries(parts)
    user = postgres.server_user()
    state = StackState(
        dir=stack_dir,
        options=options,
        ports=choose_ports(parts, options.ports),
        passwords={role: secrets.token_urlsafe(18) for role in _ROLES},
        pg_bindir=str(bins.pg_bindir),
    )
    shutil.rmtree(stack_dir / "logs", ignore_errors=True)
    (stack_dir / "logs").mkdir(parents=True)
    state.save()
    try:
        _bring_up(state, bins, user)
    except BaseException:
        _tear_down(state, user, keep_data=False)
        raise
    return load_stack(stack_dir)


_ROLES = (SUPERUSER, CATALOG_ROLE, REPLICATION_ROLE)


def _bring_up(state: StackState, bins: Binaries, user: str | None) -> None:
    parts = state.options.parts()
    if REDIS in parts:
        start_part_process(REDIS, state, bins, user)
    start_part_process(PROMETHEUS, state, bins, user)  # ready while the rest starts
    postgres.init_primary(bins, state, user)
    start_part_process(PRIMARY, state, bins, user)
    postgres.create_roles(bins, state)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="seed")
    try:
        seeding = pool.submit(_seed, state)
        if REPLICA in parts:  # cloned while the primary is being seeded
            postgres.base_backup(bins, state, REPLICA, user)
            start_part_process(REPLICA, state, bins, user)
        try:
            seeding.result(timeout=SEED_TIMEOUT_SECONDS)
        except TimeoutError:
            raise PartFailedError(
                "seed",
                f"seeding did not finish within {SEED_TIMEOUT_SECONDS:.0f}s",
                state.log_file(PRIMARY),
            ) from None
    finally:
        # never wait here for a stuck seed: stopping the primary ends it
        pool.shutdown(wait=False, cancel_futures=True)
    if REPLICA in parts:
        wait_replica_caught_up(state, bins)
        log.info("replica    caught up with the primary")
    start_part_process(SERVICE, state, bins, user)
    wait_until(
        PROMETHEUS,
        f"scraping the service (up{{job={SERVICE_JOB!r}}} == 1)",
        lambda: target_up(state.http_url(PROMETHEUS), SERVICE_JOB),
        timeout=state.options.part_timeout,
        log_file=state.log_file(PROMETHEUS),
        pid=state.running[PROMETHEUS].pid,
    )


def _seed(state: StackState) -> None:
    from reference_app.seed import seed_catalog

    dsn = state.info().primary_dsn
    began = time.monotonic()
    try:
        if state.options.models is None:
            summary = seed_catalog(dsn)
        else:
            summary = seed_catalog(dsn, models=state.options.models)
    except Exception as exc:
        raise PartFailedError("seed", f"seeding the catalog failed: {exc!r}") from exc
    log.info(
        "seeded     the catalog on the primary in %.1fs (%s)", time.monotonic() - began, summary
    )


def stop_stack(stack_dir: Path, *, keep_data: bool = False) -> None:
    """Stop exactly the processes recorded in DIR/state.json; remove the data unless kept."""
    state = load_state(stack_dir.resolve())
    _tear_down(state, postgres.server_user(), keep_data)


def _tear_down(state: StackState, user: str | None, keep_data: bool) -> None:
    for record in list(state.extra_services):
        stop_process(record.pid, record.start_time)
        state.extra_services.remove(record)
    for part in reversed(list(state.running)):
        stop_part_process(part, state, user)
    if not keep_data:
        shutil.rmtree(state.dir / "data", ignore_errors=True)
    state.file.unlink(missing_ok=True)


def load_stack(stack_dir: Path) -> StackInfo:
    """The stack recorded in DIR; `pids` lists only the parts that still run."""
    return load_state(stack_dir.resolve()).info()


def stop_part(info: StackInfo, part: str) -> StackInfo:
    """Stop one part (e.g. redis or replica, for a fault test); the rest keeps running."""
    state = _state_with_part(info, part)
    stop_part_process(part, state, postgres.server_user())
    return state.info()


def start_part(info: StackInfo, part: str) -> StackInfo:
    """Start a stopped part again on the same port and data; no-op if it runs."""
    state = _state_with_part(info, part)
    if part not in state.info().pids:
        state.running.pop(part, None)
        bins = find_binaries(state.options.parts())
        start_part_process(part, state, bins, postgres.server_user())
    return state.info()


def _state_with_part(info: StackInfo, part: str) -> StackState:
    state = load_state(info.dir)
    if part not in state.options.parts():
        raise StackStateError(
            f"{info.dir}: this stack has no part {part!r}; "
            f"it runs {', '.join(state.options.parts())}"
        )
    return state


def _check_rule_files(options: StackOptions) -> None:
    for path in options.rule_files:
        if not path.is_file():
            raise PartFailedError(PROMETHEUS, f"rule file {path} does not exist (see `slo rules`)")


def _check_unused(stack_dir: Path) -> None:
    if (stack_dir / "state.json").exists():
        raise StackStateError(
            f"{stack_dir} already holds a stack (state.json); see "
            f"`python -m reference_app.stack status --dir {stack_dir}` and stop it with "
            f"`python -m reference_app.stack down --dir {stack_dir}`"
        )
    if (stack_dir / "data").exists():
        raise StackStateError(
            f"{stack_dir / 'data'} exists (kept by `down --keep-data`?); "
            f"remove it or choose another --dir"
        )
