"""The spec's ``figures``: numbers measured over the judged window, never judged.

Each figure (``slo.spec.models.Figure``) is an SLI and what to take from its measurement:
its value, or a ratio's numerator events in all or per second. When the profile judged an
objective on the very same SLI, its whole-window measurement is reused (no second query);
otherwise the figure is measured from the metric source. A figure that cannot be measured
has no value and a reason: figures inform, they never change a verdict or an exit code,
so a source error leaves that figure empty instead of failing the evaluation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from reports import FigureResult, ObjectiveResult
from slo.errors import SourceError
from slo.slis import build_sli
from slo.spec import Figure, Objective

if TYPE_CHECKING:
    from slo.evaluate.config import RunConfig

__all__ = ["figure_result", "measure_figures"]


def _count(value: float, events: float) -> float:
    """``value * events`` (a ratio's numerator events), without float noise on whole counts."""
    found = value * events
    whole = round(found)
    return float(whole) if math.isclose(found, whole, rel_tol=1e-9, abs_tol=1e-9) else found


def figure_result(
    figure: Figure,
    *,
    value: float | None,
    requests: float | None,
    duration: float,
    query: str = "",
    objective: str | None = None,
    missing: Sequence[str] = (),
) -> FigureResult:
    """The figure from an SLI measurement's ``value`` and ``requests`` (its event count)."""
    found: float | None = None
    reason = ""
    if figure.measure == "value":
        if value is not None and math.isfinite(value):
            found = value
        elif value is not None:
            reason = "no events in the window"
    elif requests == 0:
        found = 0.0  # the denominator counted nothing, so the numerator counted nothing
    elif value is not None and math.isfinite(value) and requests is not None:
        found = _count(value, requests)
        if figure.measure == "numerator_per_second":
            found /= max(duration, 1e-9)
    if found is None and not reason:
        reason = f"no data: {', '.join(missing)}" if missing else "not measured"
    return FigureResult(
        description=figure.description,
        value=found,
        unit=figure.unit,
        query=query,
        objective=objective,
        reason=reason,
    )


def _display(queries: Mapping[str, str]) -> str:
    if len(queries) == 1:
        return next(iter(queries.values()))
    return "; ".join(f"{name} = {q}" for name, q in queries.items())


def _judged(
    figure: Figure, objectives: Sequence[Objective], results: Sequence[ObjectiveResult]
) -> ObjectiveResult | None:
    """The result of a judged objective on the figure's SLI that has a whole-window value."""
    by_id = {r.id: r for r in results}
    for o in objectives:
        result = by_id.get(o.id)
        if o.sli == figure.sli and result is not None and result.value is not None:
            return result
    return None


def _measured(name: str, figure: Figure, job: RunConfig) -> FigureResult:
    window = job.window
    if job.source is None:
        return figure_result(
            figure,
            value=None,
            requests=None,
            duration=window.duration,
            missing=("a metric source",),
        )
    sli = build_sli(figure.sli, job.resolver)
    try:
        raw, queries = job.source.fetch(sli, window.start, window.end)
    except SourceError as exc:
        return FigureResult(
            description=figure.description,
            value=None,
            unit=figure.unit,
            reason=f"figure {name}: the source failed: {str(exc)[:300]}",
        )
    m = sli.measure(raw, duration=window.duration)
    return figure_result(
        figure,
        value=m.value,
        requests=m.requests,
        duration=window.duration,
        query=_display(queries),
        missing=m.missing,
    )


def measure_figures(
    job: RunConfig, objectives: Sequence[Objective], results: Sequence[ObjectiveResult]
) -> dict[str, FigureResult]:
    """Every figure of ``job.spec`` over ``job.window``, reusing the judged ``results``."""
    figures: dict[str, FigureResult] = {}
    for name, figure in job.spec.figures.items():
        judged = _judged(figure, objectives, results)
        if judged is None:
            figures[name] = _measured(name, figure, job)
            continue
        figures[name] = figure_result(
            figure,
            value=judged.value,
            requests=judged.requests,
            duration=job.window.duration,
            query=judged.query,
            objective=judged.id,
        )
    return figures
