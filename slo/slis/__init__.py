"""The SLI catalog: each kind written once, compiled to PromQL and to embedded reads."""

from __future__ import annotations

from slo.slis.base import Measurement, RawResult, RawSample, SeriesReader, SliDef
from slo.slis.catalog import build_sli
from slo.slis.client import AGGREGATED, ClientDef, ClientStats, EndpointStats

__all__ = [
    "AGGREGATED",
    "ClientDef",
    "ClientStats",
    "EndpointStats",
    "Measurement",
    "RawResult",
    "RawSample",
    "SeriesReader",
    "SliDef",
    "build_sli",
]
