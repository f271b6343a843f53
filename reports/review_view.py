"""The review section as the Markdown and HTML templates draw it (plain strings, no markup).

One row per day, one column per objective (the failing days marked), the attestations,
the trend table and the cache TTL advice. Both renderers read the same view so their numbers agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reports.model import Report
from reports.review import ReviewSection, TrendRow
from reports.text import SYMBOLS, fmt, fmt_delta, when
from reports.verdict import Verdict

__all__ = ["ReviewView", "review_view"]

_STATE_VERDICT = {"pass": Verdict.PASS, "fail": Verdict.FAIL, "unattested": Verdict.INCONCLUSIVE}
_ARROWS = {"better": "↑ better", "worse": "↓ worse", "same": "= same"}


@dataclass(frozen=True, kw_only=True)
class Cell:
    verdict: str
    symbol: str
    value: str
    title: str


@dataclass(frozen=True, kw_only=True)
class DayRow:
    label: str
    failing: bool
    cells: list[Cell]


@dataclass(frozen=True, kw_only=True)
class Column:
    id: str
    description: str
    target: str
    gating: bool
    failing_days: list[str]


@dataclass(frozen=True, kw_only=True)
class ReviewView:
    summary: str
    columns: list[Column]
    days: list[DayRow]
    attestations: list[dict[str, str]] = field(default_factory=list)
    attestations_file: str = ""
    previous: str = ""
    trend: list[dict[str, str]] = field(default_factory=list)
    cache_ttl: str = ""  # the advice's head line, e.g. "cache TTL: recommended 60s"
    cache_ttl_reasons: list[str] = field(default_factory=list)


def _change(row: TrendRow) -> str:
    if row.change is None:
        return "n/a"
    text = fmt_delta(row.change, row.unit)
    if row.change_ratio is not None:
        text += f" ({row.change_ratio * 100:+.3g}%)"
    elif row.previous_value == 0 and row.change != 0:
        text += " (from 0)"
    return text


def _trend(section: ReviewSection) -> list[dict[str, str]]:
    return [
        {
            "id": row.id,
            "description": row.description,
            "previous": "n/a" if row.previous_value is None else fmt(row.previous_value, row.unit),
            "current": "n/a" if row.current_value is None else fmt(row.current_value, row.unit),
            "change": _change(row),
            "direction": _ARROWS.get(row.direction or "", ""),
            "direction_class": row.direction or "",
            "verdicts": (
                f"{row.previous_verdict.value if row.previous_verdict else 'absent'} → "
                f"{row.current_verdict.value}"
            ),
        }
        for row in section.trend
    ]


def _summary(report: Report, section: ReviewSection) -> str:
    days = len(section.days)
    if not days:
        return "the window holds no whole day"
    text = f"{days} day{'s' if days != 1 else ''} from {when(report.window.start)}"
    failing = section.failing_days()
    if failing:
        return f"{text} · failing days: {', '.join(failing)}"
    return f"{text} · no gating objective failed on any day"


def review_view(report: Report) -> ReviewView | None:
    """The view of ``report.review``, or None for a report without one."""
    section = report.review
    if section is None:
        return None
    columns = [
        Column(
            id=o.id,
            description=o.description,
            target=o.target,
            gating=o.gating,
            failing_days=o.failing_days,
        )
        for o in section.objectives
    ]
    failing = set(section.failing_days())
    rows: list[DayRow] = []
    for index, period in enumerate(section.days):
        cells = []
        for o in section.objectives:
            day = o.days[index]
            cells.append(
                Cell(
                    verdict=day.verdict.value,
                    symbol=SYMBOLS[day.verdict],
                    value=fmt(day.value, o.unit),
                    title=f"{o.id} on {period.label}: {day.verdict.value}, {day.reason}",
                )
            )
        rows.append(DayRow(label=period.label, failing=period.label in failing, cells=cells))
    attestations = [
        {
            "id": a.id,
            "description": a.description,
            "state": a.state,
            "verdict": _STATE_VERDICT[a.state].value,
            "symbol": SYMBOLS[_STATE_VERDICT[a.state]],
            "by": a.by or "",
            "date": a.date or "",
            "note": a.note,
        }
        for a in section.attestations
    ]
    ttl = section.cache_ttl.lines() if section.cache_ttl is not None else []
    previous = ""
    if section.previous is not None:
        p = section.previous
        previous = (
            f"{p.label or 'previous report'}: profile {p.profile}, window {when(p.window_start)} → "
            f"{when(p.window_end)}, verdict {p.verdict.value}"
        )
    return ReviewView(
        summary=_summary(report, section),
        columns=columns,
        days=rows,
        attestations=attestations,
        attestations_file=section.attestations_file or "",
        previous=previous,
        trend=_trend(section),
        cache_ttl=ttl[0] if ttl else "",
        cache_ttl_reasons=[line.strip() for line in ttl[1:]],
    )
