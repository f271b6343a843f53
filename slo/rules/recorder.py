"""Recording rules, one per (expression, window), named ``slo:<sli>:<what><window>``."""

from __future__ import annotations

import re

from slo.rules.model import RecordingRule

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def camel(identifier: str) -> str:
    """``latency_p95`` -> ``LatencyP95`` (alert names)."""
    return "".join(part[:1].upper() + part[1:] for part in identifier.split("_"))


class Recorder:
    """Hands out recorded series names; the same expression is recorded once.

    Two objectives sharing an SLI (``timeout_error_rate`` and ``no_timeout_errors_48h``)
    share its series; a name taken by another expression gets a numeric suffix.
    """

    def __init__(self) -> None:
        self._by_expr: dict[str, str] = {}
        self._rules: list[RecordingRule] = []

    def series(self, sli: str, what: str, window: str, expr: str) -> str:
        if not _NAME.match(sli):
            raise ValueError(f"expected a snake_case SLI name, got {sli!r}")
        found = self._by_expr.get(expr)
        if found is not None:
            return found
        taken = {rule.record for rule in self._rules}
        record, n = f"slo:{sli}:{what}{window}", 2
        while record in taken:
            record, n = f"slo:{sli}_{n}:{what}{window}", n + 1
        self._by_expr[expr] = record
        self._rules.append(RecordingRule(record=record, expr=expr))
        return record

    @property
    def rules(self) -> tuple[RecordingRule, ...]:
        return tuple(self._rules)
