"""The criteria spec (``version: slo-harness/v1``) as pydantic models.

The spec is data the user writes; every model forbids unknown keys and is frozen. The SLI
blocks live in :mod:`slo.spec.sli_models`; the SLI catalog (:mod:`slo.slis`) compiles each
into the query values it reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from slo.spec.sli_models import (
    AvailabilitySli,
    ClientSli,
    Count,
    FractionUnderSli,
    GaugeSli,
    IncreaseSli,
    Labels,
    Number,
    QuantileSli,
    RatioSli,
    Selector,
    Sli,
    SpecModel,
    Unit,
    UtilizationSli,
    expected_units,
)
from slo.timeutil import DURATION_PATTERN, parse_duration

__all__ = [
    "SPEC_VERSION",
    "AvailabilitySli",
    "Baseline",
    "ClientSli",
    "Comparator",
    "Duration",
    "Figure",
    "FractionUnderSli",
    "GaugeSli",
    "IncreaseSli",
    "MappingFile",
    "MetricMapping",
    "Objective",
    "Profile",
    "QuantileSli",
    "RatioSli",
    "Selector",
    "Sli",
    "Spec",
    "Sustained",
    "Unit",
    "UtilizationSli",
    "expected_units",
]

SPEC_VERSION = "slo-harness/v1"

Comparator = Literal["<", "<=", ">", ">=", "=="]


def _duration(text: str) -> str:
    parse_duration(text)  # units largest first, positive: a ValueError says what is wrong
    return text


Duration = Annotated[
    str, Field(pattern=DURATION_PATTERN, examples=["10m", "1h30m", "7d"]), AfterValidator(_duration)
]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


# What a threshold may be in each unit, and how to say it.
_IN_UNIT: dict[str, tuple[str, Callable[[float], bool]]] = {
    "ratio": ("a ratio in [0, 1] (0.9 means 90%)", lambda v: 0 <= v <= 1),
    "seconds": ("a positive number of seconds (0.2 means 200 ms)", lambda v: v > 0),
    "milliseconds": ("a positive number of milliseconds", lambda v: v > 0),
    "requests_per_second": ("a rate >= 0", lambda v: v >= 0),
    "count": ("a whole number >= 0", lambda v: v >= 0 and float(v).is_integer()),
}


def check_in_unit(value: float, unit: str) -> None:
    """A ``ValueError`` unless ``value`` is a threshold that ``unit`` allows."""
    wanted, fits = _IN_UNIT[unit]
    if not fits(value):
        raise ValueError(f"expected {wanted} for unit {unit}, got {value:g}")


class Baseline(SpecModel):
    """Judge against a baseline (pinned report or baseline window) instead of a threshold.

    ``no_increase``: at most the baseline plus the tolerance; ``reduced``: below the
    baseline minus the tolerance; ``increased``: above the baseline plus the tolerance;
    ``improved``: ``reduced`` or ``increased`` as ``better`` says. The tolerance is in the
    objective's unit, or with ``relative: true`` a fraction of the baseline (0.05: 5%).
    """

    comparison: Literal["no_increase", "improved", "reduced", "increased"]
    tolerance: Annotated[Number, Field(ge=0)] = 0.0
    relative: bool = False
    better: Literal["lower", "higher"] = "lower"

    @model_validator(mode="after")
    def _better_only_for_improved(self) -> Baseline:
        if "better" in self.model_fields_set and self.comparison != "improved":
            raise ValueError(
                f"expected better only with comparison improved ({self.comparison} already "
                "says which way is better)"
            )
        return self


class Sustained(SpecModel):
    """Judge per time slice; skipped when the judged window is shorter than ``min_window``.

    Without ``consecutive`` any failing slice fails the objective ("for 7 days"); with it,
    only a run of that many failing slices in a row does ("> 2 s for > 5 minutes": five
    failing 1-minute slices in a row, not a five-minute average).
    """

    slice: Duration
    min_window: Duration
    consecutive: Annotated[Count, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _slices_fit(self) -> Sustained:
        size, window = parse_duration(self.slice), parse_duration(self.min_window)
        needed = size * (self.consecutive or 1)
        if needed > window + 1e-9:
            raise ValueError(
                f"expected min_window ({self.min_window}) to hold {self.consecutive or 1} "
                f"slice(s) of {self.slice}"
            )
        return self


class Objective(SpecModel):
    """One success criterion: an SLI, how it is compared, and over which window."""

    id: Identifier
    description: str
    sli: Sli
    unit: Unit  # before the numbers, which are checked against it
    comparator: Comparator | None = None
    threshold: Number | None = None
    warn: Number | None = None
    gating: bool = True
    sustained: Sustained | None = None
    min_requests: Count = 0
    baseline: Baseline | None = None
    # "expected": no series is the state sought (a rolled-back feature's metrics gone);
    # only for objectives that nothing may move (comparator "==", threshold 0).
    on_missing: Literal["inconclusive", "fail", "expected"] = "inconclusive"

    @field_validator("threshold", "warn")
    @classmethod
    def _fits_unit(cls, value: float | None, info: ValidationInfo) -> float | None:
        unit = info.data.get("unit")
        if value is not None and unit is not None:
            check_in_unit(value, unit)
        return value

    @field_validator("baseline")
    @classmethod
    def _tolerance_fits_unit(cls, value: Baseline | None, info: ValidationInfo) -> Baseline | None:
        ratio = info.data.get("unit") == "ratio"
        if value is not None and not value.relative and ratio and value.tolerance > 1:
            raise ValueError(
                f"expected a tolerance in [0, 1] for unit ratio (0.001 means 0.1 points), "
                f"got {value.tolerance:g}"
            )
        return value

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
        if self.on_missing == "expected" and (self.comparator != "==" or self.threshold != 0):
            raise ValueError(
                "expected comparator '==' and threshold 0 with on_missing: expected (absent "
                "series can only stand for 'nothing moved')"
            )
        if self.sustained is not None and self.sustained.consecutive and self.warn is not None:
            raise ValueError("expected no warn level on a consecutive-slices objective")
        return self


class Attestation(SpecModel):
    """A non-metric criterion a person records (``--attest ID=pass|fail``)."""

    id: Identifier
    description: str
    gating: bool = True


class Profile(SpecModel):
    """A named set of objectives judged together (``load-test``, ``staging``, ...)."""

    description: str
    objectives: list[Objective] = Field(default_factory=list)
    attestations: list[Attestation] = Field(default_factory=list)
    client_server_tolerance: Annotated[Number, Field(ge=0)] = 0.05

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


class Figure(SpecModel):
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


class MetricMapping(SpecModel):
    """Where a logical metric lives on a backend: its name, label renames, extra matchers."""

    name: str
    labels: Labels = Field(default_factory=dict)
    matchers: Labels = Field(default_factory=dict)


class MappingFile(SpecModel):
    """A standalone mapping file (``slo check --mapping FILE``)."""

    version: Literal["slo-harness/v1"]
    name: str
    metrics: dict[str, MetricMapping]


class Spec(SpecModel):
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
