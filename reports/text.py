"""How numbers, verdicts and margins read in every human-facing report (Markdown, HTML,
JUnit, and the verdict table `slo` and the Locust gate print).

Values are formatted in their objective's unit the way ``slo``'s reasons print them
(ratios as percentages, latency in milliseconds), so a table cell and its reason agree.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Final

from reports.cells import cell, judged_value
from reports.headline import headline, window_note
from reports.model import ObjectiveResult, Report, Verdict

_UNIT_FORMATS: Final[dict[str, Callable[[float], str]]] = {
    "ratio": lambda v: f"{v * 100:.4g}%",
    # Under 10 s in milliseconds (latency), from 10 s on in seconds (30 s, not 3e+04 ms).
    "seconds": lambda v: f"{v * 1000:.4g} ms" if abs(v) < 10 else f"{v:.4g} s",
    "milliseconds": lambda v: f"{v:.4g} ms",
    "requests_per_second": lambda v: f"{v:.4g} req/s",
}
# A difference between two values of a unit (percentage points for ratios).
_DELTA_FORMATS: Final[dict[str, Callable[[float], str]]] = {
    "ratio": lambda v: f"{v * 100:+.3g} pts",
    "seconds": lambda v: f"{v * 1000:+.3g} ms" if abs(v) < 10 else f"{v:+.3g} s",
    "milliseconds": lambda v: f"{v:+.3g} ms",
    "requests_per_second": lambda v: f"{v:+.3g} req/s",
}

SYMBOLS: Final[dict[Verdict, str]] = {
    Verdict.PASS: "✅",
    Verdict.WARN: "⚠️",
    Verdict.FAIL: "❌",
    Verdict.INCONCLUSIVE: "❔",
    Verdict.SKIPPED: "⏭️",
}
# Worst first: the order in which a reader needs to see objectives.
SEVERITY: Final[dict[Verdict, int]] = {
    Verdict.FAIL: 0,
    Verdict.INCONCLUSIVE: 1,
    Verdict.WARN: 2,
    Verdict.PASS: 3,
    Verdict.SKIPPED: 4,
}


def fmt(value: float | None, unit: str) -> str:
    """A value as a person reads it in ``unit`` (``no value`` for None)."""
    if value is None:
        return "no value"
    if not math.isfinite(value):
        return str(value)
    render = _UNIT_FORMATS.get(unit)
    return render(value) if render is not None else f"{value:g}"


def fmt_delta(value: float, unit: str) -> str:
    render = _DELTA_FORMATS.get(unit)
    return render(value) if render is not None else f"{value:+g}"


def target(result: ObjectiveResult) -> str:
    """``< 200 ms``, ``no_increase vs baseline 0.2%``, or ``""`` (attestations)."""
    if result.threshold is not None and result.comparator:
        return f"{result.comparator} {fmt(result.threshold, result.unit)}"
    if result.comparator and result.baseline_value is not None:
        return f"{result.comparator} vs baseline {fmt(result.baseline_value, result.unit)}"
    return result.comparator or ""


def by_severity(report: Report) -> list[ObjectiveResult]:
    """Objectives worst verdict first, gating before informing; stable otherwise."""
    return sorted(report.objectives, key=lambda r: (SEVERITY[r.verdict], not r.gating))


def when(moment: datetime) -> str:
    """``2026-01-01 10:00:00 UTC`` (reports are always in UTC)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def duration(report: Report) -> str:
    """The window's length as ``10m``, ``2h 5m`` or ``7d``."""
    return span(round((report.window.end - report.window.start).total_seconds()))


def span(seconds: int) -> str:
    """``seconds`` as ``45s``, ``10m``, ``2h 5m`` or ``7d`` (two largest units)."""
    parts: list[str] = []
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m"), (1, "s")):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return " ".join(parts[:2]) or "0s"


def counts(report: Report) -> dict[Verdict, int]:
    """How many objectives got each verdict (every verdict present, possibly 0)."""
    found = dict.fromkeys(Verdict, 0)
    for result in report.objectives:
        found[result.verdict] += 1
    return found


def result_table(report: Report) -> str:
    """The terminal table: the window, one line per objective (verdict, id, value, target,
    reason), the headline (and the window note), then the overall verdict and exit code."""
    window = f"{report.window.start.isoformat()} .. {report.window.end.isoformat()}"
    lines = [f"profile {report.profile}  window {window}  source {report.source}"]
    for r in report.objectives:
        goal = "" if r.threshold is None else f"{r.comparator} {fmt(r.threshold, r.unit)}"
        if r.threshold is None and r.comparator:
            goal = r.comparator
        gate = "" if r.gating else " (informs)"
        lines.append(
            f"  {r.verdict.value.upper():<12} {r.id:<26} {cell(judged_value(r), r.unit):>12}  "
            f"{goal:<14} {r.reason}{gate}"
        )
    lines.append(headline(report))
    note = window_note(report)
    if note is not None:
        lines.append(note)
    lines.append(f"verdict: {report.verdict.value.upper()} (exit {report.exit_code})")
    return "\n".join(lines)


def client_line(report: Report) -> str | None:
    """What the load generator saw and whether the server agrees (None: no client)."""
    client = report.client
    if client is None:
        return None
    return (
        f"client: {client.requests} requests, {client.failures} failed, "
        f"{client.timeouts} gave up after the client timeout; {client.agreement}"
    )


def report_context(report: Report) -> dict[str, str | None]:
    """What every report template shows about the run, whatever the format."""
    return {
        "verdict_word": report.verdict.value.upper(),
        "headline": headline(report),
        "window_note": window_note(report),
        "window_start": when(report.window.start),
        "window_end": when(report.window.end),
        "duration": duration(report),
        "target": target_line(report),
    }


def target_line(report: Report) -> str:
    """The target, and its version when it exposes one (``… · version 1.0.0 (/health)``)."""
    shown = report.target or "(not recorded)"
    found = report.target_version
    return shown if found is None else f"{shown} · version {found.version} (from {found.source})"
