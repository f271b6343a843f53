"""The gate's command-line options, added to Locust's own parser.

Each option can also be set from the environment (`LOCUST_SLO_PROFILE=...`)
or a Locust config file, like Locust's own options.

Locust prints `--help` before it imports the locustfile (upstream issue #2917), so its
help cannot list these; `--slo-help` prints them and exits 0. A bad value of one of them
exits 3 (bad usage), never argparse's 2, which is the gate's "inconclusive".
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from typing import Any, Final, NoReturn

from scenarios.plans import SHAPES
from scenarios.users import DEFAULT_CLIENT_TIMEOUT
from scenarios.watch import DEFAULT_EVERY, DEFAULT_WINDOW
from slo.errors import UsageError

__all__ = ["GROUP_TITLE", "add_options", "check_values", "group_help"]

GROUP_TITLE: Final = "SLO gate"
DEFAULT_PROFILE = "staging"
DEFAULT_REPORT_DIR = "reports-out"
DEFAULT_SCRAPE_LAG = 3.0
DEFAULT_PROMETHEUS_TIMEOUT = 10.0
USAGE_EXIT: Final = 3  # DESIGN: bad usage, found before any network call

# option -> (attribute, smallest allowed value, whether the bound itself is allowed)
_BOUNDS: Final[dict[str, tuple[str, float, bool]]] = {
    "--peak-users": ("peak_users", 1, True),
    "--hold": ("hold", 0, False),
    "--requests": ("requests", 1, True),
    "--time-scale": ("time_scale", 0, False),
    "--warmup": ("warmup", 0, True),
    "--scrape-lag": ("scrape_lag", 0, True),
    "--scrape-interval": ("scrape_interval", 0, False),
    "--client-timeout": ("client_timeout", 0, False),
    "--prometheus-timeout": ("prometheus_timeout", 0, False),
}


def check_values(options: Any) -> None:
    """`UsageError` (exit 3) for a gate option whose number is out of range, NaN or
    infinite: found at start-up, before any load or network call."""
    for option, (name, low, inclusive) in _BOUNDS.items():
        value = getattr(options, name, None)
        if value is None:
            continue
        ok = math.isfinite(value) and (value >= low if inclusive else value > low)
        if not ok:
            wanted = f"at least {low:g}" if inclusive else f"more than {low:g}"
            raise UsageError(f"{option}: expected a number {wanted}, got {value!r}")


def group_help(parser: Any) -> str:
    """The gate's option group as Locust's `--help` would print it, had it imported the
    locustfile first."""
    group = next(g for g in parser._action_groups if g.title == GROUP_TITLE)
    formatter = parser._get_formatter()
    formatter.add_usage("locust -f locustfile.py [Locust's options] [SLO gate options]", None, None)
    formatter.start_section(group.title)
    formatter.add_text(group.description)
    formatter.add_arguments(group._group_actions)
    formatter.end_section()
    formatter.add_text(
        "Locust's own options: locust --help (it prints its help before it imports the "
        "locustfile, so it cannot list these)."
    )
    return str(formatter.format_help())


class _SloHelp(argparse.Action):
    """`--slo-help`: print the gate's option group and exit 0."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.pop("nargs", None)
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser: Any, *_: Any, **__: Any) -> None:
        sys.stdout.write(group_help(parser))
        parser.exit(0)


def _bad_values_exit_3(parser: Any, group: Any) -> None:
    """Errors about the gate's own options (`--shape foo`, `--hold abc`, `--shape` with no
    value) exit 3, bad usage; Locust's parser exits 2, the gate's code for inconclusive.
    Other errors keep Locust's handling."""
    ours = {option for action in group._group_actions for option in action.option_strings}
    locust_error = parser.error

    def error(message: str) -> NoReturn:
        named = message.removeprefix("argument ").split(":", 1)[0].split("/")
        if message.startswith("argument ") and ours.intersection(named):
            hint = "locust -f locustfile.py --slo-help lists the gate's options"
            parser.exit(USAGE_EXIT, f"{parser.prog}: error: {message} ({hint})\n")
        locust_error(message)
        raise AssertionError("unreachable: the parser's error() exits")

    parser.error = error


def add_options(parser: Any) -> None:
    """Register the gate's options on Locust's argument parser."""
    group = parser.add_argument_group(
        GROUP_TITLE,
        "Judge the run's steady-state window against the guide's criteria; the exit code is "
        "the verdict's: 0 pass, 1 fail, 2 inconclusive, 3 bad usage or spec (a bad option "
        "value included), 4 source unreachable or preflight failed, 5 internal error (one "
        "line and the path of a log holding the traceback).",
    )
    group.add_argument(
        "--slo-help",
        action=_SloHelp,
        help="print these options (the SLO gate's) and exit 0",
    )
    group.add_argument(
        "--shape",
        choices=sorted(SHAPES),
        default="smoke",
        env_var="LOCUST_SHAPE",
        help="load shape: smoke (seconds, 3 users), ab (the guide's 1000 requests at "
        "concurrency 50), ramp (stepwise to a peak, hold), soak (long hold), spike. "
        "Default: %(default)s",
    )
    group.add_argument(
        "--peak-users",
        type=int,
        default=None,
        env_var="LOCUST_PEAK_USERS",
        help="peak (or steady) user count of the shape (default: the shape's own)",
    )
    group.add_argument(
        "--hold",
        type=float,
        default=None,
        env_var="LOCUST_HOLD",
        help="seconds the shape holds its peak (default: the shape's own)",
    )
    group.add_argument(
        "--requests",
        type=int,
        default=None,
        env_var="LOCUST_REQUESTS",
        help="request count of the ab shape (ab -n; default 1000, the guide's)",
    )
    group.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        env_var="LOCUST_TIME_SCALE",
        help="multiply every duration of the shape, warm-up and judged phase included "
        "(0.1 runs a ramp in 14 s: quick trials and the test suite)",
    )
    group.add_argument(
        "--slo-profile",
        default=DEFAULT_PROFILE,
        env_var="LOCUST_SLO_PROFILE",
        help="profile of the criteria spec to judge the run with (default: %(default)s)",
    )
    group.add_argument(
        "--slo-spec",
        default=None,
        env_var="LOCUST_SLO_SPEC",
        help="criteria spec YAML (default: the shipped slo/criteria/phase1.yaml)",
    )
    group.add_argument(
        "--slo-mapping",
        default=None,
        env_var="LOCUST_SLO_MAPPING",
        help="metric mapping YAML for a backend whose metric names or labels differ",
    )
    group.add_argument(
        "--prometheus-url",
        default=None,
        env_var="LOCUST_PROMETHEUS_URL",
        help="Prometheus that scrapes the target; without it the gate scrapes the "
        "target's /metrics itself during the run",
    )
    group.add_argument(
        "--prometheus-bearer-token-file",
        default=None,
        env_var="LOCUST_PROMETHEUS_BEARER_TOKEN_FILE",
        help="file holding a bearer token for a hosted Prometheus-compatible backend",
    )
    group.add_argument(
        "--prometheus-basic-auth-file",
        default=None,
        env_var="LOCUST_PROMETHEUS_BASIC_AUTH_FILE",
        metavar="FILE",
        help="file holding USER:PASSWORD on one line, for a Prometheus behind basic auth "
        "(the password never sits on the command line, nor in reports or logs)",
    )
    group.add_argument(
        "--prometheus-timeout",
        type=float,
        default=DEFAULT_PROMETHEUS_TIMEOUT,
        env_var="LOCUST_PROMETHEUS_TIMEOUT",
        metavar="SECONDS",
        help="how long each Prometheus query may take, on the server and in the client; "
        "past it the query is an error, never a partial value (default: %(default)g)",
    )
    group.add_argument(
        "--prometheus-header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="extra HTTP header for Prometheus (repeatable), such as a tenant's "
        "'X-Scope-OrgID: catalog' for Mimir, Cortex or Thanos; secret-bearing values "
        "(Authorization, tokens, keys) never appear in reports or logs",
    )
    group.add_argument(
        "--report-dir",
        default=DEFAULT_REPORT_DIR,
        env_var="LOCUST_REPORT_DIR",
        help="directory for report.json, report.md, report.html, junit.xml (default: %(default)s)",
    )
    group.add_argument(
        "--warmup",
        type=float,
        default=None,
        env_var="LOCUST_WARMUP",
        help="seconds from the start never judged (default: the shape's own warm-up)",
    )
    group.add_argument(
        "--baseline",
        default=None,
        env_var="LOCUST_BASELINE",
        help="a previous report.json for the relative objectives (no increase in errors...)",
    )
    group.add_argument(
        "--scrape-lag",
        type=float,
        default=DEFAULT_SCRAPE_LAG,
        env_var="LOCUST_SCRAPE_LAG",
        help="seconds to wait after the window for the last scrape to land in Prometheus "
        "(default: %(default)s; use about two scrape intervals)",
    )
    group.add_argument(
        "--scrape-interval",
        type=float,
        default=1.0,
        env_var="LOCUST_SCRAPE_INTERVAL",
        help="seconds between scrapes of the target's /metrics: Prometheus's "
        "scrape_interval for it, or the gate's own sampling without Prometheus "
        "(default: %(default)s, the reference stack's)",
    )
    group.add_argument(
        "--client-timeout",
        type=float,
        default=DEFAULT_CLIENT_TIMEOUT,
        env_var="LOCUST_CLIENT_TIMEOUT",
        help="seconds after which a user gives up on a request; counted as a client "
        "timeout, and the server should log a 499 (default: %(default)s)",
    )
    group.add_argument(
        "--traffic-seed",
        type=int,
        default=1,
        env_var="LOCUST_TRAFFIC_SEED",
        help="seed of the traffic model; the same seed gives the same request stream",
    )
    group.add_argument(
        "--skip-preflight",
        action="store_true",
        default=False,
        env_var="LOCUST_SKIP_PREFLIGHT",
        help="send load even if the target fails the guide's Step 3 checks",
    )
    group.add_argument(
        "--watch-profile",
        default=None,
        metavar="PROFILE",
        env_var="LOCUST_WATCH_PROFILE",
        help="during the run, judge this profile of the spec (e.g. escalation) over a "
        "rolling window from the gate's server source; a failing gating objective logs "
        "ROLLBACK, stops the run, writes watch-trip.json and exits 1",
    )
    group.add_argument(
        "--watch-every",
        default=None,
        metavar="SECONDS",
        env_var="LOCUST_WATCH_EVERY",
        help=f"seconds (or a duration: 15s) between the watch's ticks (default: {DEFAULT_EVERY:g})",
    )
    group.add_argument(
        "--watch-window",
        default=None,
        metavar="DURATION",
        env_var="LOCUST_WATCH_WINDOW",
        help=f"the rolling window each tick judges, [now - DURATION, now] "
        f"(default: {DEFAULT_WINDOW})",
    )
    group.add_argument(
        "--watch-time-scale",
        default=None,
        metavar="F",
        env_var="LOCUST_WATCH_TIME_SCALE",
        help="multiply the watch profile's sustained slices by F (0 < F <= 1; 0.05 judges "
        "'for 5 minutes' in 15 s: drills and tests); watch-trip.json states it (default: 1)",
    )
    group.add_argument(
        "--no-slo-gate",
        action="store_true",
        default=False,
        env_var="LOCUST_NO_SLO_GATE",
        help="run the load only; no judging, Locust's own exit code",
    )
    _bad_values_exit_3(parser, group)
