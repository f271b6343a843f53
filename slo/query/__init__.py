"""Query values (what an SLI reads) and the one PromQL renderer."""

from __future__ import annotations

from slo.query.model import (
    Aggregation,
    ClientStat,
    Increase,
    Needs,
    OverTime,
    Query,
    RawResult,
    RawSample,
    ServerQuery,
    is_server,
)
from slo.query.promql import at_modifier, number, render, render_query


class UnsupportedSli(Exception):
    """The SLI kind has no single-expression form (fraction_under, client statistics)."""


__all__ = [
    "Aggregation",
    "ClientStat",
    "Increase",
    "Needs",
    "OverTime",
    "Query",
    "RawResult",
    "RawSample",
    "ServerQuery",
    "UnsupportedSli",
    "at_modifier",
    "is_server",
    "number",
    "render",
    "render_query",
]
