"""``review``: the weekly (or monthly) success-criteria review of a profile over days.

It judges the profile over the whole window exactly as ``slo check`` does (``evaluate``:
sustained objectives per slice with their failing slices), then adds what the review
meeting reads: every objective day by day, the manual attestations with who recorded
them, charts of the whole window with a step suited to its length, and the change of each
objective since the previous review.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Final

from reports import AttestationState, ObjectiveResult, Report, ReviewSection
from slo.errors import UsageError
from slo.evaluate import RunConfig, evaluate
from slo.review.attestations import AttestationRecord
from slo.review.days import breakdown
from slo.review.trend import previous_review, trend
from slo.review.ttl import advise
from slo.spec import Attestation
from slo.timeseries import ChartOptions, with_timeseries

__all__ = ["CHARTS", "ReviewJob", "review"]

# At most 180 points per chart: the smallest nice step is 1 h over 7 days, 6 h over 30
# days, 10 min over one day (``slo.timeseries.chart_step``). Five minutes at least, so
# that every step holds several samples of a 15 s or 1 min scrape.
CHARTS: Final = ChartOptions(points=180, min_step=300.0)


@dataclass(frozen=True, kw_only=True)
class ReviewJob:
    """A review: the run's configuration (its ``source`` is required), what the team attested
    (``attestations``, read from ``attestations_file``), and the previous review's report."""

    evaluation: RunConfig
    attestations: Mapping[str, AttestationRecord] = field(default_factory=dict)
    attestations_file: str | None = None
    previous: Report | None = None
    previous_label: str = "previous report.json"
    charts: ChartOptions | None = None  # default: CHARTS


def _attested(
    declared: list[Attestation], job: ReviewJob, results: list[ObjectiveResult]
) -> tuple[list[ObjectiveResult], list[AttestationState]]:
    """Attestation results with who recorded them, and their states for the review."""
    by_id = {a.id: a for a in declared}
    updated: list[ObjectiveResult] = []
    states: list[AttestationState] = []
    for result in results:
        if result.id not in by_id or result.kind != "attestation":
            updated.append(result)
            continue
        record = job.attestations.get(result.id)
        if record is None:
            where = job.attestations_file or "an attestations file (--attestations FILE)"
            reason = f"unattested: record it in {where}"
            states.append(
                AttestationState(id=result.id, description=result.description, state="unattested")
            )
        else:
            reason = record.describe()
            states.append(
                AttestationState(
                    id=result.id,
                    description=result.description,
                    state=record.state,
                    by=record.by,
                    date=record.date.isoformat() if record.date else None,
                    note=record.note,
                )
            )
        updated.append(result.model_copy(update={"reason": reason}))
    return updated, states


def review(job: ReviewJob) -> Report:
    """Judge the job's profile over its window and add the review section and charts."""
    ev = job.evaluation
    source = ev.source
    if source is None:
        raise UsageError("a review reads history: give a metric source (--prometheus-url)")
    profile = ev.definition
    recorded = {k: r.passed for k, r in job.attestations.items()}
    report = evaluate(replace(ev, attestations=recorded))
    objectives, states = _attested(profile.attestations, job, report.objectives)
    report = report.model_copy(update={"objectives": objectives})
    periods, days = breakdown(profile.objectives, report, source, ev.window, resolver=ev.resolver)
    report = with_timeseries(
        report,
        source,
        ev.window,
        resolver=ev.resolver,
        options=job.charts or CHARTS,
        spec=ev.spec,
    )
    section = ReviewSection(
        days=periods,
        objectives=days,
        attestations=states,
        attestations_file=job.attestations_file,
        previous=(
            previous_review(job.previous, job.previous_label) if job.previous is not None else None
        ),
        trend=trend(report, job.previous) if job.previous is not None else [],
        cache_ttl=advise(ev).in_report(),  # the guide's "Optimize cache TTL based on data"
    )
    return report.model_copy(update={"review": section})
