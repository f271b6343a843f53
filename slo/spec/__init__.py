"""The versioned criteria spec: models, loader, metric mapping, JSON Schema."""

from __future__ import annotations

from slo.spec.loader import default_spec_path, load_mapping, load_spec
from slo.spec.mapping import ResolvedSelector, Resolver
from slo.spec.models import (
    SPEC_VERSION,
    Attestation,
    Baseline,
    MappingFile,
    MetricMapping,
    Objective,
    Profile,
    Selector,
    Spec,
    Sustained,
)
from slo.spec.schema import spec_schema

__all__ = [
    "SPEC_VERSION",
    "Attestation",
    "Baseline",
    "MappingFile",
    "MetricMapping",
    "Objective",
    "Profile",
    "ResolvedSelector",
    "Resolver",
    "Selector",
    "Spec",
    "Sustained",
    "default_spec_path",
    "load_mapping",
    "load_spec",
    "spec_schema",
]
