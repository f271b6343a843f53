"""``slo rules`` and ``slo dashboard``: Prometheus rules and a Grafana dashboard from the spec.

Wire into ``slo.cli.parser.build_parser``::

    from slo.cli import generate
    generate.add_rules_parser(subs)
    generate.add_dashboard_parser(subs)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reports import write_atomic
from slo.cli.common import load
from slo.cli.options import PHASE1, profile_option, spec_options
from slo.errors import UsageError

if TYPE_CHECKING:
    from slo.rules import BaselineValues


def _options(p: argparse.ArgumentParser) -> None:
    profile_option(p, what="profile of the spec")
    spec_options(p, spec=PHASE1)
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE instead of standard output"
    )


def add_rules_parser(subparsers: Any, **kwargs: Any) -> argparse.ArgumentParser:
    """``slo rules --profile P [--spec FILE] [--mapping FILE] [--baseline REPORT] [-o FILE]``."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "rules",
        help="print a Prometheus rule file: recorded SLIs, the guide's alerts, SLO alerts",
        description="Recording rules for the profile's SLIs, the deployment guide's alerts, "
        "an alert per gating objective, multi-window burn-rate alerts for ratio objectives and "
        "a metric-absent alert per metric read. Check it with `promtool check rules`.",
        **kwargs,
    )
    _options(p)
    p.add_argument(
        "--baseline",
        metavar="REPORT",
        help="a report.json of the baseline run: objectives judged against a baseline alert "
        "on its value plus their tolerance (without it they get no alert)",
    )
    p.add_argument(
        "--format",
        choices=("prometheus", "prometheus-operator"),
        default="prometheus",
        help="prometheus: a rule file (default); prometheus-operator: a PrometheusRule "
        "resource (monitoring.coreos.com/v1) holding the same groups",
    )
    p.add_argument(
        "--name",
        help="the PrometheusRule's metadata.name (default slo-<spec>-<profile>)",
    )
    p.add_argument(
        "--label",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="a metadata label of the PrometheusRule, e.g. release=prometheus for the "
        "operator's ruleSelector (repeatable)",
    )
    p.set_defaults(handler=run_rules)
    return p


def add_dashboard_parser(subparsers: Any, **kwargs: Any) -> argparse.ArgumentParser:
    """``slo dashboard --profile P [--spec FILE] [--mapping FILE] [-o FILE]``."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "dashboard",
        help="print a Grafana dashboard (JSON): the guide's panels and one per objective",
        description="Grafana dashboard JSON: the guide's four panels plus one panel per "
        "objective with its threshold drawn; the datasource is the ${datasource} variable.",
        **kwargs,
    )
    _options(p)
    p.add_argument(
        "--window",
        metavar="DURATION",
        default="5m",
        help="range of the panels' queries, e.g. 5m or 1h30m (default 5m)",
    )
    p.set_defaults(handler=run_dashboard)
    return p


def run_rules(args: argparse.Namespace) -> int:
    from slo.rules import build_rules

    loaded = load(args)
    rules = build_rules(
        loaded.spec,
        args.profile,
        loaded.resolver,
        origin=_origin(args),
        baseline=_baseline(args.baseline),
    )
    if args.format == "prometheus-operator":
        from slo.rules import prometheus_rule_text

        text = prometheus_rule_text(
            rules, spec=loaded.spec.name, profile=args.profile, name=args.name, labels=args.label
        )
    elif args.name is not None or args.label:
        raise UsageError(
            "--name and --label describe a PrometheusRule: add --format prometheus-operator"
        )
    else:
        text = rules.text()
    _write(args.output, text)
    return 0


def run_dashboard(args: argparse.Namespace) -> int:
    from slo.cli.common import duration_option
    from slo.dashboard import build_dashboard, dashboard_text
    from slo.timeutil import format_duration

    loaded = load(args)
    window = format_duration(duration_option("--window", args.window))
    document = build_dashboard(loaded.spec, args.profile, loaded.resolver, window=window)
    _write(args.output, dashboard_text(document))
    return 0


def _baseline(path: str | None) -> BaselineValues | None:
    """The values of the baseline report's objectives (``--baseline``), by id."""
    from reports import ReportFileError, read_json
    from slo.rules import BaselineValues

    if path is None:
        return None
    try:
        report = read_json(path, role="--baseline")
    except ReportFileError as exc:
        raise UsageError(str(exc)) from None
    return BaselineValues(label=Path(path).name, values={o.id: o.value for o in report.objectives})


def _origin(args: argparse.Namespace) -> str:
    spec = Path(args.spec).name if args.spec else "the shipped phase1.yaml"
    return f"{spec} with mapping {Path(args.mapping).name}" if args.mapping else spec


def _write(output: str | None, text: str) -> None:
    if output is None or output == "-":
        sys.stdout.write(text)
        return
    path = Path(output)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)  # never half a rules file, never through a planted symlink
    except OSError as exc:
        raise UsageError(f"{output}: cannot write ({exc.strerror})") from None
    print(f"wrote {path}", file=sys.stderr)
