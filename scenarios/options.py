"""The gate's command-line options, added to Locust's own parser.

Each option can also be set from the environment (`LOCUST_SLO_PROFILE=...`)
or a Locust config file, like Locust's own options.
"""

from __future__ import annotations

from typing import Any

from scenarios.plans import SHAPES
from scenarios.users import DEFAULT_CLIENT_TIMEOUT
from scenarios.watch import DEFAULT_EVERY, DEFAULT_WINDOW

__all__ = ["add_options"]

DEFAULT_PROFILE = "staging"
DEFAULT_REPORT_DIR = "reports-out"
DEFAULT_SCRAPE_LAG = 3.0


def add_options(parser: Any) -> None:
    """Register the gate's options on Locust's argument parser."""
    group = parser.add_argument_group(
        "SLO gate",
        "Judge the run's steady-state window against the guide's criteria; the exit code is "
        "the verdict's: 0 pass, 1 fail, 2 inconclusive, 3 bad usage or spec, 4 source "
        "unreachable or preflight failed.",
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
