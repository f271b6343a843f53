"""The SLI catalog: each kind written once, read from any source through its query values."""

from __future__ import annotations

from slo.query import RawResult, RawSample
from slo.slis.base import Measurement, SliDef, SliExpression
from slo.slis.catalog import build_objective_sli, build_sli, profile_reads
from slo.slis.client import AGGREGATED, ClientStatDef, ClientStats, EndpointStats
from slo.slis.counters import RatioDef

__all__ = [
    "AGGREGATED",
    "ClientStatDef",
    "ClientStats",
    "EndpointStats",
    "Measurement",
    "RatioDef",
    "RawResult",
    "RawSample",
    "SliDef",
    "SliExpression",
    "build_objective_sli",
    "build_sli",
    "profile_reads",
]
