"""The trend of each objective against the previous review's ``report.json``.

Objectives are matched by id. ``change`` is ``current - previous`` in the objective's
unit and ``change_ratio`` the same relative to the previous value; ``direction`` reads the
change through the comparator: for ``>``/``>=`` higher is better, for ``<``/``<=`` (and
the ``no_increase``/``reduced`` baselines) lower is better, for ``==`` closer to the
threshold is better. A figure that is missing, NaN or infinite gives no change, never 0.
"""

from __future__ import annotations

import math
from typing import Final, Literal

from reports import ObjectiveResult, PreviousReview, Report, TrendRow

__all__ = ["direction", "previous_review", "trend"]

Direction = Literal["better", "worse", "same"]
_HIGHER_IS_BETTER: Final = frozenset({">", ">="})
_LOWER_IS_BETTER: Final = frozenset({"<", "<=", "no_increase", "reduced"})


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def direction(result: ObjectiveResult, previous: float, current: float) -> Direction | None:
    """Whether going from ``previous`` to ``current`` is better for this objective."""
    if current == previous:
        return "same"
    comparator = result.comparator
    if comparator in _HIGHER_IS_BETTER:
        return "better" if current > previous else "worse"
    if comparator in _LOWER_IS_BETTER:
        return "better" if current < previous else "worse"
    if comparator == "==" and result.threshold is not None:
        before, after = abs(previous - result.threshold), abs(current - result.threshold)
        return "same" if before == after else ("better" if after < before else "worse")
    return None


def _row(result: ObjectiveResult, before: ObjectiveResult | None) -> TrendRow:
    current = _finite(result.value)
    previous = _finite(before.value) if before is not None else None
    change = ratio = None
    moved: Direction | None = None
    if current is not None and previous is not None:
        change = current - previous
        ratio = change / abs(previous) if previous != 0 else None
        moved = direction(result, previous, current)
    return TrendRow(
        id=result.id,
        description=result.description,
        unit=result.unit,
        previous_value=previous,
        current_value=current,
        change=change,
        change_ratio=ratio,
        direction=moved,
        previous_verdict=before.verdict if before is not None else None,
        current_verdict=result.verdict,
    )


def trend(current: Report, previous: Report) -> list[TrendRow]:
    """One row per objective of ``current`` (attestations included), in its order."""
    earlier = {r.id: r for r in previous.objectives}
    return [_row(r, earlier.get(r.id)) for r in current.objectives]


def previous_review(previous: Report, label: str) -> PreviousReview:
    """What the report shows about the review it compares with."""
    return PreviousReview(
        label=label,
        window_start=previous.window.start,
        window_end=previous.window.end,
        verdict=previous.verdict,
        profile=previous.profile,
    )
