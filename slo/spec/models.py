"""The criteria spec (``version: slo-harness/v1``) as pydantic models.

The spec is data the user writes; every model forbids unknown keys and is frozen. The SLI
catalog (:mod:`slo.slis`) compiles each ``sli`` block into queries.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from slo.timeutil import DURATION_PATTERN

SPEC_VERSION = "slo-harness/v1"

Comparator = Literal["<", "<=", ">", ">=", "=="]
Unit = Literal["ratio", "seconds", "milliseconds", "requests_per_second", "count"]
Duration = Annotated[str, Field(pattern=DURATION_PATTERN, examples=["10m", "48h", "7d"])]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
Labels = dict[str, str]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Selector(_Model):
    """One logical metric with label filters (``match``: equality, ``match_re``: anchored regex)."""

    metric: str
    match: Labels = Field(default_factory=dict)
    match_re: Labels = Field(default_factory=dict)


class RatioSli(_Model):
    """sum of the numerator counters' increases / sum of the denominator counters' increases."""

    kind: Literal["ratio"]
    numerator: Annotated[list[Selector], Field(min_length=1)]
    denominator: Annotated[list[Selector], Field(min_length=1)]
    # When the denominator counted nothing but these counters rose, the ratio is 0 (the
    # feature served none of the traffic: caching off) instead of undefined.
    traffic: list[Selector] = Field(default_factory=list)


class QuantileSli(_Model):
    """A latency quantile from histogram buckets over the window (Prometheus interpolation)."""

    kind: Literal["quantile"]
    quantile: Annotated[float, Field(gt=0, lt=1)]
    histogram: Selector


class FractionUnderSli(_Model):
    """Share of observations at or under ``le`` seconds, read from the ``le`` bucket."""

    kind: Literal["fraction_under"]
    le: Annotated[float, Field(gt=0)]
    histogram: Selector


class GaugeSli(_Model):
    """A gauge's samples in the window aggregated per series, then the max over series."""

    kind: Literal["gauge"]
    aggregation: Literal["max", "mean", "p95"]
    gauge: Selector


class UtilizationSli(_Model):
    """Exact average pool utilization: busy-seconds increase / (window x pool size)."""

    kind: Literal["utilization"]
    busy: Selector
    size: Selector
    fallback_gauge: Selector | None = None


class AvailabilitySli(_Model):
    """Share of time slices (scrapes) in which the target was up."""

    kind: Literal["availability"]
    up: Selector


class ClientSli(_Model):
    """A figure from the load generator's (Locust's) own statistics."""

    kind: Literal["client"]
    stat: Literal["rps", "mean_ms", "p95_ms", "failures", "failure_ratio", "requests"]
    name: str = "Aggregated"


Sli = Annotated[
    RatioSli
    | QuantileSli
    | FractionUnderSli
    | GaugeSli
    | UtilizationSli
    | AvailabilitySli
    | ClientSli,
    Field(discriminator="kind"),
]


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


def expected_units(
    sli: RatioSli
    | QuantileSli
    | FractionUnderSli
    | GaugeSli
    | UtilizationSli
    | AvailabilitySli
    | ClientSli,
) -> tuple[str, ...] | None:
    """The units an objective on this SLI may declare (None: any)."""
    if isinstance(sli, ClientSli):
        return (_CLIENT_UNITS[sli.stat],)
    return _KIND_UNITS.get(sli.kind)


class Baseline(_Model):
    """Judge against a baseline (pinned report or baseline window) instead of a threshold."""

    comparison: Literal["no_increase", "improved", "reduced"]
    tolerance: Annotated[float, Field(ge=0)] = 0.0
    better: Literal["lower", "higher"] = "lower"


class Sustained(_Model):
    """Judge per time slice; skipped when the judged window is shorter than ``min_window``."""

    slice: Literal["1h", "1d"]
    min_window: Duration


class Objective(_Model):
    """One success criterion: an SLI, how it is compared, and over which window."""

    id: Identifier
    description: str
    sli: Sli
    comparator: Comparator | None = None
    threshold: float | None = None
    warn: float | None = None
    unit: Unit
    gating: bool = True
    sustained: Sustained | None = None
    min_requests: Annotated[int, Field(ge=0)] = 0
    baseline: Baseline | None = None
    on_missing: Literal["inconclusive", "fail"] = "inconclusive"

    @model_validator(mode="after")
    def _threshold_or_baseline(self) -> Objective:
        if self.baseline is None and (self.comparator is None or self.threshold is None):
            raise ValueError("expected comparator and threshold (or a baseline block)")
        units = expected_units(self.sli)
        if units is not None and self.unit not in units:
            raise ValueError(
                f"expected unit {' or '.join(units)} for a {self.sli.kind} SLI, got {self.unit!r}"
            )
        if self.baseline is not None and self.sustained is not None:
            raise ValueError("expected either a baseline or a sustained block, not both")
        if self.warn is not None and self.threshold is None:
            raise ValueError("expected a threshold alongside warn")
        return self


class Attestation(_Model):
    """A non-metric criterion a person records (``--attest ID=pass|fail``)."""

    id: Identifier
    description: str
    gating: bool = True


class Profile(_Model):
    """A named set of objectives judged together (``load-test``, ``staging``, ...)."""

    description: str
    objectives: list[Objective] = Field(default_factory=list)
    attestations: list[Attestation] = Field(default_factory=list)
    client_server_tolerance: Annotated[float, Field(ge=0)] = 0.05

    @model_validator(mode="after")
    def _unique_ids(self) -> Profile:
        seen: set[str] = set()
        for item_id in [o.id for o in self.objectives] + [a.id for a in self.attestations]:
            if item_id in seen:
                raise ValueError(f"expected unique ids, got {item_id!r} twice")
            seen.add(item_id)
        return self


# What a figure reads from its SLI's measurement over the window: the SLI's value, or (a
# ratio only) how many events its numerator counted, in all or per second.
_FIGURE_UNITS: dict[str, str] = {
    "numerator_count": "count",
    "numerator_per_second": "requests_per_second",
}


class Figure(_Model):
    """A number measured over every judged window but never judged (the spec's ``figures``).

    The guide's "Expected Impact" (99% faster responses, 98% fewer primary queries...) is
    a before/after comparison, not a threshold: each figure is measured in every report,
    whatever the profile, under a stable name, and ``slo compare`` sets two reports' figures
    side by side. ``measure`` is what the figure takes from the SLI's measurement: its
    ``value``, or for a ratio the events its numerator counted (``numerator_count``, e.g.
    499/504 responses; ``numerator_per_second``, e.g. primary database queries per second).
    A numerator with no series counts zero when the denominator's metric counted events.
    """

    description: str
    sli: Sli
    measure: Literal["value", "numerator_count", "numerator_per_second"] = "value"
    unit: Unit

    @model_validator(mode="after")
    def _unit_fits(self) -> Figure:
        if isinstance(self.sli, ClientSli):
            raise ValueError("expected a server-side SLI (figures are measured from metrics)")
        if self.measure == "value":
            units = expected_units(self.sli)
        elif self.sli.kind != "ratio":
            raise ValueError(f"expected a ratio SLI for measure {self.measure}")
        else:
            units = (_FIGURE_UNITS[self.measure],)
        if units is not None and self.unit not in units:
            raise ValueError(
                f"expected unit {' or '.join(units)} for {self.measure} of a {self.sli.kind} "
                f"SLI, got {self.unit!r}"
            )
        return self


class MetricMapping(_Model):
    """Where a logical metric lives on a backend: its name, label renames, extra matchers."""

    name: str
    labels: Labels = Field(default_factory=dict)
    matchers: Labels = Field(default_factory=dict)


class MappingFile(_Model):
    """A standalone mapping file (``slo check --mapping FILE``)."""

    version: Literal["slo-harness/v1"]
    name: str
    metrics: dict[str, MetricMapping]


class Spec(_Model):
    """A whole criteria file."""

    version: Literal["slo-harness/v1"]
    name: str
    source: str = ""
    metrics: dict[str, MetricMapping] = Field(default_factory=dict)
    profiles: dict[str, Profile]
    # Measured in every report, whatever the profile; never judged (see ``Figure``).
    figures: dict[Identifier, Figure] = Field(default_factory=dict)

    def objective_sli(self, objective_id: str) -> Sli | None:
        """The SLI of the objective ``objective_id`` (the first profile that has it).

        Charts, dashboards and the guide's alerts name an objective instead of copying its
        query, so each SLI is defined once, in the spec.
        """
        for profile in self.profiles.values():
            for objective in profile.objectives:
                if objective.id == objective_id:
                    return objective.sli
        return None
