"""``slo explain``: every objective of a profile with the queries it resolves to."""

from __future__ import annotations

import argparse

from slo.cli.common import duration_option, load
from slo.evaluate import fmt
from slo.slis import build_sli
from slo.timeutil import format_duration


def run(args: argparse.Namespace) -> int:
    loaded = load(args)
    window = format_duration(duration_option("--window", args.window))
    profile = loaded.spec.profiles[args.profile]
    print(f"profile {args.profile}: {profile.description}")
    print(f"(queries over a {window} window; `slo check` pins each range with @ <window end>)")
    for o in profile.objectives:
        sli = build_sli(o.sli, loaded.resolver)
        if o.baseline is not None:
            rule = (
                f"baseline {o.baseline.comparison} (tolerance {fmt(o.baseline.tolerance, o.unit)})"
            )
        else:
            rule = f"{o.comparator} {fmt(o.threshold, o.unit)}"
        extra = f", per {o.sustained.slice} over >= {o.sustained.min_window}" if o.sustained else ""
        print(
            f"\n{o.id}: {o.description}\n  {sli.kind}: {rule}{extra}"
            f"{'' if o.gating else ' (informs only)'}"
        )
        for name, query in sli.queries(window=window, at=None).items():
            print(f"  {name:<14} {query}" if sli.reads_server else f"  {name}  {query}")
    for a in profile.attestations:
        print(f"\n{a.id}: {a.description}\n  manual attestation (--attest {a.id}=pass|fail)")
    return 0
