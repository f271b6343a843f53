"""Compile a spec ``sli`` block into its definition (the one place kinds are dispatched)."""

from __future__ import annotations

from slo.slis.base import SliDef
from slo.slis.client import ClientDef
from slo.slis.counters import RatioDef
from slo.slis.gauges import AvailabilityDef, GaugeDef, UtilizationDef
from slo.slis.latency import FractionUnderDef, QuantileDef
from slo.spec.mapping import Resolver
from slo.spec.models import (
    AvailabilitySli,
    ClientSli,
    FractionUnderSli,
    GaugeSli,
    QuantileSli,
    RatioSli,
    Sli,
    UtilizationSli,
)


def build_sli(sli: Sli, resolver: Resolver) -> SliDef | ClientDef:  # noqa: PLR0911 - one per kind
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
        case ClientSli():
            return ClientDef(sli.stat, sli.name)
