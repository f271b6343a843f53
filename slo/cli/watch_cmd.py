"""``slo watch``: the deployment guard, a profile re-judged every tick until it trips."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reports import Report, read_json
from slo.cli.common import duration_option, load, prometheus_config, report_dir, window_from
from slo.cli.options import (
    env_option,
    profile_option,
    prometheus_options,
    report_dir_option,
    spec_options,
)
from slo.errors import UsageError
from slo.evaluate import RunConfig, Window, evaluate
from slo.watch import DEFAULTS, Printer, ReportDir, WatchSettings, WatchSubject, run_watch

__all__ = ["DESCRIPTION", "HELP", "Prepared", "add_arguments", "prepare", "run"]

HELP = "the deployment guard: re-judge a rolling window every tick, ROLLBACK on a trip"
DESCRIPTION = """\
Every --every (on a fixed schedule: tick k is due k x --every after the start), judges the
profile over the last --window in Prometheus and prints one line: the UTC time, the tick's
verdict (ok, FAIL, inconclusive) and each objective's verdict, a failing or warning one
with its value. On a terminal a status line below counts down to the next tick.

A failed tick is one in which a gating objective fails. The --failure-limit-th failed
tick, counted in total (consecutive or not, as Argo Rollouts counts), trips the watch: it
prints "ROLLBACK: <objective id>: <the objective's description> (<reason>)", writes the
report of the tripping window to DIR/report.json (.md, .html, junit.xml), runs --on-trip
through the shell with SLO_TRIP_OBJECTIVE, SLO_TRIP_REASON, SLO_TRIP_REPORT (the path of
that report.json) and SLO_TRIP_PROFILE set, kills it at --on-trip-timeout, records its
exit status and output, and exits 1.

A tick without data (inconclusive, or Prometheus unreachable: one "no data" line on
stderr) is retried at the next tick; --inconclusive-limit such ticks in a row end the
watch with exit 2: a watch that cannot see is not a pass. Reaching --for without a trip
exits 0. Every ending, Ctrl-C included, writes the summary of the whole watch (every tick,
a chart of each objective tick by tick) to DIR/summary/."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    profile_option(p, what="profile to watch (escalation)")
    when = p.add_argument_group("schedule")
    when.add_argument(
        "--every",
        metavar="DURATION",
        default=DEFAULTS["every"],
        help=f"time between ticks (default {DEFAULTS['every']})",
    )
    when.add_argument(
        "--window",
        metavar="DURATION",
        default=DEFAULTS["window"],
        help=f"each tick judges the last DURATION (default {DEFAULTS['window']})",
    )
    when.add_argument(
        "--for",
        dest="duration",
        metavar="DURATION",
        default=DEFAULTS["for"],
        help=f"watch this long, then exit 0 if it never tripped (default {DEFAULTS['for']})",
    )
    when.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        metavar="F",
        help="0 < F <= 1: the spec's sustained slices last F times as long (drills, tests; "
        "the report states it; default 1)",
    )
    limits = p.add_argument_group("limits")
    limits.add_argument(
        "--failure-limit",
        type=int,
        metavar="N",
        default=DEFAULTS["failure_limit"],
        help="trip on the N-th failed tick, counted in total, consecutive or not "
        f"(default {DEFAULTS['failure_limit']})",
    )
    limits.add_argument(
        "--inconclusive-limit",
        type=int,
        metavar="N",
        default=DEFAULTS["inconclusive_limit"],
        help="exit 2 after N ticks in a row without data "
        f"(default {DEFAULTS['inconclusive_limit']})",
    )
    trip = p.add_argument_group("on trip")
    trip.add_argument(
        "--on-trip",
        metavar="CMD",
        help="shell command run once on the trip, with SLO_TRIP_OBJECTIVE, SLO_TRIP_REASON, "
        "SLO_TRIP_REPORT and SLO_TRIP_PROFILE set",
    )
    trip.add_argument(
        "--on-trip-timeout",
        metavar="DURATION",
        default=DEFAULTS["on_trip_timeout"],
        help=f"kill --on-trip after DURATION (default {DEFAULTS['on_trip_timeout']})",
    )
    base = p.add_argument_group("baseline (for baseline objectives; else they are skipped)")
    base.add_argument("--baseline", metavar="REPORT", help="pinned baseline report.json")
    base.add_argument("--baseline-start", metavar="TIME", help="baseline window start")
    base.add_argument("--baseline-end", metavar="TIME", help="baseline window end")
    out = p.add_argument_group("output")
    style = out.add_mutually_exclusive_group()
    style.add_argument(
        "--quiet", action="store_true", help="print only the trip, ticks without data and the end"
    )
    style.add_argument(
        "--json-lines",
        action="store_true",
        help='one JSON object per line: {"event": "tick"|"trip"|"report"|"on_trip"|"end", ...}',
    )
    report_dir_option(
        out,
        goes="the tripping window's report and summary/ go",
        default=str(DEFAULTS["report_dir"]),
        environment=False,
    )
    spec_options(p)
    prom = p.add_argument_group("Prometheus")
    env_option(
        prom, "--prometheus-url", required=True, metavar="URL", help="Prometheus(-compatible) API"
    )
    prometheus_options(prom, timeout=10.0, group=True)


def settings_from(args: argparse.Namespace) -> WatchSettings:
    """The schedule, limits and on-trip command, every duration parsed and checked."""
    return WatchSettings(
        every=duration_option("--every", args.every),
        window=duration_option("--window", args.window),
        duration=duration_option("--for", args.duration),
        failure_limit=args.failure_limit,
        inconclusive_limit=args.inconclusive_limit,
        time_scale=args.time_scale,
        on_trip=args.on_trip,
        on_trip_timeout=duration_option("--on-trip-timeout", args.on_trip_timeout),
        report_dir=Path(args.report_dir),
    )


def _baseline(args: argparse.Namespace) -> tuple[Report | None, Window | None, str | None]:
    if args.baseline and (args.baseline_start or args.baseline_end):
        raise UsageError("give one baseline: --baseline, or --baseline-start/--baseline-end")
    if args.baseline:
        return read_json(args.baseline, role="--baseline"), None, args.baseline
    if args.baseline_start or args.baseline_end:
        sub = argparse.Namespace(start=args.baseline_start, end=args.baseline_end, last=None)
        window = window_from(sub)
        return None, window, window.describe()
    return None, None, None


@dataclass(frozen=True, kw_only=True)
class Prepared:
    """Everything the watch needs, built from the options before any request."""

    settings: WatchSettings
    config_for: Callable[[Window], RunConfig]
    subject: WatchSubject
    secrets: tuple[str, ...]
    units: dict[str, str]


def prepare(args: argparse.Namespace) -> Prepared:
    """Parse and check every option, load the spec and build the source (no request)."""
    from slo.sources import PrometheusSource

    settings = settings_from(args)
    chosen = load(args)
    baseline, baseline_window, label = _baseline(args)
    prometheus = prometheus_config(args)
    source = PrometheusSource(prometheus)  # no request until the first tick
    secrets = tuple(prometheus.secrets())

    def config_for(window: Window) -> RunConfig:
        return chosen.run(
            window=window,
            source=source,
            baseline=baseline,
            baseline_window=baseline_window,
            baseline_label=label,
            baseline_hint="--baseline report.json or --baseline-start/--baseline-end",
            target=source.description,
            secrets=secrets,
            time_scale=settings.time_scale,
        )

    config_for(Window.last(settings.window, now=time.time()))  # every option checked now
    report_dir("--report-dir", settings.report_dir)
    return Prepared(
        settings=settings,
        config_for=config_for,
        subject=WatchSubject.of(
            chosen, source=source.description, target=source.description, baseline=label
        ),
        secrets=secrets,
        units={o.id: o.unit for o in chosen.definition.objectives},
    )


def run(args: argparse.Namespace) -> int:
    ready = prepare(args)
    printer = Printer(
        out=sys.stdout,
        err=sys.stderr,
        style="json" if args.json_lines else "quiet" if args.quiet else "human",
        live=sys.stdout.isatty(),
        units=ready.units,
    )
    out = ready.settings.report_dir
    result = run_watch(
        ready.settings,
        subject=ready.subject,
        judge=lambda window: evaluate(ready.config_for(window)),
        publisher=ReportDir(out_dir=out, config_for=ready.config_for, secrets=ready.secrets),
        printer=printer,
    )
    return result.exit_code
