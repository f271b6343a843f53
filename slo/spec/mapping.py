"""Resolve logical selectors into a backend's metric names and label matchers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from slo.metrics import CONTRACT
from slo.spec.models import MetricMapping, Selector

MatcherTuple = tuple[str, str, str]  # (label, op, value), op in =, !=, =~, !~


@dataclass(frozen=True, kw_only=True)
class ResolvedSelector:
    """A concrete series selector: metric name plus label matchers."""

    name: str
    matchers: tuple[MatcherTuple, ...] = ()
    logical: str = ""

    def with_suffix(self, suffix: str) -> ResolvedSelector:
        return ResolvedSelector(
            name=self.name + suffix, matchers=self.matchers, logical=self.logical
        )

    def with_matcher(self, label: str, op: str, value: str) -> ResolvedSelector:
        return ResolvedSelector(
            name=self.name, matchers=(*self.matchers, (label, op, value)), logical=self.logical
        )

    def promql(self) -> str:
        """``name{a="b",c=~"d"}`` with PromQL string escaping."""
        if not self.matchers:
            return self.name
        inner = ",".join(f"{label}{op}{_quote(value)}" for label, op, value in self.matchers)
        return f"{self.name}{{{inner}}}"


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Resolver:
    """Applies a mapping (logical metric -> name, label renames, extra matchers)."""

    def __init__(self, overrides: Mapping[str, MetricMapping] | None = None) -> None:
        self._overrides = dict(overrides or {})

    def merged(self, more: Mapping[str, MetricMapping]) -> Resolver:
        return Resolver({**self._overrides, **more})

    def name(self, logical: str) -> str:
        override = self._overrides.get(logical)
        if override is not None:
            return override.name
        return CONTRACT[logical].name

    def label(self, logical_metric: str, logical_label: str) -> str:
        override = self._overrides.get(logical_metric)
        if override is None:
            return logical_label
        return override.labels.get(logical_label, logical_label)

    def resolve(self, selector: Selector) -> ResolvedSelector:
        logical = selector.metric
        matchers: list[MatcherTuple] = []
        override = self._overrides.get(logical)
        if override is not None:
            matchers.extend((label, "=", value) for label, value in override.matchers.items())
        matchers.extend((self.label(logical, k), "=", v) for k, v in selector.match.items())
        matchers.extend((self.label(logical, k), "=~", v) for k, v in selector.match_re.items())
        return ResolvedSelector(name=self.name(logical), matchers=tuple(matchers), logical=logical)
