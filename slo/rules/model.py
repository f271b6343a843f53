"""A Prometheus rule file as value objects, and its YAML text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml


@dataclass(frozen=True, kw_only=True)
class RecordingRule:
    record: str
    expr: str
    labels: Mapping[str, str] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        found: dict[str, Any] = {"record": self.record, "expr": self.expr}
        if self.labels:
            found["labels"] = dict(self.labels)
        return found


@dataclass(frozen=True, kw_only=True)
class AlertRule:
    alert: str
    expr: str
    for_: str = "0s"
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        found: dict[str, Any] = {"alert": self.alert, "expr": self.expr}
        if self.for_ != "0s":
            found["for"] = self.for_
        found["labels"] = dict(self.labels)
        found["annotations"] = dict(self.annotations)
        return found


@dataclass(frozen=True, kw_only=True)
class RuleGroup:
    name: str
    rules: tuple[RecordingRule | AlertRule, ...]

    def document(self) -> dict[str, Any]:
        return {"name": self.name, "rules": [rule.document() for rule in self.rules]}


@dataclass(frozen=True, kw_only=True)
class RuleFile:
    """What ``slo rules`` prints: groups, plus a header saying where it came from."""

    groups: tuple[RuleGroup, ...]
    header: tuple[str, ...] = ()

    @property
    def alerts(self) -> list[AlertRule]:
        return [r for g in self.groups for r in g.rules if isinstance(r, AlertRule)]

    @property
    def records(self) -> list[RecordingRule]:
        return [r for g in self.groups for r in g.rules if isinstance(r, RecordingRule)]

    def document(self) -> dict[str, Any]:
        """The rule file's YAML document: its groups that hold rules."""
        return {"groups": [g.document() for g in self.groups if g.rules]}

    def text(self) -> str:
        return dump_yaml(self.document(), self.header)


def dump_yaml(document: Mapping[str, Any], header: Sequence[str] = ()) -> str:
    """``header`` as comment lines, then ``document`` as YAML (keys in insertion order,
    multi-line strings as literal blocks)."""
    body = yaml.dump(dict(document), Dumper=_Dumper, sort_keys=False, width=100, allow_unicode=True)
    return "".join(f"# {line}\n".replace("# \n", "#\n") for line in header) + body


class _Dumper(yaml.SafeDumper):
    """Multi-line strings as literal blocks; keys keep their insertion order."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)
