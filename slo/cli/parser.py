"""Argument parsing for every ``slo`` subcommand (usage errors exit 3, not argparse's 2)."""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

from slo.cli.options import PHASE1, prometheus_options, report_dir_option, spec_options

EPILOG = """exit codes:
  0 pass
  1 fail
  2 inconclusive
  3 bad usage or invalid spec
  4 data source unreachable or erroring"""


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(3)


def _source_options(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group()
    src.add_argument("--prometheus-url", metavar="URL", help="read a Prometheus(-compatible) API")
    src.add_argument(
        "--target",
        metavar="URL",
        help="no Prometheus: scrape URL/metrics in-process for the window (--last)",
    )
    spec_options(p, spec=PHASE1)
    p.add_argument("--profile", required=True, help="profile of the spec to judge")
    prometheus_options(p, timeout=10.0, group=False)
    p.add_argument(
        "--scrape-interval",
        type=float,
        default=1.0,
        help="seconds between scrapes of --target (default 1)",
    )


def _window_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    when = p.add_argument_group("window (explicit --start/--end, or --last)")
    when.add_argument("--start", metavar="TIME", help="ISO-8601 UTC or unix seconds")
    when.add_argument("--end", metavar="TIME", help="ISO-8601 UTC or unix seconds")
    when.add_argument(
        "--last",
        metavar="DURATION",
        help="the last DURATION (Prometheus); with --target: sample from now for DURATION",
    )
    p.set_defaults(window_required=required)


def build_parser() -> argparse.ArgumentParser:
    from slo.cli import (
        check,
        compare_cmd,
        doctor,
        explain,
        generate,
        lint,
        preflight_cmd,
        review_cmd,
        watch_cmd,
    )

    parser = _Parser(prog="slo", description="Judge SLO criteria against metrics.", epilog=EPILOG)
    subs = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = subs.add_parser("check", help="judge a profile over a window", epilog=EPILOG)
    _source_options(p)
    _window_options(p, required=True)
    p.add_argument("--baseline", metavar="REPORT", help="pinned baseline report.json")
    p.add_argument("--baseline-start", metavar="TIME", help="baseline window start")
    p.add_argument("--baseline-end", metavar="TIME", help="baseline window end")
    p.add_argument(
        "--baseline-offset",
        metavar="DURATION",
        help="baseline = the same window DURATION earlier (e.g. 7d)",
    )
    p.add_argument("--locust-stats", metavar="FILE", help="saved Locust stats (client SLIs)")
    p.add_argument(
        "--attest",
        action="append",
        default=[],
        metavar="ID=pass|fail",
        help="record a manual attestation (repeatable)",
    )
    report_dir_option(p, goes="report.json goes")
    p.set_defaults(handler=check.run)

    p = subs.add_parser(
        "rejudge", help="judge a past report.json again against a spec", epilog=EPILOG
    )
    p.add_argument("report", metavar="REPORT", help="a report.json written by slo check")
    spec_options(p, mapping=None)
    report_dir_option(p, goes="the new report.json goes")
    p.set_defaults(handler=check.run_rejudge)

    p = subs.add_parser("lint", help="validate a spec file", epilog=EPILOG)
    p.add_argument("spec", metavar="SPEC", help="criteria file")
    p.add_argument("--mapping", metavar="FILE", help="also validate a mapping file")
    p.set_defaults(handler=lint.run)

    p = subs.add_parser("explain", help="print every resolved query (no server)", epilog=EPILOG)
    p.add_argument("--profile", required=True)
    spec_options(p, spec=None, mapping=None)
    p.add_argument("--window", default="10m", help="window to render queries for (default 10m)")
    p.set_defaults(handler=explain.run)

    p = subs.add_parser(
        "doctor", help="check a live source has every metric the profile reads", epilog=EPILOG
    )
    _source_options(p)
    _window_options(p, required=False)
    p.set_defaults(handler=doctor.run)

    for name, command in (
        ("preflight", preflight_cmd),
        ("review", review_cmd),
        ("compare", compare_cmd),
    ):
        p = subs.add_parser(name, help=command.HELP, description=command.DESCRIPTION, epilog=EPILOG)
        command.add_arguments(p)
        p.set_defaults(handler=command.run)
    p = subs.add_parser(
        "watch", help=watch_cmd.HELP, description=watch_cmd.DESCRIPTION, epilog=watch_cmd.EPILOG
    )
    watch_cmd.add_arguments(p)
    p.set_defaults(handler=watch_cmd.run)
    generate.add_rules_parser(subs, epilog=EPILOG)
    generate.add_dashboard_parser(subs, epilog=EPILOG)
    return parser
