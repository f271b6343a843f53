"""``slo check``: judge a profile over a window, write report.json, print the verdicts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from reports import Report, read_json
from reports.render import write_all
from slo.cli.common import duration_option, load, prometheus_config, sample_target, window_from
from slo.errors import SpecError, UsageError
from slo.evaluate import Evaluation, Window, evaluate
from slo.evaluate.judge import fmt
from slo.publish import publish


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
        try:
            return read_json(Path(args.baseline)), None, args.baseline
        except (OSError, ValueError) as exc:
            raise SpecError(
                args.baseline, "", f"expected a report.json, got {str(exc)[:200]}"
            ) from None
    if args.baseline_offset:
        offset = duration_option("--baseline-offset", args.baseline_offset)
        shifted = Window(start=window.start - offset, end=window.end - offset)
        return None, shifted, f"the same window {args.baseline_offset} earlier"
    if args.baseline_start or args.baseline_end:
        sub = argparse.Namespace(start=args.baseline_start, end=args.baseline_end, last=None)
        base = window_from(sub)
        return None, base, base.describe()
    return None, None, None


def run(args: argparse.Namespace) -> int:
    loaded = load(args)
    attest = _attestations(args.attest)
    client = None
    if args.locust_stats:
        from slo.sources.locust_stats import load_stats_file

        client = load_stats_file(Path(args.locust_stats))
    source: Any = None
    target = ""
    if args.prometheus_url:
        from slo.sources.prometheus import PrometheusConfig, PrometheusSource

        config = prometheus_config(args)
        assert isinstance(config, PrometheusConfig)
        source = PrometheusSource(config)
        window = window_from(args)
        target = source.description
    elif args.target:
        if args.start or args.end or not args.last:
            raise UsageError("with --target the window is sampled from now: give --last DURATION")
        source, window = sample_target(args, duration_option("--last", args.last))
        target = args.target
    else:
        window = window_from(args)
    baseline, baseline_window, baseline_label = _baseline(args, window)
    report = evaluate(
        Evaluation(
            spec=loaded.spec,
            spec_label=loaded.label,
            profile=args.profile,
            window=window,
            resolver=loaded.resolver,
            source=source,
            client=client,
            baseline=baseline,
            baseline_window=baseline_window,
            baseline_label=baseline_label,
            attestations=attest,
            target=target,
        )
    )
    secrets = config_secrets(source)
    report, paths = publish(
        report,
        Path(args.report_dir),
        source=source,
        window=window,
        resolver=loaded.resolver,
        secrets=secrets,
    )
    print_table(report)
    print(f"reports: {', '.join(str(p) for p in paths.values())}", file=sys.stderr)
    return report.exit_code


def config_secrets(source: object) -> tuple[str, ...]:
    """Credentials of a Prometheus source, kept out of every report."""
    config = getattr(source, "config", None)
    secrets = getattr(config, "secrets", None)
    return tuple(secrets()) if callable(secrets) else ()


def run_rejudge(args: argparse.Namespace) -> int:
    from slo.evaluate import rejudge

    loaded = load(args)
    try:
        past = read_json(Path(args.report))
    except (OSError, ValueError) as exc:
        raise SpecError(args.report, "", f"expected a report.json, got {str(exc)[:200]}") from None
    report = rejudge(past, loaded.spec, resolver=loaded.resolver)
    paths = write_all(report, Path(args.report_dir))
    print_table(report)
    print(f"reports: {', '.join(str(p) for p in paths.values())}", file=sys.stderr)
    return report.exit_code


def print_table(report: Report) -> None:
    """One line per objective: verdict, id, value, target, reason."""
    print(
        f"profile {report.profile}  window {report.window.start.isoformat()} .. "
        f"{report.window.end.isoformat()}  source {report.source}"
    )
    for r in report.objectives:
        target = "" if r.threshold is None else f"{r.comparator} {fmt(r.threshold, r.unit)}"
        if r.threshold is None and r.comparator:
            target = r.comparator
        gate = "" if r.gating else " (informs)"
        print(
            f"  {r.verdict.value.upper():<12} {r.id:<26} {fmt(r.value, r.unit):>12}  "
            f"{target:<14} {r.reason}{gate}"
        )
    print(f"verdict: {report.verdict.value.upper()} (exit {report.exit_code})")
