"""An alert per gating objective, and multi-window multi-burn-rate alerts for ratio objectives.

Burn-rate alerts follow the SRE workbook (chapter 5, "Alerting on SLOs"): the error budget
of ``cache hit rate > 90%`` is the 10% of lookups allowed to miss; a page fires when both a
long and a short window burn it 14.4x (1h/5m) or 6x (6h/30m) faster than allowed, a ticket
at 3x (1d/2h) or 1x (3d/6h). A tier whose threshold is a bad-event ratio of 100% or more
can never fire and is left out (a 10% budget cannot burn 14.4x).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from slo.evaluate import fmt
from slo.query import number, render
from slo.rules.limits import Limit
from slo.rules.model import AlertRule
from slo.rules.recorder import Recorder, camel
from slo.rules.runbooks import runbook_for
from slo.slis import SliDef
from slo.slis.counters import IncreaseDef
from slo.spec import Objective
from slo.timeutil import format_duration, parse_duration

#: The comparison that breaks ``value <comparator> threshold``.
VIOLATION: Final[dict[str, str]] = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!="}
#: Go-template filters that print an alert's ``$value`` in the objective's unit.
HUMANIZE: Final[dict[str, str]] = {
    "ratio": "humanizePercentage",
    "seconds": "humanizeDuration",
}


@dataclass(frozen=True, kw_only=True)
class BurnTier:
    severity: Literal["page", "ticket"]
    long: str
    short: str
    factor: float
    for_: str


TIERS: Final = (
    BurnTier(severity="page", long="1h", short="5m", factor=14.4, for_="2m"),
    BurnTier(severity="page", long="6h", short="30m", factor=6, for_="15m"),
    BurnTier(severity="ticket", long="1d", short="2h", factor=3, for_="1h"),
    BurnTier(severity="ticket", long="3d", short="6h", factor=1, for_="3h"),
)


@dataclass(frozen=True, kw_only=True)
class ObjectiveSettings:
    """The window and ``for:`` of objective alerts (sustained objectives use their slice).

    ``escalation``: the objectives are conditions to roll back on (the guide's Escalation
    Criteria), so every alert pages, its runbook is the rollback step, its summary says
    to roll back, and no burn-rate alerts are added.
    """

    window: str = "10m"
    for_: str = "10m"
    escalation: bool = False


#: The escalation profile's alerts: judged over the 5m window `slo watch` rolls by default,
#: firing at once as the watch trips on its first failing tick ("Rollback immediately",
#: "Be ready to rollback within 5 minutes"); a run of ``consecutive`` slices keeps its own
#: ``for:``.
ESCALATION: Final = ObjectiveSettings(window="5m", for_="0s", escalation=True)


def _value(unit: str) -> str:
    return "{{ $value | " + HUMANIZE.get(unit, "humanize") + " }}"


def budget_of(objective: Objective, sli: SliDef) -> tuple[float, bool] | None:
    """(error budget, the SLI counts good events) for burn-rate alerting, or None."""
    if sli.kind not in ("ratio", "availability") or objective.unit != "ratio":
        return None
    if objective.threshold is None or objective.comparator in (None, "=="):
        return None
    good = objective.comparator in (">", ">=")
    budget = 1 - objective.threshold if good else objective.threshold
    return (budget, good) if 0 < budget < 1 else None


def objective_alerts(
    objective: Objective,
    sli: SliDef,
    limit: Limit,
    recorder: Recorder,
    *,
    labels: dict[str, str],
    settings: ObjectiveSettings,
) -> list[AlertRule]:
    """The objective's alert (``SLI`` breaking ``limit``), then its burn-rate alerts."""
    sustained = objective.sustained
    window = sustained.slice if sustained else settings.window
    measured = sli.expression(window)
    what = "increase" if isinstance(sli, IncreaseDef) and not sli.per_second else "rate"
    series = recorder.series(objective.id, what, window, measured.value)
    expr = render(
        "violation",
        series=series,
        op=VIOLATION[limit.comparator],
        threshold=number(limit.threshold),
    )
    if objective.min_requests and measured.requests is not None:
        requests = recorder.series(objective.id, "requests", window, measured.requests)
        expr = render("guarded", alert=expr, requests=requests, min_requests=objective.min_requests)
    burn = None if settings.escalation or limit.from_baseline else budget_of(objective, sli)
    runbook = runbook_for(sli.selectors(), unit=objective.unit, escalation=settings.escalation)
    rule = limit.words
    over = f"per {window} slice" if sustained else f"over {window}"
    guard = f" with at least {objective.min_requests} events" if objective.min_requests else ""
    for_ = settings.for_
    run = ""
    if sustained and sustained.consecutive:
        # "> 2 s for > 5 minutes": broken at every evaluation for 5 slices of 1m; Prometheus'
        # ``for:`` is "continuously true", so the run is never a 5-minute average.
        for_ = format_duration(parse_duration(sustained.slice) * sustained.consecutive)
        over = f"over {window}"
        run = (
            f", and broke the objective at every evaluation for {for_} (its "
            f"{sustained.consecutive} slices of {sustained.slice} in a row)"
        )
    elif sustained:
        for_ = "0s"
    # Burn-rate alerts page for ratio objectives; a sustained criterion is a review item.
    severity = "ticket" if burn or (sustained and not sustained.consecutive) else "page"
    profile = labels["profile"]
    summary = f"{profile}: {objective.description} is failing"
    how = f"`slo check --profile {profile}` judges the same expression over the promotion window."
    if settings.escalation:
        severity = "page"
        summary = f"Rollback immediately ({profile}): {objective.description}"
        how = (
            f"The guide says to roll back immediately; `slo watch --profile {profile}` judges "
            "the same SLI every tick over its rolling window."
        )
    alerts = [
        AlertRule(
            alert=f"{camel(objective.id)}ObjectiveFailing",
            expr=expr,
            for_=for_,
            labels={**labels, "severity": severity},
            annotations={
                "summary": summary,
                "description": (
                    f"{objective.id} is {_value(objective.unit)} {over}{guard}{run}; the "
                    f"objective is {rule}. {how}"
                ),
                "runbook": runbook,
            },
        )
    ]
    if burn is None:
        return alerts
    budget, good = burn
    for tier in TIERS:
        if tier.factor * budget >= 1:
            continue
        bad = {
            w: _bad(recorder.series(objective.id, "rate", w, sli.expression(w).value), good)
            for w in (tier.long, tier.short)
        }
        tier_limit = {"factor": number(tier.factor), "budget": number(round(budget, 12))}
        alerts.append(
            AlertRule(
                alert=f"{camel(objective.id)}ErrorBudgetBurn",
                expr=render(
                    "multiwindow",
                    long=render("burn", bad=bad[tier.long], **tier_limit),
                    short=render("burn", bad=bad[tier.short], **tier_limit),
                ),
                for_=tier.for_,
                labels={
                    **labels,
                    "severity": tier.severity,
                    "long_window": tier.long,
                    "short_window": tier.short,
                },
                annotations={
                    "summary": (
                        f"{labels['profile']}: {objective.id} is burning its error budget "
                        f"{number(tier.factor)}x too fast ({tier.long}/{tier.short})"
                    ),
                    "description": (
                        f"{'1 - ' if good else ''}{objective.id} is {{{{ $value | "
                        f"humanizePercentage }}}} over {tier.long} (and above the limit over "
                        f"{tier.short}); the objective ({rule}) allows "
                        f"{fmt(budget, 'ratio')}, this tier fires at {number(tier.factor)}x "
                        f"that."
                    ),
                    "runbook": runbook,
                },
            )
        )
    return alerts


def _bad(series: str, good: bool) -> str:
    return render("bad_of_good", series=series) if good else series
