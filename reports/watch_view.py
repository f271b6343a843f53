"""The watch section as the Markdown and HTML templates draw it (plain strings, no markup).

A summary line, the trip (and what ``--on-trip`` did), one row per tick with a column per
objective, and one chart per objective of its value tick by tick (HTML only). Markdown
keeps at most :data:`MAX_MARKDOWN_TICKS` rows (every tick that was not a pass, then the
latest): ``report.json`` and ``report.html`` hold every tick.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from reports.model import Report
from reports.text import SYMBOLS, fmt, span, when
from reports.timeseries import Threshold, TimeSeries
from reports.verdict import Verdict
from reports.watch import WatchSection, WatchTick

__all__ = ["MAX_MARKDOWN_TICKS", "WatchView", "tick_series", "watch_view"]

MAX_MARKDOWN_TICKS: Final = 60
_ENDINGS: Final = {
    "completed": "reached --for without a trip",
    "tripped": "tripped: rollback called",
    "blind": "stopped blind: too many ticks in a row without data",
    "interrupted": "interrupted (Ctrl-C)",
}


@dataclass(frozen=True, kw_only=True)
class TickCell:
    verdict: str
    symbol: str
    value: str
    title: str


@dataclass(frozen=True, kw_only=True)
class TickRow:
    time: str
    verdict: str
    symbol: str
    cells: list[TickCell]
    error: str


@dataclass(frozen=True, kw_only=True)
class WatchView:
    summary: str
    settings: str
    columns: list[dict[str, str]]
    rows: list[TickRow]
    markdown_rows: list[TickRow]
    omitted: int
    trip: dict[str, str] = field(default_factory=dict)
    series: list[TimeSeries] = field(default_factory=list)


def _clock(tick: WatchTick) -> str:
    return tick.at.strftime("%H:%M:%S")


def _row(section: WatchSection, tick: WatchTick) -> TickRow:
    cells = []
    for o in section.objectives:
        state = tick.objectives.get(o.id)
        if state is None:
            cells.append(TickCell(verdict="", symbol="", value="", title=f"{o.id}: not judged"))
            continue
        cells.append(
            TickCell(
                verdict=state.verdict.value,
                symbol=SYMBOLS[state.verdict],
                value=fmt(state.value, o.unit) if state.value is not None else "",
                title=f"{o.id} at {when(tick.at)}: {state.verdict.value}, {state.reason}",
            )
        )
    return TickRow(
        time=_clock(tick),
        verdict=tick.verdict.value,
        symbol=SYMBOLS[tick.verdict],
        cells=cells,
        error=tick.error,
    )


def tick_series(section: WatchSection) -> list[TimeSeries]:
    """One chart per objective: its value at each tick, with its threshold (a tick without
    a value is a gap)."""
    found = []
    for o in section.objectives:
        points = [
            (t.at, s.value if (s := t.objectives.get(o.id)) is not None else None)
            for t in section.ticks
        ]
        thresholds = []
        if o.threshold is not None and o.comparator in ("<", "<=", ">", ">=", "=="):
            thresholds.append(Threshold(value=o.threshold, comparator=o.comparator))
        found.append(
            TimeSeries(
                id=f"watch-{o.id}",
                title=o.description,
                unit=o.unit,
                lines={o.id: points},
                thresholds=thresholds,
                objective=o.id,
                step_seconds=section.every_seconds,
            )
        )
    return found


def _summary(section: WatchSection) -> str:
    n = len(section.ticks)
    parts = [
        f"{n} tick{'s' if n != 1 else ''} from {when(section.started_at)} to "
        f"{when(section.ended_at)}",
        _ENDINGS[section.outcome],
    ]
    counted = [(v, section.count(v)) for v in Verdict]
    parts.append(", ".join(f"{k} {v.value}" for v, k in counted if k))
    return " · ".join(p for p in parts if p)


def _seconds(value: float) -> str:
    return span(round(value)) if value >= 1 and float(value).is_integer() else f"{value:g}s"


def _settings(section: WatchSection) -> str:
    scale = section.time_scale
    return " · ".join(
        [
            f"every {_seconds(section.every_seconds)}",
            f"window {_seconds(section.window_seconds)}",
            f"for {_seconds(section.for_seconds)}",
            f"trips after {section.failure_limit} failed tick(s) in total",
            f"blind after {section.inconclusive_limit} inconclusive tick(s) in a row",
            "time scale 1 (real time)" if scale == 1 else f"time scale {scale:g}",
        ]
    )


def _trip(section: WatchSection) -> dict[str, str]:
    trip = section.trip
    if trip is None:
        return {}
    found = {
        "line": f"ROLLBACK: {trip.objective}: {trip.reason}",
        "at": when(trip.at),
        "report": trip.report,
        "on_trip": "no --on-trip command",
        "output": "",
        "output_short": "",
    }
    run = trip.on_trip
    if run is not None:
        status = (
            f"killed after the {run.seconds:.3g}s timeout"
            if run.timed_out
            else f"exit status {run.exit_status} after {run.seconds:.3g}s"
        )
        found["on_trip"] = f"{run.command}: {status}"
        found["output"] = run.output
        text = " ".join(run.output.split())
        found["output_short"] = text if len(text) <= 300 else "…" + text[-299:]
    return found


def _markdown_rows(rows: list[TickRow]) -> list[TickRow]:
    if len(rows) <= MAX_MARKDOWN_TICKS:
        return rows
    notable = [i for i, r in enumerate(rows) if r.verdict != Verdict.PASS.value]
    keep = set(notable[-(MAX_MARKDOWN_TICKS // 2) :])
    for index in range(len(rows) - 1, -1, -1):
        if len(keep) >= MAX_MARKDOWN_TICKS:
            break
        keep.add(index)
    return [rows[i] for i in sorted(keep)]


def watch_view(report: Report) -> WatchView | None:
    """The view of ``report.watch``, or None for a report without one."""
    section = report.watch
    if section is None:
        return None
    rows = [_row(section, t) for t in section.ticks]
    shown = _markdown_rows(rows)
    return WatchView(
        summary=_summary(section),
        settings=_settings(section),
        columns=[
            {"id": o.id, "description": o.description, "gating": "" if o.gating else "informs"}
            for o in section.objectives
        ],
        rows=rows,
        markdown_rows=shown,
        omitted=len(rows) - len(shown),
        trip=_trip(section),
        series=tick_series(section),
    )
