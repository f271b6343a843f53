"""Argument parsing for every ``slo`` subcommand: usage errors exit 3 (not argparse's 2) in
one line, no option is abbreviated, and each help lists only the exit codes its command
can return."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from slo.cli.options import (
    ENVIRONMENT,
    PHASE1,
    apply_environment,
    env_option,
    positive_seconds,
    profile_option,
    prometheus_options,
    report_dir_option,
    spec_options,
)
from slo.exitcodes import ExitCode, epilog

__all__ = ["EXIT_CODES", "build_parser", "parse_args"]

E = ExitCode
_JUDGES = (E.PASS, E.FAIL, E.INCONCLUSIVE, E.USAGE, E.SOURCE, E.INTERNAL)
_OFFLINE = (E.PASS, E.USAGE, E.INTERNAL)

#: The exit codes each subcommand can return, with what they mean for it.
EXIT_CODES: dict[str, dict[ExitCode, str]] = {
    "check": {code: "" for code in _JUDGES},
    "rejudge": {code: "" for code in _JUDGES if code != E.SOURCE},
    "review": {code: "" for code in _JUDGES},
    "lint": {E.PASS: "the spec (and the mapping) are valid", E.USAGE: "", E.INTERNAL: ""},
    "explain": {code: "" for code in _OFFLINE} | {E.PASS: "queries printed"},
    "rules": {code: "" for code in _OFFLINE} | {E.PASS: "rules written"},
    "dashboard": {code: "" for code in _OFFLINE} | {E.PASS: "dashboard written"},
    "doctor": {
        E.PASS: "every metric the profile reads is there (and moves where it must)",
        E.FAIL: "a metric is absent, unmatched, lacks labels or is frozen",
        E.USAGE: "",
        E.SOURCE: "",
        E.INTERNAL: "",
    },
    "preflight": {
        E.PASS: "the target is ready for load",
        E.USAGE: "",
        E.SOURCE: "a check failed or the target is unreachable: send no load",
        E.INTERNAL: "",
    },
    "compare": {
        E.PASS: "every promise kept (or --report-only)",
        E.FAIL: "a promise not kept or not demonstrated",
        E.INCONCLUSIVE: "no promise broken, but a figure is missing (n/a)",
        E.USAGE: "bad usage: an unreadable report, or before and after are the same run",
        E.INTERNAL: "",
    },
    "watch": {
        E.PASS: "--for reached without a trip",
        E.FAIL: "tripped: ROLLBACK printed, report written, --on-trip run",
        E.INCONCLUSIVE: "no data for --inconclusive-limit ticks in a row (an unreachable "
        "Prometheus included)",
        E.USAGE: "",
        E.INTERNAL: "",
        E.INTERRUPTED: "interrupted (Ctrl-C), after writing the summary",
    },
}

_ENV_NOTES = {"--report-dir": " (check, rejudge, review; slo watch keeps its own default)"}
_TOP_EPILOG = (
    epilog(list(ExitCode))
    + "\n\nenvironment (used when the option is not given):\n"
    + "\n".join(
        f"  {var:<20} {flag}{_ENV_NOTES.get(flag, '')}" for flag, var in ENVIRONMENT.items()
    )
    + "\n\n`slo COMMAND --help` lists the exit codes each command can return."
)
# "-5m", "-1": values of an option (refused by its check), not unknown options.
_NEGATIVE_VALUE = re.compile(r"^-\.?\d[\w.]*$")


def command_epilog(name: str) -> str:
    """The ``exit codes:`` block of ``slo NAME --help``."""
    codes = EXIT_CODES[name]
    return epilog(codes, meanings={code: text for code, text in codes.items() if text})


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = _NEGATIVE_VALUE

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(int(ExitCode.USAGE))


class _Version(argparse.Action):
    """``--version``: the installed distribution's version, looked up only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> NoReturn:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("slo-harness")
        except PackageNotFoundError:  # run from a source tree that was never installed
            found = "unknown (not installed)"
        print(f"slo {found}")
        raise SystemExit(0)


def _source_options(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group()
    env_option(src, "--prometheus-url", metavar="URL", help="read a Prometheus(-compatible) API")
    src.add_argument(
        "--target",
        metavar="URL",
        help="no Prometheus: scrape URL/metrics in-process for the window (--last)",
    )
    spec_options(p, spec=PHASE1)
    profile_option(p)
    prometheus_options(p, timeout=10.0, group=False)
    p.add_argument(
        "--scrape-interval",
        type=positive_seconds,
        default=1.0,
        metavar="SECONDS",
        help="seconds between scrapes of --target (default 1)",
    )


def _window_options(p: argparse.ArgumentParser) -> None:
    when = p.add_argument_group("window (explicit --start/--end, or --last)")
    when.add_argument("--start", metavar="TIME", help="ISO-8601 UTC or unix seconds")
    when.add_argument("--end", metavar="TIME", help="ISO-8601 UTC or unix seconds")
    when.add_argument(
        "--last",
        metavar="DURATION",
        help="the last DURATION, e.g. 10m or 1h30m (Prometheus); with --target: sample from "
        "now for DURATION",
    )


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

    parser = _Parser(
        prog="slo", description="Judge SLO criteria against metrics.", epilog=_TOP_EPILOG
    )
    parser.add_argument("--version", action=_Version)
    subs = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def sub(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        made: argparse.ArgumentParser = subs.add_parser(name, epilog=command_epilog(name), **kwargs)
        return made

    p = sub("check", help="judge a profile over a window")
    _source_options(p)
    _window_options(p)
    p.add_argument("--baseline", metavar="REPORT", help="pinned baseline report.json")
    p.add_argument("--baseline-start", metavar="TIME", help="baseline window start")
    p.add_argument("--baseline-end", metavar="TIME", help="baseline window end")
    p.add_argument(
        "--baseline-offset",
        metavar="DURATION",
        help="baseline = the same window DURATION earlier (e.g. 7d)",
    )
    p.add_argument(
        "--locust-stats",
        metavar="FILE",
        help="saved Locust stats (client SLIs): the gate's locust-stats.json, or the output of "
        "Locust's own --json",
    )
    p.add_argument(
        "--attest",
        action="append",
        default=[],
        metavar="ID=pass|fail",
        help="record a manual attestation of the profile (repeatable)",
    )
    report_dir_option(p, goes="report.json goes")
    p.set_defaults(handler=check.run)

    p = sub("rejudge", help="judge a past report.json again against a spec")
    p.add_argument("report", metavar="REPORT", help="a report.json written by slo check")
    spec_options(p)
    report_dir_option(p, goes="the new report.json goes")
    p.set_defaults(handler=check.run_rejudge)

    p = sub("lint", help="validate a spec file")
    p.add_argument("spec", metavar="SPEC", help="criteria file")
    p.add_argument("--mapping", metavar="FILE", help="also validate a mapping file")
    p.set_defaults(handler=lint.run)

    p = sub("explain", help="print every resolved query (no server)")
    profile_option(p, what="profile whose queries to print")
    spec_options(p)
    p.add_argument(
        "--window",
        metavar="DURATION",
        default="10m",
        help="window to render queries for, e.g. 1h or 1h30m (default 10m)",
    )
    p.set_defaults(handler=explain.run)

    p = sub("doctor", help="check a live source has every metric the profile reads")
    _source_options(p)
    _window_options(p)
    p.set_defaults(handler=doctor.run)

    for name, command in (
        ("preflight", preflight_cmd),
        ("review", review_cmd),
        ("compare", compare_cmd),
        ("watch", watch_cmd),
    ):
        p = sub(name, help=command.HELP, description=command.DESCRIPTION)
        command.add_arguments(p)
        p.set_defaults(handler=command.run)
    generate.add_rules_parser(subs, epilog=command_epilog("rules"))
    generate.add_dashboard_parser(subs, epilog=command_epilog("dashboard"))
    return parser


def parse_args(argv: Sequence[str] | None, env: Mapping[str, str]) -> argparse.Namespace:
    """The options of ``argv``, with the environment standing in for those not given."""
    return apply_environment(build_parser().parse_args(argv), env)
