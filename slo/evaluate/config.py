"""One run's configuration, built once at the edge (the CLI, the Locust gate) and passed down.

``SpecConfig`` is what every command that reads a profile needs: the spec (and its label,
usually the file), the resolver with the metric mapping applied, and the profile, checked
to exist here and nowhere else. ``RunConfig`` adds what judging one run needs: the window,
the baseline (a pinned report with its label, or a baseline window), the metric source,
the load generator's statistics, the attestations, the target and the secrets no report
may show. ``slo check``, ``slo review``, ``slo rejudge`` and the gate each build one and
hand it to ``evaluate`` and ``publish``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from reports import Report
from slo.errors import UsageError
from slo.evaluate.judge import BASELINE_HINT
from slo.evaluate.window import Window
from slo.slis import ClientStats
from slo.sources import MetricSource
from slo.spec import Profile, Resolver, Spec, default_spec_path, load_mapping, load_spec

__all__ = ["RunConfig", "SpecConfig"]


@dataclass(frozen=True, kw_only=True)
class SpecConfig:
    """A spec with its mapping applied and the profile to judge (known to the spec)."""

    spec: Spec
    spec_label: str
    profile: str
    resolver: Resolver = field(default_factory=Resolver)

    def __post_init__(self) -> None:
        if self.profile not in self.spec.profiles:
            known = ", ".join(sorted(self.spec.profiles))
            raise UsageError(f"{self.spec_label}: no profile {self.profile!r} (known: {known})")

    @classmethod
    def load(cls, *, spec: str | None, mapping: str | None, profile: str) -> SpecConfig:
        """Read ``spec`` (default: the shipped criteria) and merge ``mapping`` into its own."""
        path = Path(spec) if spec else default_spec_path()
        loaded = load_spec(path)
        resolver = Resolver(loaded.metrics)
        if mapping:
            resolver = resolver.merged(load_mapping(mapping).metrics)
        return cls(spec=loaded, spec_label=str(path), profile=profile, resolver=resolver)

    @property
    def definition(self) -> Profile:
        """The judged profile as the spec defines it."""
        return self.spec.profiles[self.profile]

    def run(self, *, window: Window, **options: Any) -> RunConfig:
        """This spec and profile judging ``window``; ``options`` are ``RunConfig``'s other
        fields (source, client, baseline, ...)."""
        chosen = {f.name: getattr(self, f.name) for f in fields(SpecConfig)}
        return RunConfig(**chosen, window=window, **options)


@dataclass(frozen=True, kw_only=True)
class RunConfig(SpecConfig):
    """Everything one evaluation needs.

    ``source`` answers the server-side SLIs, ``client`` the load generator's; the baseline
    is a pinned ``baseline`` report (shown as ``baseline_label``) or a ``baseline_window``
    read from ``source``; ``secrets`` (credentials of the source) are kept out of every
    report written.
    """

    window: Window
    source: MetricSource | None = None
    client: ClientStats | None = None
    baseline: Report | None = None
    baseline_label: str | None = None
    baseline_window: Window | None = None
    attestations: Mapping[str, bool] = field(default_factory=dict)
    target: str = ""
    secrets: tuple[str, ...] = ()
    # Sustained slices and windows are the spec's times this (0 < scale <= 1): "for 5
    # minutes" becomes seconds in drills and tests; the report states it.
    time_scale: float = 1.0
    # How this run's producer takes a baseline, as a skipped objective's reason says it: only
    # options the producer has (every producer has --baseline; slo check has more).
    baseline_hint: str = BASELINE_HINT
    # How to record an attestation, for an unattested one's reason ({id}: its id); the
    # Locust gate, which has no --attest, names the commands that do.
    attest_hint: str = "record it with --attest {id}=pass|fail"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.baseline is not None and self.baseline_window is not None:
            raise UsageError("give one baseline: a pinned report or a baseline window")
        if not 0 < self.time_scale <= 1:
            raise UsageError(f"the time scale must be in (0, 1], got {self.time_scale:g}")
