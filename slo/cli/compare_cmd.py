"""``slo compare BEFORE AFTER``: the guide's "Expected Impact" table from two reports."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from reports import Report, read_json
from reports.compare import compare_reports, render_comparison
from slo.errors import SpecError

__all__ = ["add_parser", "run"]


def add_parser(subs: Any, epilog: str) -> None:
    p = subs.add_parser(
        "compare",
        help="before/after impact table from two report.json files",
        description="Response time, primary database queries, pool utilization, 499/504 "
        "count and hit rate, before and after, with the change in percent and whether the "
        "guide's promise was kept. A figure neither report holds shows n/a.",
        epilog=epilog,
    )
    p.add_argument("before", metavar="BEFORE", help="report.json of the run before the change")
    p.add_argument("after", metavar="AFTER", help="report.json of the run after the change")
    p.set_defaults(handler=run)


def _read(path: str) -> Report:
    try:
        return read_json(Path(path))
    except (OSError, ValueError) as exc:
        raise SpecError(path, "", f"expected a report.json, got {str(exc)[:200]}") from None


def run(args: argparse.Namespace) -> int:
    before, after = _read(args.before), _read(args.after)
    print(render_comparison(compare_reports(before, after)))
    return 0
