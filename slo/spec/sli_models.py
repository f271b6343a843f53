"""The spec's SLI blocks (one model per kind, picked by ``kind``) and the units they measure.

The SLI catalog (:mod:`slo.slis`) compiles each block into the query values it reads.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Unit = Literal["ratio", "seconds", "milliseconds", "requests_per_second", "count"]
Labels = dict[str, str]

#: A finite number: ``true``, ``.nan`` and ``1e400`` are refused, not read as 1, NaN, inf.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
#: A whole number >= 0 (``true`` and ``1.0`` are refused).
Count = Annotated[int, Field(strict=True, ge=0)]


class SpecModel(BaseModel):
    """Every spec model: unknown keys rejected, frozen once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Selector(SpecModel):
    """One logical metric with label filters (``match``: equality, ``match_re``: anchored regex)."""

    metric: str
    match: Labels = Field(default_factory=dict)
    match_re: Labels = Field(default_factory=dict)


class RatioSli(SpecModel):
    """sum of the numerator counters' increases / sum of the denominator counters' increases."""

    kind: Literal["ratio"]
    numerator: Annotated[list[Selector], Field(min_length=1)]
    denominator: Annotated[list[Selector], Field(min_length=1)]
    # When the denominator counted nothing but these counters rose, the ratio is 0 (the
    # feature served none of the traffic: caching off) instead of undefined.
    traffic: list[Selector] = Field(default_factory=list)


class QuantileSli(SpecModel):
    """A latency quantile from histogram buckets over the window (Prometheus interpolation)."""

    kind: Literal["quantile"]
    quantile: Annotated[Number, Field(gt=0, lt=1)]
    histogram: Selector


class FractionUnderSli(SpecModel):
    """Share of observations at or under ``le`` seconds, read from the ``le`` bucket."""

    kind: Literal["fraction_under"]
    le: Annotated[Number, Field(gt=0)]
    histogram: Selector


class GaugeSli(SpecModel):
    """A gauge's samples in the window aggregated per series, then the max over series."""

    kind: Literal["gauge"]
    aggregation: Literal["max", "mean", "p95"]
    gauge: Selector


class UtilizationSli(SpecModel):
    """Exact average pool utilization: busy-seconds increase / (window x pool size)."""

    kind: Literal["utilization"]
    busy: Selector
    size: Selector
    fallback_gauge: Selector | None = None


class AvailabilitySli(SpecModel):
    """Share of time slices (scrapes) in which the target was up."""

    kind: Literal["availability"]
    up: Selector


class IncreaseSli(SpecModel):
    """How much counters rose over the window, in all or per second (``per_second``)."""

    kind: Literal["increase"]
    counters: Annotated[list[Selector], Field(min_length=1)]
    per_second: bool = False


class ClientSli(SpecModel):
    """A figure from the load generator's (Locust's) own statistics."""

    kind: Literal["client"]
    stat: Literal["rps", "mean_ms", "p95_ms", "failures", "failure_ratio", "requests"]
    name: str = "Aggregated"


AnySli = (
    RatioSli
    | QuantileSli
    | FractionUnderSli
    | GaugeSli
    | UtilizationSli
    | AvailabilitySli
    | IncreaseSli
    | ClientSli
)
Sli = Annotated[AnySli, Field(discriminator="kind")]


# The unit each SLI kind measures in (None: any, e.g. a gauge of the user's choosing).
_KIND_UNITS: dict[str, tuple[str, ...]] = {
    "ratio": ("ratio",),
    "fraction_under": ("ratio",),
    "utilization": ("ratio",),
    "availability": ("ratio",),
    "quantile": ("seconds",),
}
_CLIENT_UNITS: dict[str, str] = {
    "rps": "requests_per_second",
    "mean_ms": "milliseconds",
    "p95_ms": "milliseconds",
    "failures": "count",
    "requests": "count",
    "failure_ratio": "ratio",
}


def expected_units(sli: AnySli) -> tuple[str, ...] | None:
    """The units an objective on this SLI may declare (None: any)."""
    if isinstance(sli, ClientSli):
        return (_CLIENT_UNITS[sli.stat],)
    if isinstance(sli, IncreaseSli):
        return ("requests_per_second",) if sli.per_second else ("count",)
    return _KIND_UNITS.get(sli.kind)
