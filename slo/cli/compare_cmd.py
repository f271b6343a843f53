"""``slo compare BEFORE AFTER``: the guide's "Expected Impact" table from two reports, and
a gate on it (exit 1 unless every promise is kept; ``--report-only`` exits 0)."""

from __future__ import annotations

import argparse
from pathlib import Path

from reports import Verdict, read_json, write_atomic
from reports.compare import compare_reports, render_comparison, same_run_line
from slo.errors import UsageError
from slo.exitcodes import ExitCode

__all__ = ["DESCRIPTION", "HELP", "add_arguments", "run"]

HELP = "before/after impact table from two report.json files; fails unless every promise is kept"
DESCRIPTION = """\
Response time (P95), primary database queries, primary pool utilization, 499/504 count and
cache hit rate, before and after, with the change in percent and whether the guide's
promise was kept:

  yes                the before had the guide's symptom and the after keeps the promise
                     (99% faster, 98% fewer primary queries, 70% less pool usage, no
                     499/504, hit rate > 90%)
  no                 it does not
  not demonstrated   the before lacks the symptom the promise cures (P95 under 500 ms, no
                     primary queries, no pool usage, no 499/504): the comparison proves
                     nothing, so it is not a yes
  n/a                a figure is missing from a report (never read as 0)

The table is printed (and written to --output). Comparing a run with itself (the same
target and window: one report twice, or a report and its `slo rejudge`) is bad usage."""

_EXIT_CODES = {
    Verdict.PASS: ExitCode.PASS,
    Verdict.FAIL: ExitCode.FAIL,
    Verdict.INCONCLUSIVE: ExitCode.INCONCLUSIVE,
}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("before", metavar="BEFORE", help="report.json of the run before the change")
    p.add_argument("after", metavar="AFTER", help="report.json of the run after the change")
    p.add_argument(
        "--report-only",
        action="store_true",
        help="only report: print the table and exit 0 whatever it says (3 still for bad usage)",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="also write the table (Markdown) to FILE, e.g. $GITHUB_STEP_SUMMARY",
    )


def run(args: argparse.Namespace) -> int:
    before = read_json(args.before, role="BEFORE")
    after = read_json(args.after, role="AFTER")
    comparison = compare_reports(before, after)
    if comparison.same_run:
        raise UsageError(same_run_line(comparison))
    table = render_comparison(comparison)
    print(table)
    if args.output:
        out = Path(args.output)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(out, table + "\n")
        except OSError as exc:
            raise UsageError(f"--output {args.output}: cannot write ({exc.strerror})") from None
    return int(ExitCode.PASS if args.report_only else _EXIT_CODES[comparison.verdict])
