"""``slo check``: judge a profile over a window, write report.json, print the verdicts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reports import Report, read_json, result_table
from slo.cli.common import duration_option, load, prometheus_config, sample_target, window_from
from slo.errors import UsageError
from slo.evaluate import MetricSource, SpecConfig, Window, evaluate, rejudge
from slo.publish import publish_run


def _attestations(items: list[str]) -> dict[str, bool]:
    found: dict[str, bool] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or value not in ("pass", "fail"):
            raise UsageError(f"--attest: expected ID=pass or ID=fail, got {item!r}")
        found[key] = value == "pass"
    return found


def _baseline(
    args: argparse.Namespace, window: Window
) -> tuple[Report | None, Window | None, str | None]:
    chosen = [
        bool(args.baseline),
        bool(args.baseline_start or args.baseline_end),
        bool(args.baseline_offset),
    ]
    if sum(chosen) > 1:
        raise UsageError(
            "give one baseline: --baseline, --baseline-start/--baseline-end, or --baseline-offset"
        )
    if args.baseline:
        return read_json(args.baseline), None, args.baseline
    if args.baseline_offset:
        offset = duration_option("--baseline-offset", args.baseline_offset)
        shifted = Window(start=window.start - offset, end=window.end - offset)
        return None, shifted, f"the same window {args.baseline_offset} earlier"
    if args.baseline_start or args.baseline_end:
        sub = argparse.Namespace(start=args.baseline_start, end=args.baseline_end, last=None)
        base = window_from(sub)
        return None, base, base.describe()
    return None, None, None


def _source(args: argparse.Namespace) -> tuple[MetricSource | None, Window, str, tuple[str, ...]]:
    """The metric source, the judged window, the target the report names, and the source's
    credentials (kept out of every report)."""
    if args.prometheus_url:
        from slo.sources import PrometheusSource

        config = prometheus_config(args)
        source = PrometheusSource(config)
        return source, window_from(args), source.description, tuple(config.secrets())
    if args.target:
        if args.start or args.end or not args.last:
            raise UsageError("with --target the window is sampled from now: give --last DURATION")
        sampled, window = sample_target(args, duration_option("--last", args.last))
        return sampled, window, args.target, ()
    return None, window_from(args), "", ()


def run(args: argparse.Namespace) -> int:
    chosen = load(args)
    attestations = _attestations(args.attest)
    client = None
    if args.locust_stats:
        from slo.sources import load_stats_file

        client = load_stats_file(Path(args.locust_stats))
    source, window, target, secrets = _source(args)
    baseline, baseline_window, baseline_label = _baseline(args, window)
    config = chosen.run(
        window=window,
        source=source,
        client=client,
        baseline=baseline,
        baseline_label=baseline_label,
        baseline_window=baseline_window,
        attestations=attestations,
        target=target,
        secrets=secrets,
    )
    report, paths = publish_run(evaluate(config), config, Path(args.report_dir))
    print_result(report, paths)
    return report.exit_code


def run_rejudge(args: argparse.Namespace) -> int:
    past = read_json(args.report)
    chosen = SpecConfig.load(spec=args.spec, mapping=args.mapping, profile=past.profile)
    window = Window(start=past.window.start.timestamp(), end=past.window.end.timestamp())
    config = chosen.run(window=window, target=past.target)
    report = rejudge(past, config.spec, resolver=config.resolver)
    report, paths = publish_run(report, config, Path(args.report_dir))
    print_result(report, paths)
    return report.exit_code


def print_result(report: Report, paths: dict[str, Path]) -> None:
    """The verdict table on stdout, the files written on stderr."""
    print(result_table(report))
    print(f"reports: {', '.join(str(p) for p in paths.values())}", file=sys.stderr)
