"""``slo doctor``: does every metric the profile reads exist, with its labels, and move?"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from slo.cli.common import duration_option, load, prometheus_config, sample_target, window_from
from slo.errors import UsageError
from slo.evaluate.window import Window
from slo.metrics import BUCKET_SUFFIX, CONTRACT, LABEL_LE
from slo.slis import ClientDef, build_sli
from slo.spec.mapping import ResolvedSelector, Resolver

LabelSets = Callable[[ResolvedSelector], list[dict[str, str]]]
Increase = Callable[[ResolvedSelector], float | None]


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
    increase: Increase,
) -> list[Finding]:
    """One finding per selector; ``label_sets``/``increase`` read the live source."""
    findings: list[Finding] = []
    for sel, users in needs.items():
        info = CONTRACT.get(sel.logical)
        bare = ResolvedSelector(
            name=sel.name,
            matchers=tuple(m for m in sel.matchers if m[1] == "=" and m[0] not in _own(sel)),
            logical=sel.logical,
        )
        present = label_sets(bare)
        users_t = tuple(users)
        if not present:
            findings.append(
                Finding(
                    status="absent",
                    selector=sel.promql(),
                    detail=f"no series named {sel.name}",
                    objectives=users_t,
                )
            )
            continue
        if info is not None:
            expected = {resolver.label(sel.logical, lab) for lab in info.labels}
            if sel.name.endswith(BUCKET_SUFFIX):
                expected.add(LABEL_LE)
            lacking = sorted(expected - set().union(*(set(p) for p in present)))
            if lacking:
                findings.append(
                    Finding(
                        status="labels",
                        selector=sel.promql(),
                        detail=f"series lack label(s) {', '.join(lacking)}",
                        objectives=users_t,
                    )
                )
                continue
        if not label_sets(sel):
            findings.append(
                Finding(
                    status="unmatched",
                    selector=sel.promql(),
                    detail=f"{len(present)} series of {sel.name}, none match",
                    objectives=users_t,
                )
            )
            continue
        kind = info.type if info is not None else "gauge"
        if kind in ("counter", "histogram"):
            moved = increase(sel)
            if not moved and sel not in moving:
                findings.append(
                    Finding(
                        status="quiet",
                        selector=sel.promql(),
                        detail="did not rise (allowed: an error or idle counter)",
                        objectives=users_t,
                    )
                )
                continue
            if not moved:
                findings.append(
                    Finding(
                        status="frozen",
                        selector=sel.promql(),
                        detail="the counter did not move in the window",
                        objectives=users_t,
                    )
                )
                continue
        findings.append(Finding(status="ok", selector=sel.promql(), detail="", objectives=users_t))
    return findings


def _own(sel: ResolvedSelector) -> set[str]:
    """Labels the objective filters on (the bare lookup keeps only the mapping's matchers)."""
    return {m[0] for m in sel.matchers}


def run(args: argparse.Namespace) -> int:
    loaded = load(args)
    needs: dict[ResolvedSelector, list[str]] = {}
    moving: set[ResolvedSelector] = set()
    for o in loaded.spec.profiles[args.profile].objectives:
        sli = build_sli(o.sli, loaded.resolver)
        if not isinstance(sli, ClientDef):
            for sel in sli.selectors():
                users = needs.setdefault(sel, [])
                if o.id not in users:
                    users.append(o.id)
            moving.update(sli.must_move())
    if args.prometheus_url:
        from slo.sources.prometheus import PrometheusConfig, PrometheusSource

        config = prometheus_config(args)
        assert isinstance(config, PrometheusConfig)
        prom = PrometheusSource(config)
        window = window_from(args, default_last="5m")

        def label_sets(sel: ResolvedSelector) -> list[dict[str, str]]:
            return prom.series(sel.promql(), window.start, window.end)

        def increase(sel: ResolvedSelector) -> float | None:
            found = prom.instant(
                f"sum(increase({sel.promql()}[{round(window.duration)}s] @ {window.end:.3f}))"
            )
            return found[0].value if found else None

        where = prom.description
    elif args.target:
        from slo.sources.store import EmbeddedSource

        source, window = sample_target(args, duration_option("--last", args.last or "10s"))
        assert isinstance(source, EmbeddedSource)
        emb = source
        span: Window = window

        def label_sets(sel: ResolvedSelector) -> list[dict[str, str]]:
            return emb.series(sel)

        def increase(sel: ResolvedSelector) -> float | None:
            found = emb.reader.increase(sel, span.start, span.end)
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
