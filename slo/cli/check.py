"""``slo check``: judge a profile over a window, write report.json, print the verdicts.

Every option is checked, and every file read, before the first request or scrape: a usage
error never costs a sampled window.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reports import Report, read_json, result_table
from slo.cli.common import (
    duration_option,
    http_url,
    load,
    prometheus_config,
    report_dir,
    sample_target,
    window_from,
)
from slo.errors import UsageError, quoted
from slo.evaluate import MetricSource, SpecConfig, Window, evaluate, rejudge
from slo.publish import publish_run

#: The baseline options `slo check` has, as a skipped objective's reason names them.
BASELINE_HINT = "--baseline report.json, --baseline-start/--baseline-end or --baseline-offset"


def attestations(items: list[str], chosen: SpecConfig) -> dict[str, bool]:
    """``--attest ID=pass|fail`` by id; an id the profile does not attest is bad usage."""
    known = [a.id for a in chosen.definition.attestations]
    found: dict[str, bool] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or value not in ("pass", "fail"):
            raise UsageError(f"--attest: expected ID=pass or ID=fail, got {quoted(item)}")
        if key not in known:
            has = f"its attestations are {', '.join(known)}" if known else "it has no attestations"
            raise UsageError(f"--attest: profile {chosen.profile} attests no {quoted(key)}; {has}")
        found[key] = value == "pass"
    return found


@dataclass(frozen=True, kw_only=True)
class _Baseline:
    """The baseline options, checked; the window ``--baseline-offset`` shifts is known only
    once the judged window is (after sampling, with ``--target``)."""

    report: Report | None = None
    window: Window | None = None
    offset: float | None = None
    label: str | None = None

    def window_for(self, judged: Window) -> Window | None:
        if self.offset is None:
            return self.window
        return Window(start=judged.start - self.offset, end=judged.end - self.offset)


def _baseline(args: argparse.Namespace) -> _Baseline:
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
        return _Baseline(report=read_json(args.baseline, role="--baseline"), label=args.baseline)
    if args.baseline_offset:
        offset = duration_option("--baseline-offset", args.baseline_offset)
        return _Baseline(offset=offset, label=f"the same window {args.baseline_offset} earlier")
    if args.baseline_start or args.baseline_end:
        sub = argparse.Namespace(start=args.baseline_start, end=args.baseline_end, last=None)
        base = window_from(sub)
        return _Baseline(window=base, label=base.describe())
    return _Baseline()


@dataclass(frozen=True, kw_only=True)
class _Source:
    """How the window is read: ``read()`` makes the first request (or starts sampling)."""

    read: Callable[[], tuple[MetricSource | None, Window]]
    target: str
    secrets: tuple[str, ...] = ()


def _source(args: argparse.Namespace) -> _Source:
    """The metric source and window the options ask for, every option checked (no request)."""
    if args.target:
        if args.start or args.end or not args.last:
            raise UsageError("with --target the window is sampled from now: give --last DURATION")
        seconds = duration_option("--last", args.last)
        target = http_url("--target", args.target)
        return _Source(read=lambda: sample_target(args, seconds), target=target)
    window = window_from(args)
    if args.prometheus_url is not None:
        from slo.sources import PrometheusSource

        config = prometheus_config(args)
        source = PrometheusSource(config)  # no request until evaluate asks
        return _Source(
            read=lambda: (source, window),
            target=source.description,
            secrets=tuple(config.secrets()),
        )
    return _Source(read=lambda: (None, window), target="")


def run(args: argparse.Namespace) -> int:
    chosen = load(args)
    attested = attestations(args.attest, chosen)
    client = None
    if args.locust_stats:
        from slo.sources import load_stats_file

        client = load_stats_file(Path(args.locust_stats))
    planned = _source(args)
    baseline = _baseline(args)
    out = report_dir("--report-dir", Path(args.report_dir))
    source, window = planned.read()
    config = chosen.run(
        window=window,
        source=source,
        client=client,
        baseline=baseline.report,
        baseline_label=baseline.label,
        baseline_window=baseline.window_for(window),
        baseline_hint=BASELINE_HINT,
        attestations=attested,
        target=planned.target,
        secrets=planned.secrets,
    )
    report, paths = publish_run(evaluate(config), config, out)
    print_result(report, paths)
    return report.exit_code


def run_rejudge(args: argparse.Namespace) -> int:
    past = read_json(args.report, role="REPORT")
    chosen = SpecConfig.load(spec=args.spec, mapping=args.mapping, profile=past.profile)
    out = report_dir("--report-dir", Path(args.report_dir))
    window = Window(start=past.window.start.timestamp(), end=past.window.end.timestamp())
    config = chosen.run(window=window, target=past.target)
    report = rejudge(past, config.spec, resolver=config.resolver)
    report, paths = publish_run(report, config, out)
    print_result(report, paths)
    return report.exit_code


def print_result(report: Report, paths: dict[str, Path]) -> None:
    """The verdict table on stdout, the files written on stderr."""
    print(result_table(report))
    print(f"reports: {', '.join(str(p) for p in paths.values())}", file=sys.stderr)
