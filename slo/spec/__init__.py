"""The versioned criteria spec: models, loader, metric mapping, JSON Schema."""

from __future__ import annotations

from slo.spec.loader import default_spec_path, load_mapping, load_spec
from slo.spec.mapping import MatcherTuple, ResolvedSelector, Resolver
from slo.spec.models import (
    SPEC_VERSION,
    Attestation,
    AvailabilitySli,
    Baseline,
    ClientSli,
    Figure,
    FractionUnderSli,
    GaugeSli,
    IncreaseSli,
    MappingFile,
    MetricMapping,
    Objective,
    Profile,
    QuantileSli,
    RatioSli,
    Selector,
    Sli,
    Spec,
    Sustained,
    UtilizationSli,
)
from slo.spec.schema import spec_schema

__all__ = [
    "SPEC_VERSION",
    "Attestation",
    "AvailabilitySli",
    "Baseline",
    "ClientSli",
    "Figure",
    "FractionUnderSli",
    "GaugeSli",
    "IncreaseSli",
    "MappingFile",
    "MatcherTuple",
    "MetricMapping",
    "Objective",
    "Profile",
    "QuantileSli",
    "RatioSli",
    "ResolvedSelector",
    "Resolver",
    "Selector",
    "Sli",
    "Spec",
    "Sustained",
    "UtilizationSli",
    "default_spec_path",
    "load_mapping",
    "load_spec",
    "spec_schema",
]
