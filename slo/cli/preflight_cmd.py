"""``slo preflight``: the guide's Step 3 against a target, before any load (exit 0 or 4)."""

from __future__ import annotations

import argparse

from slo.cli.common import http_url, load
from slo.cli.options import positive_seconds, profile_option, spec_options
from slo.preflight import run_preflight
from slo.slis import profile_reads

__all__ = ["DESCRIPTION", "HELP", "add_arguments", "run"]

HELP = "the guide's Step 3 checks against a target (health, cache MISS->HIT, metrics)"
DESCRIPTION = (
    "Checks /health, /health/database, that /models?limit=10 goes from cache MISS to HIT and "
    "gets faster, and that /metrics exposes every metric the profile reads. Exit 0 when the "
    "target is ready for load, 4 when a check failed."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--target", required=True, metavar="URL", help="the catalog API, e.g. http://127.0.0.1:8000"
    )
    profile_option(p, what="profile whose metrics must be exposed", default="staging")
    spec_options(p)
    p.add_argument(
        "--timeout",
        type=positive_seconds,
        default=10.0,
        metavar="SECONDS",
        help="seconds per request (default 10)",
    )


def run(args: argparse.Namespace) -> int:
    target = http_url("--target", args.target)
    loaded = load(args)
    reads = profile_reads(loaded.spec, args.profile, loaded.resolver)
    needed = sorted({selector.name for selector in reads})
    result = run_preflight(target, required_metrics=needed, timeout=args.timeout)
    for check in result.checks:
        print(f"  {check.status.upper():<7} {check.name:<9} {check.detail}")
    if result.ok:
        print("preflight: ready for load")
        return 0
    print(f"preflight: FAILED ({', '.join(c.name for c in result.failed)}); send no load")
    return 4
