"""``slo review``: the weekly (``--window 7d``) or monthly (``30d``) success-criteria review."""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

from reports import Report, read_json
from reports.render import write_all
from slo.cli.check import print_table
from slo.cli.common import duration_option, load, prometheus_config
from slo.errors import SpecError, UsageError
from slo.evaluate import Evaluation, Window
from slo.evaluate.judge import fmt
from slo.review import DAY, ReviewJob, load_attestations, review
from slo.spec.models import Spec
from slo.timeutil import iso, parse_duration, parse_instant

__all__ = ["add_parser", "run"]

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


def add_parser(subs: Any, epilog: str) -> None:
    p = subs.add_parser(
        "review",
        help="the weekly/monthly review: a profile day by day, attestations, trend",
        description=DESCRIPTION,
        epilog=epilog,
    )
    p.add_argument("--profile", required=True, help="profile to review (production, month1)")
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
    p.add_argument("--spec", metavar="FILE", help="criteria file (default: the shipped one)")
    p.add_argument("--mapping", metavar="FILE", help="metric mapping for another backend")
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
    p.add_argument(
        "--report-dir",
        metavar="DIR",
        default="reports-out",
        help="where the report files go (default reports-out)",
    )
    prom = p.add_argument_group("Prometheus")
    prom.add_argument(
        "--prometheus-url", required=True, metavar="URL", help="Prometheus(-compatible) API"
    )
    prom.add_argument("--timeout", type=float, default=30.0, help="seconds per query (default 30)")
    prom.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="extra HTTP header (repeatable)",
    )
    prom.add_argument(
        "--basic-auth-file", metavar="FILE", help="file holding USER:PASSWORD for basic auth"
    )
    prom.add_argument("--bearer-token-file", metavar="FILE", help="file holding a bearer token")
    prom.add_argument("--insecure", action="store_true", help="do not verify TLS certificates")
    p.set_defaults(handler=run)


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


def _report(path: str, option: str) -> Report:
    try:
        return read_json(Path(path))
    except (OSError, ValueError) as exc:
        raise SpecError(
            path, "", f"expected a report.json ({option}), got {str(exc)[:200]}"
        ) from None


def run(args: argparse.Namespace) -> int:
    from slo.sources.prometheus import PrometheusConfig, PrometheusSource

    loaded = load(args)
    window = review_window(
        args.window or default_window(loaded.spec, args.profile), args.end, now=time.time()
    )
    attestations = load_attestations(args.attestations, loaded.spec) if args.attestations else {}
    previous = _report(args.previous, "--previous") if args.previous else None
    baseline = _report(args.baseline, "--baseline") if args.baseline else None
    config = prometheus_config(args)
    assert isinstance(config, PrometheusConfig)
    source = PrometheusSource(config)
    report = review(
        ReviewJob(
            evaluation=Evaluation(
                spec=loaded.spec,
                spec_label=loaded.label,
                profile=args.profile,
                window=window,
                resolver=loaded.resolver,
                source=source,
                baseline=baseline,
                baseline_label=args.baseline,
                target=source.description,
            ),
            attestations=attestations,
            attestations_file=args.attestations,
            previous=previous,
            previous_label=args.previous or "",
        )
    )
    paths = write_all(report, Path(args.report_dir), secrets=config.secrets())
    print_table(report)
    _print_days(report)
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
