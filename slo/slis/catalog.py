"""Compile a spec ``sli`` block into its definition (the one place kinds are dispatched)."""

from __future__ import annotations

from slo.errors import UsageError
from slo.slis.base import SliDef
from slo.slis.client import ClientStatDef
from slo.slis.counters import IncreaseDef, RatioDef
from slo.slis.gauges import AvailabilityDef, GaugeDef, UtilizationDef
from slo.slis.latency import FractionUnderDef, QuantileDef
from slo.spec import (
    AvailabilitySli,
    ClientSli,
    FractionUnderSli,
    GaugeSli,
    IncreaseSli,
    QuantileSli,
    RatioSli,
    ResolvedSelector,
    Resolver,
    Sli,
    Spec,
    UtilizationSli,
)


def build_sli(sli: Sli, resolver: Resolver) -> SliDef:  # noqa: PLR0911 - one per kind
    """The compiled SLI for a spec block, with metric names resolved through ``resolver``."""
    r = resolver.resolve
    match sli:
        case RatioSli():
            return RatioDef(
                [r(s) for s in sli.numerator],
                [r(s) for s in sli.denominator],
                [r(s) for s in sli.traffic],
            )
        case QuantileSli():
            return QuantileDef(r(sli.histogram), sli.quantile)
        case FractionUnderSli():
            return FractionUnderDef(r(sli.histogram), sli.le)
        case GaugeSli():
            return GaugeDef(r(sli.gauge), sli.aggregation)
        case UtilizationSli():
            fallback = None if sli.fallback_gauge is None else r(sli.fallback_gauge)
            return UtilizationDef(r(sli.busy), r(sli.size), fallback)
        case AvailabilitySli():
            return AvailabilityDef(r(sli.up))
        case IncreaseSli():
            return IncreaseDef([r(s) for s in sli.counters], per_second=sli.per_second)
        case ClientSli():
            return ClientStatDef(sli.stat, sli.name)


def build_objective_sli(spec: Spec, objective_id: str, resolver: Resolver) -> SliDef:
    """The compiled SLI of the spec objective a chart, panel or alert names by id."""
    sli = spec.objective_sli(objective_id)
    if sli is None:
        raise UsageError(f"the spec {spec.name!r} has no objective {objective_id!r}")
    return build_sli(sli, resolver)


def profile_reads(
    spec: Spec, profile: str, resolver: Resolver
) -> dict[ResolvedSelector, list[str]]:
    """Every server series selector the profile's objectives read, with their ids in order.

    The one answer to "which metrics does this profile read" (preflight, doctor, the gate).
    """
    reads: dict[ResolvedSelector, list[str]] = {}
    for objective in spec.profiles[profile].objectives:
        for selector in build_sli(objective.sli, resolver).selectors():
            users = reads.setdefault(selector, [])
            if objective.id not in users:
                users.append(objective.id)
    return reads
