"""``slo review``: the weekly (``--window 7d``) or monthly (``30d``) success-criteria review."""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

from reports import Report, fmt, read_json, result_table
from slo.cli.common import duration_option, load, prometheus_config, report_dir
from slo.cli.options import (
    env_option,
    profile_option,
    prometheus_options,
    report_dir_option,
    spec_options,
)
from slo.errors import UsageError
from slo.evaluate import Window
from slo.publish import publish
from slo.review import DAY, ReviewJob, load_attestations, review
from slo.spec import Spec
from slo.timeutil import iso, parse_duration, parse_instant

__all__ = ["DESCRIPTION", "HELP", "add_arguments", "run"]

HELP = "the weekly/monthly review: a profile day by day, attestations, trend"
DESCRIPTION = """\
Judges a profile over whole days ending at --end (default: the last midnight UTC), as
`slo check` would over that window, and adds what a review reads: every objective day by
day (failing days named), the manual attestations from --attestations, charts of the
whole window (one point per hour over 7 days, per 6 hours over 30), and the change of each
objective since --previous. Writes report.json, report.md, report.html and junit.xml.

attestations file (YAML, one entry per attestation id of the spec):
  zero_emergency_rollbacks:
    state: pass          # pass | fail
    by: alice            # who attests it
    date: 2026-02-03     # optional
    note: "no rollback since the deploy"   # optional
An attestation the file does not mention stays unattested (inconclusive)."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    profile_option(p, what="profile to review (production, month1)")
    p.add_argument(
        "--window",
        metavar="DURATION",
        help="whole days to review, e.g. 7d or 30d (default: the longest min_window of the "
        "profile's sustained objectives, else 7d)",
    )
    p.add_argument(
        "--end",
        metavar="TIME",
        help="end of the window, ISO-8601 UTC or unix seconds (default: the last midnight UTC)",
    )
    spec_options(p)
    p.add_argument(
        "--attestations", metavar="FILE", help="YAML file of manual attestations (see above)"
    )
    p.add_argument(
        "--previous", metavar="REPORT", help="report.json of the previous review (the trend)"
    )
    p.add_argument(
        "--baseline",
        metavar="REPORT",
        help="pinned baseline report.json for baseline objectives (error_rate_increase)",
    )
    report_dir_option(p, goes="the report files go")
    prom = p.add_argument_group("Prometheus")
    env_option(
        prom, "--prometheus-url", required=True, metavar="URL", help="Prometheus(-compatible) API"
    )
    prometheus_options(prom, timeout=30.0, group=True)


def default_window(spec: Spec, profile: str) -> str:
    """The longest ``min_window`` of the profile's sustained objectives, else ``7d``."""
    windows = [o.sustained.min_window for o in spec.profiles[profile].objectives if o.sustained]
    return max(windows, key=parse_duration, default="7d")


def review_window(window: str, end: str | None, *, now: float) -> Window:
    """``window`` whole days ending at ``end`` (default: the last midnight UTC before now)."""
    seconds = duration_option("--window", window)
    days = seconds / DAY
    if seconds < DAY or not days.is_integer():
        raise UsageError(f"--window: expected whole days such as 7d or 30d, got {window!r}")
    if end is None:
        stop = math.floor(now / DAY) * DAY
    else:
        try:
            stop = parse_instant(end)
        except ValueError as exc:
            raise UsageError(f"--end: {exc}") from None
    return Window(start=stop - seconds, end=stop)


def run(args: argparse.Namespace) -> int:
    from slo.sources import PrometheusSource

    chosen = load(args)
    window = review_window(
        args.window or default_window(chosen.spec, args.profile), args.end, now=time.time()
    )
    attestations = load_attestations(args.attestations, chosen.spec) if args.attestations else {}
    previous = read_json(args.previous, role="--previous") if args.previous else None
    baseline = read_json(args.baseline, role="--baseline") if args.baseline else None
    prometheus = prometheus_config(args)
    out = report_dir("--report-dir", Path(args.report_dir))
    source = PrometheusSource(prometheus)
    config = chosen.run(
        window=window,
        source=source,
        baseline=baseline,
        baseline_label=args.baseline,
        target=source.description,
        secrets=tuple(prometheus.secrets()),
    )
    report = review(
        ReviewJob(
            evaluation=config,
            attestations=attestations,
            attestations_file=args.attestations,
            previous=previous,
            previous_label=args.previous or "",
        )
    )
    # review() drew the charts of the whole window already: publish only writes.
    _, paths = publish(report, out, source=None, window=window, secrets=config.secrets)
    print(result_table(report))
    _print_days(report)
    if report.review is not None and report.review.cache_ttl is not None:
        print("\n".join(report.review.cache_ttl.lines()))  # also in the report files
    for path in paths.values():
        print(f"report: {path}", file=sys.stderr)
    return report.exit_code


def _print_days(report: Report) -> None:
    section = report.review
    if section is None:
        return
    print(f"days: {len(section.days)} whole days from {iso(report.window.start.timestamp())}")
    for objective in section.objectives:
        if objective.failing_days:
            print(f"  failing days of {objective.id}: {', '.join(objective.failing_days)}")
    if section.previous is not None:
        print(f"trend against {section.previous.label}:")
        for row in section.trend:
            if row.change is not None:
                print(
                    f"  {row.id:<26} {fmt(row.previous_value, row.unit):>12} -> "
                    f"{fmt(row.current_value, row.unit):<12} {row.direction or ''}"
                )
