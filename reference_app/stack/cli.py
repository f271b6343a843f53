"""The launcher's command line: `up`, `down`, `status`."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from .errors import StackError, StackStateError
from .launcher import load_stack, start_stack, stop_stack
from .model import PARTS, StackInfo, StackOptions, redact

EPILOG = """\
examples:
  python -m reference_app.stack up --dir .stack/demo
  python -m reference_app.stack up --dir /tmp/before --no-redis --no-replica
  python -m reference_app.stack status --dir .stack/demo --json
  python -m reference_app.stack down --dir .stack/demo

exit status: 0 done (status: every part running), 1 failed (status: a part is
stopped or no stack is recorded), 2 bad usage.
"""

# The service's settings that `up` passes on: flag, type, default, metavar, help.
_SERVICE_OPTIONS: tuple[tuple[str, Callable[[str], float], float | None, str, str], ...] = (
    ("--cache-ttl", int, 300, "S", "CATALOG_CACHE_TTL of the service (default: %(default)s)"),
    ("--primary-pool", int, 5, "N", "DB_POOL_SIZE_PRIMARY (default: %(default)s)"),
    ("--replica-pool", int, 10, "N", "DB_POOL_SIZE_REPLICA (default: %(default)s)"),
    ("--deadline", float, 5.0, "S", "REQUEST_DEADLINE_SECONDS (default: %(default)s)"),
    ("--models", int, None, "N", "catalog size to seed (default: the seed's own default)"),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m reference_app.stack",
        description="Start, inspect and stop the local reference stack: redis-server, a "
        "PostgreSQL primary and streaming replica, Prometheus and the catalog service, "
        "on 127.0.0.1, from this machine's binaries. Everything lives in --dir.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    up = _command(commands, "up", "start a stack in DIR and wait until it is healthy")
    up.add_argument(
        "--no-redis",
        action="store_true",
        help="no Redis, no REDIS_URL: the service runs without its cache",
    )
    up.add_argument(
        "--redis-maxmemory",
        default="64mb",
        metavar="SIZE",
        help="Redis's maxmemory; past it allkeys-lru evicts (default: %(default)s)",
    )
    up.add_argument(
        "--no-replica",
        action="store_true",
        help="no replica, no READ_REPLICA_URL: every read goes to the primary",
    )
    for flag, kind, default, metavar, text in _SERVICE_OPTIONS:
        up.add_argument(flag, type=kind, default=default, metavar=metavar, help=text)
    for part in PARTS:
        up.add_argument(
            f"--{part}-port",
            type=int,
            metavar="PORT",
            help=f"port of {part} (default: a free one; taken = error)",
        )
    up.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="S",
        help="how long to wait for each part to become healthy (default: 60)",
    )
    up.add_argument(
        "--rules",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="a Prometheus rule file to load, e.g. from `slo rules` (repeatable)",
    )
    up.add_argument("--json", action="store_true", help="print the stack as JSON")
    down = _command(commands, "down", "stop exactly what `up` started in DIR")
    down.add_argument(
        "--keep-data",
        action="store_true",
        help="keep DIR/data (databases, Prometheus tsdb) for inspection",
    )
    status = _command(commands, "status", "each part's URL and state")
    status.add_argument(
        "--json", action="store_true", help="print JSON (URLs with their passwords)"
    )
    return parser


def _command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, text: str
) -> argparse.ArgumentParser:
    """A subcommand; every one works on the stack in --dir."""
    command = commands.add_parser(name, help=text)
    command.add_argument(
        "--dir", type=Path, required=True, help="the stack's directory: state.json, logs/, data/"
    )
    return command


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C while inside, so a killed launcher still cleans up."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        with sigterm_as_interrupt():
            return _run(args)
    except (StackError, KeyboardInterrupt) as exc:
        return failure_status(exc)


def failure_status(
    exc: StackError | KeyboardInterrupt, *, error: str = "error", interrupted: str = "interrupted"
) -> int:
    """Say on stderr why a command stops, and return its exit status.

    1 for a StackError (`error: ...`); 130 for Ctrl-C or SIGTERM, what a shell
    reports for an interrupted command.
    """
    if isinstance(exc, KeyboardInterrupt):
        print(interrupted, file=sys.stderr)
        return 130
    print(f"{error}: {exc}", file=sys.stderr)
    return 1


def _run(args: argparse.Namespace) -> int:
    if args.command == "up":
        return _up(args)
    if args.command == "down":
        return _down(args)
    return _status(args)


def _up(args: argparse.Namespace) -> int:
    ports = {p: getattr(args, f"{p}_port") for p in PARTS if getattr(args, f"{p}_port")}
    options = StackOptions(
        dir=args.dir, redis=not args.no_redis, replica=not args.no_replica,
        cache_ttl=args.cache_ttl, redis_maxmemory=args.redis_maxmemory,
        primary_pool=args.primary_pool,
        replica_pool=args.replica_pool, deadline=args.deadline, models=args.models,
        ports=ports, part_timeout=args.timeout, rule_files=tuple(args.rules),
    )  # fmt: skip
    began = time.monotonic()
    info = start_stack(options)
    if args.json:
        print(json.dumps(status_document(info), indent=2))
        return 0
    print(f"stack up in {time.monotonic() - began:.1f}s: {info.dir}")
    _print_parts(info)
    print(
        f"logs in {info.dir / 'logs'}; full DSNs: status --json; "
        f"stop with: python -m reference_app.stack down --dir {args.dir}"
    )
    return 0


def _down(args: argparse.Namespace) -> int:
    try:
        stop_stack(args.dir, keep_data=args.keep_data)
    except StackStateError as exc:
        if not (args.dir / "state.json").exists():
            print(f"nothing to stop: no stack recorded in {args.dir}")
            return 0
        raise exc
    kept = " (data kept in DIR/data)" if args.keep_data else ""
    print(f"stack in {args.dir} stopped{kept}")
    return 0


def _status(args: argparse.Namespace) -> int:
    info = load_stack(args.dir)
    document = status_document(info)
    if args.json:
        print(json.dumps(document, indent=2))
    else:
        print(f"stack in {info.dir}")
        _print_parts(info)
    return 0 if all(p["state"] == "running" for p in document["parts"].values()) else 1


def status_document(info: StackInfo) -> dict[str, Any]:
    """Each part's URL, state, pid, port and log: what `up --json` and `status --json` print."""
    parts = {
        part: {
            "state": "running" if part in info.pids else "stopped",
            "url": info.url(part),
            "pid": info.pids.get(part),
            "port": info.ports[part],
            "log": str(info.log_files[part]),
        }
        for part in info.options.parts()
    }
    return {"dir": str(info.dir), "parts": parts}


def _print_parts(info: StackInfo) -> None:
    for part, entry in status_document(info)["parts"].items():
        pid = f"pid {entry['pid']}" if entry["pid"] else ""
        print(f"  {part:<11} {entry['state']:<8} {redact(entry['url']):<58} {pid}")
