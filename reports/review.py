"""The weekly review's part of a report: objectives day by day, attestations, the trend.

``slo review`` fills it (:mod:`slo.review`); the Markdown and HTML renderers draw a table
with one row per day (failing days marked), the attestations with who recorded them, the
change of each objective against the previous review, and the advised cache TTL. Reports
written by ``slo check`` carry none (``Report.review`` is None), so older ``report.json``
files still read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from reports.verdict import Verdict

__all__ = [
    "AttestationState",
    "CacheTtlAdvice",
    "PreviousReview",
    "ReviewDay",
    "ReviewObjective",
    "ReviewPeriod",
    "ReviewSection",
    "TrendRow",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, ser_json_inf_nan="strings")


class ReviewPeriod(_Model):
    """One day of the review window: ``(start, end]``, named ``2026-01-04`` when it is a
    calendar day (UTC), else by its start and end."""

    start: datetime
    end: datetime
    label: str


class ReviewDay(_Model):
    """One objective on one day."""

    start: datetime
    verdict: Verdict
    value: float | None
    reason: str


class ReviewObjective(_Model):
    """One objective day by day, in the order of ``ReviewSection.days``.

    ``measured`` says where the days come from: ``slices`` (the objective is sustained
    per day, so its judged slices are the days) or ``per_day`` (the objective's SLI
    measured over each day and judged against the same threshold). ``failing_days``
    names the days (their labels) on which it failed, including days that held a failing
    slice of a finer sustained objective.
    """

    id: str
    description: str
    unit: str
    target: str
    gating: bool
    measured: Literal["slices", "per_day"]
    days: list[ReviewDay]
    failing_days: list[str] = Field(default_factory=list)


class AttestationState(_Model):
    """A manual criterion and what the team recorded for it (``unattested`` when nothing)."""

    id: str
    description: str
    state: Literal["pass", "fail", "unattested"]
    by: str | None = None
    date: str | None = None
    note: str = ""


class TrendRow(_Model):
    """One objective now and in the previous review.

    ``change`` is ``current - previous`` in the objective's unit, ``change_ratio`` the
    same relative to ``previous`` (None when ``previous`` is 0 or either value is
    missing); ``direction`` reads the change against the comparator (``better`` for a
    higher hit rate or a lower latency), None when the objective has no direction.
    """

    id: str
    description: str
    unit: str
    previous_value: float | None
    current_value: float | None
    change: float | None
    change_ratio: float | None
    direction: Literal["better", "worse", "same"] | None
    previous_verdict: Verdict | None
    current_verdict: Verdict


class PreviousReview(_Model):
    """The report the trend compares with."""

    label: str
    window_start: datetime
    window_end: datetime
    verdict: Verdict
    profile: str


class CacheTtlAdvice(_Model):
    """The guide's "Optimize cache TTL based on data": the TTL the window's evidence
    advises (None: no advice, with what was missing) and the reasoning, figure by figure."""

    ttl_seconds: float | None
    reasons: list[str]

    def lines(self) -> list[str]:
        """As ``slo review`` prints it: a head line, then the reasons indented."""
        if self.ttl_seconds is None:
            head = "cache TTL: no recommendation"
        else:
            head = f"cache TTL: recommended {self.ttl_seconds:g}s"
        return [head, *(f"  {reason}" for reason in self.reasons)]


class ReviewSection(_Model):
    """Everything ``slo review`` adds to a report."""

    days: list[ReviewPeriod]
    objectives: list[ReviewObjective]
    attestations: list[AttestationState] = Field(default_factory=list)
    attestations_file: str | None = None
    previous: PreviousReview | None = None
    trend: list[TrendRow] = Field(default_factory=list)
    cache_ttl: CacheTtlAdvice | None = None  # None in reports written before it existed

    @model_validator(mode="after")
    def _days_line_up(self) -> ReviewSection:
        for objective in self.objectives:
            if len(objective.days) != len(self.days):
                raise ValueError(
                    f"expected {len(self.days)} days for {objective.id}, got {len(objective.days)}"
                )
        return self

    def failing_days(self) -> list[str]:
        """Labels of the days on which any gating objective failed, in order."""
        failing = {d for o in self.objectives if o.gating for d in o.failing_days}
        return [p.label for p in self.days if p.label in failing]
