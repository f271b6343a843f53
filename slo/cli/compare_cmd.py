"""``slo compare BEFORE AFTER``: the guide's "Expected Impact" table from two reports."""

from __future__ import annotations

import argparse

from reports import compare_reports, read_json, render_comparison

__all__ = ["DESCRIPTION", "HELP", "add_arguments", "run"]

HELP = "before/after impact table from two report.json files"
DESCRIPTION = (
    "Response time, primary database queries, pool utilization, 499/504 count and hit rate, "
    "before and after, with the change in percent and whether the guide's promise was kept. "
    "A figure neither report holds shows n/a."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("before", metavar="BEFORE", help="report.json of the run before the change")
    p.add_argument("after", metavar="AFTER", help="report.json of the run after the change")


def run(args: argparse.Namespace) -> int:
    before, after = read_json(args.before), read_json(args.after)
    print(render_comparison(compare_reports(before, after)))
    return 0
