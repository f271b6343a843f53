"""``slo doctor``: does every metric the profile reads exist, with its labels, and move?"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from slo.cli.common import duration_option, load, prometheus_config, sample_target, window_from
from slo.errors import UsageError
from slo.metrics import BUCKET_SUFFIX, CONTRACT, LABEL_LE
from slo.query import Increase
from slo.slis import build_sli, profile_reads
from slo.spec import ResolvedSelector, Resolver

LabelSets = Callable[[ResolvedSelector], list[dict[str, str]]]
IncreaseOf = Callable[[ResolvedSelector], float | None]


@dataclass(frozen=True, kw_only=True)
class Finding:
    status: str  # ok, quiet (a still error counter), absent, unmatched, labels, frozen
    selector: str
    detail: str
    objectives: tuple[str, ...]


def diagnose(
    needs: dict[ResolvedSelector, list[str]],
    moving: set[ResolvedSelector],
    resolver: Resolver,
    label_sets: LabelSets,
    increase: IncreaseOf,
) -> list[Finding]:
    """One finding per selector; ``label_sets``/``increase`` read the live source."""
    return [
        Finding(
            status=status,
            selector=sel.promql(),
            detail=detail,
            objectives=tuple(users),
        )
        for sel, users in needs.items()
        for status, detail in [_examine(sel, sel in moving, resolver, label_sets, increase)]
    ]


def _examine(
    sel: ResolvedSelector,
    must_move: bool,
    resolver: Resolver,
    label_sets: LabelSets,
    increase: IncreaseOf,
) -> tuple[str, str]:
    """The selector's status and what explains it."""
    info = CONTRACT.get(sel.logical)
    bare = ResolvedSelector(
        name=sel.name,
        matchers=tuple(m for m in sel.matchers if m[1] == "=" and m[0] not in _own(sel)),
        logical=sel.logical,
    )
    present = label_sets(bare)
    if not present:
        return "absent", f"no series named {sel.name}"
    if info is not None:
        expected = {resolver.label(sel.logical, lab) for lab in info.labels}
        if sel.name.endswith(BUCKET_SUFFIX):
            expected.add(LABEL_LE)
        lacking = sorted(expected - set().union(*(set(p) for p in present)))
        if lacking:
            return "labels", f"series lack label(s) {', '.join(lacking)}"
    if not label_sets(sel):
        return "unmatched", f"{len(present)} series of {sel.name}, none match"
    kind = info.type if info is not None else "gauge"
    if kind in ("counter", "histogram") and not increase(sel):
        if not must_move:
            return "quiet", "did not rise (allowed: an error or idle counter)"
        return "frozen", "the counter did not move in the window"
    return "ok", ""


def _own(sel: ResolvedSelector) -> set[str]:
    """Labels the objective filters on (the bare lookup keeps only the mapping's matchers)."""
    return {m[0] for m in sel.matchers}


def run(args: argparse.Namespace) -> int:
    loaded = load(args)
    needs = profile_reads(loaded.spec, args.profile, loaded.resolver)
    moving: set[ResolvedSelector] = set()
    for o in loaded.spec.profiles[args.profile].objectives:
        moving.update(build_sli(o.sli, loaded.resolver).must_move())
    if args.prometheus_url is not None:
        from slo.sources import PrometheusSource

        prom = PrometheusSource(prometheus_config(args))
        window = window_from(args, default_last="5m")

        def label_sets(sel: ResolvedSelector) -> list[dict[str, str]]:
            return prom.series(sel, window.start, window.end)

        def increase(sel: ResolvedSelector) -> float | None:
            found = prom.read(Increase(selector=sel), window.start, window.end)
            return found[0].value if found else None

        where = prom.description
    elif args.target:
        emb, span = sample_target(args, duration_option("--last", args.last or "10s"))

        def label_sets(sel: ResolvedSelector) -> list[dict[str, str]]:
            return emb.series(sel)

        def increase(sel: ResolvedSelector) -> float | None:
            found = emb.increase(sel, span.start, span.end)
            return found[0].value if found else None

        where = args.target
    else:
        raise UsageError("doctor needs a live source: --prometheus-url URL or --target URL")
    findings = diagnose(needs, moving, loaded.resolver, label_sets, increase)
    print(f"doctor: profile {args.profile} against {where}")
    for f in findings:
        print(
            f"  {f.status.upper():<9} {f.selector}  {f.detail}"
            f"  (needed by {', '.join(f.objectives)})"
        )
    bad = [f for f in findings if f.status not in ("ok", "quiet")]
    print(f"{len(findings) - len(bad)} of {len(findings)} metrics ok")
    return 1 if bad else 0
