"""`make impact`: the guide's "Expected Impact", measured before and after, on this machine.

1. "before": starts the reference stack with both of the guide's rollback switches off (no
   Redis, no REDIS_URL; no replica, no replica URL) and runs the load below, judged by the
   SLO gate (staging profile) into DIR/before/;
2. "after": the same stack with Redis and the replica, the same load, into DIR/after/;
3. `slo compare DIR/before/report.json DIR/after/report.json -o DIR/impact.md`: the guide's
   Expected Impact table with both measurements and whether each promise was kept, and
   the exit code of that gate (0 every promise kept, 1 one not kept or not demonstrated).

The load is chosen so that the "before" shows the guide's symptoms instead of assuming
them: 200 users (the `ramp` shape, time-scaled by 0.5: steps of 40 users every 7.5 s,
then a 60 s hold, which is judged) on the service's default 5-connection primary pool
queue for connections, so responses take 0.5-2 s; a client that gives up after 2 s, like
an edge proxy's upstream timeout, turns the slowest into client timeouts (failed requests)
that the service records as 499. Both runs use the same shape, seed, client timeout and
pool sizes; only the two switches differ. About 4 minutes in all.

    python examples/impact.py [--report-dir DIR] [--stack-dir DIR] [--peak-users N]
        [--hold S] [--time-scale F] [--client-timeout S] [--report-only]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from reference_app.stack import StackError, StackOptions, start_stack, stop_stack

ROOT = Path(__file__).resolve().parents[1]

# (phase, rollback switches on: Redis and the replica)
PHASES = (("before", False), ("after", True))
# The gate's exit codes after which a phase left no report worth comparing.
UNUSABLE = {3: "bad usage", 4: "source unreachable or preflight failed", 5: "internal error"}


def _step(text: str) -> None:
    print(f"\n== {text}", flush=True)


def _locust_command(
    args: argparse.Namespace, service: str, prometheus: str, out: Path
) -> list[str]:
    return [
        sys.executable, "-m", "locust", "-f", str(ROOT / "locustfile.py"),
        "--headless", "--only-summary",
        "--host", service,
        "--prometheus-url", prometheus,
        "--shape", "ramp",
        "--peak-users", str(args.peak_users),
        "--hold", str(args.hold),
        "--time-scale", str(args.time_scale),
        "--client-timeout", str(args.client_timeout),
        "--slo-profile", "staging",
        "--report-dir", str(out),
    ]  # fmt: skip


def run_phase(name: str, switches_on: bool, args: argparse.Namespace) -> int:
    """Start the stack for one phase, run the load against it, stop it; the gate's code."""
    out = args.report_dir / name
    (out / "report.json").unlink(missing_ok=True)  # never compare a stale report
    what = "WITH Redis and the replica" if switches_on else "WITHOUT Redis and the replica"
    _step(f"{name}: starting the reference stack {what}")
    options = StackOptions(
        dir=args.stack_dir / name,
        redis=switches_on,
        replica=switches_on,
        primary_pool=args.primary_pool,
    )
    try:
        info = start_stack(options)
    except StackError as exc:
        print(f"impact: the {name} stack did not start: {exc}", file=sys.stderr)
        return 4
    started = time.monotonic()
    try:
        _step(
            f"{name}: locust, ramp to {args.peak_users} users (time scale {args.time_scale:g}), "
            f"client timeout {args.client_timeout:g} s, judged by the SLO gate"
        )
        command = _locust_command(args, info.service_url, info.prometheus_url, out)
        code = subprocess.run(command, cwd=ROOT, check=False).returncode
    finally:
        stop_stack(info.dir)
    print(f"  {name}: gate exit {code} after {time.monotonic() - started:.0f} s; {out}/report.json")
    return code


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        epilog="exit codes: those of `slo compare` (0 every promise kept, 1 one not kept or "
        "not demonstrated, 2 a figure missing, 3 bad usage), or the failing phase's "
        "(3 bad usage, 4 stack or source unreachable)",
    )
    parser.add_argument(
        "--report-dir",
        type=Path,
        default=ROOT / "reports-out" / "impact",
        help="before/, after/ and impact.md go here (reports-out/impact)",
    )
    parser.add_argument(
        "--stack-dir",
        type=Path,
        default=ROOT / ".stack" / "impact",
        help="the stacks' directories: DIR/before, DIR/after (.stack/impact)",
    )
    parser.add_argument("--peak-users", type=int, default=200, help="users at peak (200)")
    parser.add_argument(
        "--hold",
        type=float,
        default=120.0,
        help="the ramp's hold at peak, before --time-scale (120)",
    )
    parser.add_argument(
        "--time-scale", type=float, default=0.5, help="multiply the shape's durations (0.5)"
    )
    parser.add_argument(
        "--client-timeout",
        type=float,
        default=2.0,
        help="seconds after which a user gives up: a failed request, a 499 (2)",
    )
    parser.add_argument(
        "--primary-pool", type=int, default=5, help="primary pool size of both stacks (5)"
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="write the table but exit 0 whatever it says (slo compare --report-only)",
    )
    args = parser.parse_args(argv)
    args.report_dir = args.report_dir.resolve()
    args.stack_dir = args.stack_dir.resolve()

    started = time.monotonic()
    for name, switches_on in PHASES:
        code = run_phase(name, switches_on, args)
        if code in UNUSABLE or not (args.report_dir / name / "report.json").exists():
            why = UNUSABLE.get(code, "no report.json")
            print(f"impact: the {name} run gave no report to compare ({why}, exit {code})")
            return code or 4

    table = args.report_dir / "impact.md"
    _step(f"slo compare before/report.json after/report.json -> {table}")
    compare = [
        sys.executable, "-m", "slo.cli", "compare",
        str(args.report_dir / "before" / "report.json"),
        str(args.report_dir / "after" / "report.json"),
        "--output", str(table),
    ] + (["--report-only"] if args.report_only else [])  # fmt: skip
    code = subprocess.run(compare, cwd=ROOT, check=False).returncode
    _step(f"impact: slo compare exit {code}, {time.monotonic() - started:.0f} s in all")
    for path in (
        table,
        args.report_dir / "before" / "report.html",
        args.report_dir / "after" / "report.html",
    ):
        print(f"  {path}")
    return code


if __name__ == "__main__":
    sys.exit(main())
