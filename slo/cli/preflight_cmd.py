"""``slo preflight``: the guide's Step 3 against a target, before any load (exit 0 or 4)."""

from __future__ import annotations

import argparse
from typing import Any

from slo.cli.common import load
from slo.preflight import run_preflight
from slo.slis import ClientDef, build_sli

__all__ = ["add_parser", "run"]


def add_parser(subs: Any, epilog: str) -> None:
    p = subs.add_parser(
        "preflight",
        help="the guide's Step 3 checks against a target (health, cache MISS->HIT, metrics)",
        description="Checks /health, /health/database, that /models?limit=10 goes from cache "
        "MISS to HIT and gets faster, and that /metrics exposes every metric the profile "
        "reads. Exit 0 when the target is ready for load, 4 when a check failed.",
        epilog=epilog,
    )
    p.add_argument(
        "--target", required=True, metavar="URL", help="the catalog API, e.g. http://127.0.0.1:8000"
    )
    p.add_argument("--profile", default="staging", help="profile whose metrics must be exposed")
    p.add_argument("--spec", metavar="FILE", help="criteria file (default: the shipped one)")
    p.add_argument("--mapping", metavar="FILE", help="metric mapping for another backend")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    loaded = load(args)
    needed: set[str] = set()
    for objective in loaded.spec.profiles[args.profile].objectives:
        sli = build_sli(objective.sli, loaded.resolver)
        if not isinstance(sli, ClientDef):
            needed.update(sel.name for sel in sli.selectors())
    result = run_preflight(args.target, required_metrics=sorted(needed), timeout=args.timeout)
    for check in result.checks:
        print(f"  {check.status.upper():<7} {check.name:<9} {check.detail}")
    if result.ok:
        print("preflight: ready for load")
        return 0
    print(f"preflight: FAILED ({', '.join(c.name for c in result.failed)}); send no load")
    return 4
