"""`make demo`: the pre-promotion job, end to end, on this machine.

1. writes the staging profile's alert rules (`slo rules`) for the stack's Prometheus;
2. starts the reference stack (Redis, PostgreSQL primary + streaming replica,
   Prometheus with those rules, the catalog service) on loopback;
3. runs `locust -f locustfile.py --shape ramp --slo-profile staging` against it:
   preflight (the guide's Step 3), about 2.5 minutes of load, the SLO gate's
   verdict on the hold at peak, the reports;
4. lists the alerts Prometheus has firing or pending at the end of the run;
5. stops the stack, and exits with the gate's exit code.

    python examples/demo.py [--stack-dir DIR] [--report-dir DIR] [--before] [--time-scale F]

`--before` starts the stack without Redis and without the replica (both of the
guide's rollback switches): the "before" picture, every read on a small primary
pool, which the gate fails on cache hit rate, latency and pool usage.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from reference_app.stack import StackError, StackOptions, firing_alerts, start_stack, stop_stack

ROOT = Path(__file__).resolve().parents[1]


def _step(text: str) -> None:
    print(f"\n== {text}", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack-dir", type=Path, default=ROOT / ".stack" / "demo")
    parser.add_argument("--report-dir", type=Path, default=ROOT / "reports-out")
    parser.add_argument(
        "--before", action="store_true", help="no Redis, no replica: the guide's 'before'"
    )
    parser.add_argument("--profile", default="staging", help="profile to judge (staging)")
    parser.add_argument("--shape", default="ramp", help="load shape (ramp)")
    parser.add_argument("--time-scale", default="1", help="shrink the shape's durations")
    args = parser.parse_args(argv)

    rules = args.stack_dir.parent / f"{args.stack_dir.name}-rules" / f"{args.profile}.yml"
    rules.parent.mkdir(parents=True, exist_ok=True)
    _step(f"alert rules for profile {args.profile}: slo rules -> {rules}")
    generated = subprocess.run(
        [sys.executable, "-m", "slo.cli", "rules", "--profile", args.profile, "-o", str(rules)],
        check=False,
    )
    if generated.returncode != 0:
        return generated.returncode

    before = " WITHOUT Redis and the replica (before)" if args.before else ""
    _step("starting the reference stack" + before)
    options = StackOptions(
        dir=args.stack_dir, redis=not args.before, replica=not args.before, rule_files=(rules,)
    )
    try:
        info = start_stack(options)
    except StackError as exc:
        print(f"demo: the stack did not start: {exc}", file=sys.stderr)
        return 4
    try:
        print(f"  service     {info.service_url}\n  prometheus  {info.prometheus_url}")
        _step(f"locust: shape {args.shape}, profile {args.profile}, judged by the SLO gate")
        locust = subprocess.run(
            [
                sys.executable, "-m", "locust", "-f", str(ROOT / "locustfile.py"),
                "--headless", "--only-summary",
                "--host", info.service_url,
                "--prometheus-url", info.prometheus_url,
                "--shape", args.shape, "--time-scale", args.time_scale,
                "--slo-profile", args.profile,
                "--report-dir", str(args.report_dir),
            ],
            cwd=ROOT,
            check=False,
        )  # fmt: skip
        _step("alerts in Prometheus at the end of the run (from `slo rules`)")
        _show_alerts(info.prometheus_url)
    finally:
        _step("stopping the stack")
        stop_stack(info.dir)
    code = locust.returncode
    verdicts = {0: "PASS", 1: "FAIL", 2: "INCONCLUSIVE", 3: "BAD USAGE", 4: "SOURCE ERROR"}
    _step(f"verdict: {verdicts.get(code, 'ERROR')} (exit {code})")
    for name in ("report.html", "report.md", "report.json", "junit.xml"):
        path = args.report_dir / name
        if path.exists():
            print(f"  {path}")
    return code


def _show_alerts(prometheus_url: str) -> None:
    try:
        alerts = firing_alerts(prometheus_url, include_pending=True)
    except Exception as exc:  # the demo's verdict does not depend on this listing
        print(f"  could not list alerts: {type(exc).__name__}: {exc}")
        return
    if not alerts:
        print("  none firing or pending")
    for alert in alerts:
        objective = alert.labels.get("objective", "")
        severity = alert.labels.get("severity", "")
        print(f"  [{alert.state.upper()}] {alert.name} {objective} ({severity}): {alert.summary}")


if __name__ == "__main__":
    sys.exit(main())
