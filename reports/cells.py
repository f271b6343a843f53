"""An objective's value and margin as the report tables show them.

Values have even precision: every value of a unit has the same decimals (``93.20%``,
``70.00%``, ``350.0 ms``), so a column reads down without jumping between ``93.2%`` and
``0.0021%``; a value too small to show but not zero reads ``<0.01%``, never ``0.00%``.
(Reasons keep the engine's wording, :func:`reports.text.fmt`.)

A sustained objective ("for 7 days", judged slice by slice) shows its worst slice's value
and margin, with the whole window's mean beside it: a failing day is never hidden behind
a mean that passes, so a failure never carries a green margin.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Final

from reports.model import ObjectiveResult, SliceResult, Verdict

__all__ = [
    "cell",
    "delta_cell",
    "fmt_margin",
    "judged_value",
    "margin",
    "slice_name",
    "value_cell",
    "worst_slice",
]


def _percent(v: float) -> str:
    if v != 0 and abs(v) < 0.00005:
        return "<0.01%" if v > 0 else ">-0.01%"
    return f"{v * 100:.2f}%"


_CELLS: Final[dict[str, Callable[[float], str]]] = {
    "ratio": _percent,
    # Under 10 s in milliseconds, from 10 s on in seconds.
    "seconds": lambda v: f"{v * 1000:.1f} ms" if abs(v) < 10 else f"{v:.2f} s",
    "milliseconds": lambda v: f"{v:.1f} ms",
    "requests_per_second": lambda v: f"{v:.1f} req/s",
    "count": lambda v: f"{v:.0f}",
}
_DELTAS: Final[dict[str, Callable[[float], str]]] = {
    "ratio": lambda v: f"{v * 100:+.2f} pts",
    "seconds": lambda v: f"{v * 1000:+.1f} ms" if abs(v) < 10 else f"{v:+.2f} s",
    "milliseconds": lambda v: f"{v:+.1f} ms",
    "requests_per_second": lambda v: f"{v:+.1f} req/s",
    "count": lambda v: f"{v:+.0f}",
}
_SLICE_NAMES: Final = {86400: "day", 3600: "hour", 60: "minute"}


def cell(value: float | None, unit: str) -> str:
    """``value`` in ``unit`` with the unit's fixed decimals (``no value`` for None)."""
    if value is None:
        return "no value"
    if not math.isfinite(value):
        return str(value)
    render = _CELLS.get(unit)
    return render(value) if render is not None else f"{value:.2f}"


def delta_cell(value: float, unit: str) -> str:
    """A difference in ``unit`` (percentage points for ratios), signed, fixed decimals."""
    render = _DELTAS.get(unit)
    return render(value) if render is not None else f"{value:+.2f}"


def worst_slice(result: ObjectiveResult) -> SliceResult | None:
    """The slice furthest on the wrong side of the threshold (the lowest for ``>``, the
    highest for ``<``, the furthest from it for ``==``); None when not sustained or no
    slice has a value."""
    valued = [s for s in result.slices if s.value is not None and math.isfinite(s.value)]
    if not valued or result.threshold is None:
        return None
    threshold = result.threshold
    if result.comparator in (">", ">="):
        return min(valued, key=lambda s: s.value or 0.0)
    if result.comparator in ("<", "<="):
        return max(valued, key=lambda s: s.value or 0.0)
    if result.comparator == "==":
        return max(valued, key=lambda s: abs((s.value or 0.0) - threshold))
    return None


def judged_value(result: ObjectiveResult) -> float | None:
    """The value the margin is taken from: the worst slice's for a sustained objective,
    else the window's."""
    worst = worst_slice(result)
    return worst.value if worst is not None else result.value


def margin(result: ObjectiveResult) -> float | None:
    """Headroom to the threshold in the objective's unit: positive passes, negative misses.

    None when there is nothing to compare: a verdict other than pass, warn or fail, no
    value, no threshold, or an ``==`` objective.
    """
    value, threshold = judged_value(result), result.threshold
    if result.verdict not in (Verdict.PASS, Verdict.WARN, Verdict.FAIL):
        return None
    if value is None or threshold is None or not math.isfinite(value):
        return None
    if result.comparator in ("<", "<="):
        return threshold - value
    if result.comparator in (">", ">="):
        return value - threshold
    return None


def fmt_margin(result: ObjectiveResult) -> str:
    found = margin(result)
    return "" if found is None else delta_cell(found, result.unit)


def slice_name(result: ObjectiveResult) -> str:
    """``day``, ``hour``, ``minute`` or ``slice``: what one slice of ``result`` is."""
    if not result.slices:
        return "slice"
    first = result.slices[0]
    seconds = round((first.end - first.start).total_seconds())
    return _SLICE_NAMES.get(seconds, "slice")


def value_cell(result: ObjectiveResult) -> str:
    """The value column: ``93.20%``; for a sustained objective ``70.00% worst day · mean
    94.17%``; nothing for an attestation."""
    if result.kind == "attestation":
        return ""
    worst = worst_slice(result)
    if worst is None:
        return cell(result.value, result.unit)
    return (
        f"{cell(worst.value, result.unit)} worst {slice_name(result)} · "
        f"mean {cell(result.value, result.unit)}"
    )
