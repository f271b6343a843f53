"""Charts of a report's time series as inline SVG (matplotlib, Agg-free SVG backend).

Each chart is drawn on its own ``Figure`` (no pyplot state, safe in threads), with text
kept as SVG ``<text>`` (small, selectable, no embedded fonts) and the XML prologue and
metadata removed so the result can sit inside an HTML page. A threshold is drawn as a
dashed line with the side that breaks it shaded; points on that side are marked.
"""

from __future__ import annotations

import io
import math
import re
from typing import Any, Final

import matplotlib as mpl
from markupsafe import Markup, escape
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from reports.text import fmt
from reports.timeseries import Threshold, TimeSeries

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE: Final = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
BAD: Final = "#C62828"
INK: Final = "#374151"
GRID: Final = "#E5E7EB"
_STYLE: Final[dict[str, Any]] = {
    "svg.fonttype": "none",
    "font.family": ["DejaVu Sans", "sans-serif"],
    "font.size": 10,
    "axes.edgecolor": "#9CA3AF",
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "timezone": "UTC",
}
# Tick labels by tick spacing (years ... seconds): a clock time is never shown as a bare
# "15" or "30"; the first tick of a new day or month says which.
_TICK_FORMATS: Final = ["%Y", "%b", "%b %d", "%H:%M", "%H:%M", "%H:%M:%S"]
_ZERO_FORMATS: Final = ["", "%Y", "%b", "%b %d", "%H:%M", "%H:%M"]
_PROLOGUE: Final = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_METADATA: Final = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_ROOT_SIZE: Final = re.compile(r'(<svg\b[^>]*?)\swidth="[^"]*"\sheight="[^"]*"')
_ID_OR_REF: Final = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')


def _axis_formatter(unit: str) -> FuncFormatter | PercentFormatter:
    if unit == "ratio":
        return PercentFormatter(xmax=1.0, decimals=None)
    if unit == "seconds":
        return FuncFormatter(lambda v, _pos: f"{v * 1000:g} ms")
    if unit == "milliseconds":
        return FuncFormatter(lambda v, _pos: f"{v:g} ms")
    if unit == "requests_per_second":
        return FuncFormatter(lambda v, _pos: f"{v:g}/s")
    return FuncFormatter(lambda v, _pos: f"{v:g}")


def _label(name: str) -> str:
    """A legend label matplotlib shows verbatim (no mathtext, no hidden ``_`` labels)."""
    text = name.replace("$", r"\$")
    return " " + text if text.startswith("_") else text


def _breaks(value: float, comparator: str | None, threshold: float) -> bool:
    if comparator in ("<", "<="):
        return value >= threshold if comparator == "<" else value > threshold
    if comparator in (">", ">="):
        return value <= threshold if comparator == ">" else value < threshold
    if comparator == "==":
        return not math.isclose(value, threshold, abs_tol=1e-12)
    return False


def _applies(threshold: Threshold, line: str) -> bool:
    return threshold.line is None or threshold.line == line


def _mark_breaks(ax: Any, times: Any, ys: list[float], thresholds: list[Threshold]) -> None:
    """Red dots on the points that break a threshold: where the eye should go first."""
    bad = [
        (t, y)
        for t, y in zip(times, ys, strict=True)
        if math.isfinite(y) and any(_breaks(y, th.comparator, th.value) for th in thresholds)
    ]
    if bad:
        ax.scatter([t for t, _ in bad], [y for _, y in bad], s=14, color=BAD, zorder=4)


def _plot_lines(ax: Any, series: TimeSeries) -> tuple[list[float], dict[str, str]]:
    values: list[float] = []
    colours: dict[str, str] = {}
    for index, (name, points) in enumerate(series.lines.items()):
        colour = colours[name] = PALETTE[index % len(PALETTE)]
        times = date2num([t for t, _ in points]) if points else []  # type: ignore[no-untyped-call]
        ys = [math.nan if v is None else v for _, v in points]
        values += [v for v in ys if math.isfinite(v)]
        ax.plot(
            times, ys, color=colour, linewidth=1.8, label=_label(name),
            marker="o" if len(points) <= 40 else None, markersize=3, zorder=3,
        )  # fmt: skip
        _mark_breaks(ax, times, ys, [t for t in series.thresholds if _applies(t, name)])
    return values, colours


def _plot_stacked(ax: Any, series: TimeSeries) -> tuple[list[float], dict[str, str]]:
    """Stacked areas over the union of the lines' times; a missing value counts as a gap."""
    names = list(series.lines)
    stamps = sorted({t for points in series.lines.values() for t, _ in points})
    by_line = {name: dict(points) for name, points in series.lines.items()}
    times = date2num(stamps) if stamps else []  # type: ignore[no-untyped-call]
    base = [0.0] * len(stamps)
    gap = [any(by_line[n].get(t) is None for n in names) for t in stamps]
    colours: dict[str, str] = {}
    for index, name in enumerate(names):
        colour = colours[name] = PALETTE[index % len(PALETTE)]
        top = [b + (by_line[name].get(t) or 0.0) for b, t in zip(base, stamps, strict=True)]
        low = [math.nan if g else b for b, g in zip(base, gap, strict=True)]
        high = [math.nan if g else v for v, g in zip(top, gap, strict=True)]
        ax.fill_between(times, low, high, color=colour, alpha=0.8, linewidth=0,
                        label=_label(name), step="mid", zorder=2)  # fmt: skip
        base = top
    total = [math.nan if g else v for v, g in zip(base, gap, strict=True)]
    ax.plot(times, total, color=INK, linewidth=0.8, drawstyle="steps-mid", zorder=3)
    _mark_breaks(ax, times, total, [t for t in series.thresholds if t.line is None])
    return [v for v in total if math.isfinite(v)], colours


def _draw(fig: Figure, series: TimeSeries) -> None:
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    plot = _plot_stacked if series.style == "stacked" else _plot_lines
    values, colours = plot(ax, series)
    if not _log_scale(ax, series, values):
        _limits(ax, series, values + [t.value for t in series.thresholds])
    bottom, top = ax.get_ylim()
    for threshold in series.thresholds:
        text = threshold.label or (
            f"threshold {threshold.comparator} {fmt(threshold.value, series.unit)}"
        )
        # A threshold of one line takes that line's colour; one for every line is red.
        colour = colours.get(threshold.line or "", BAD)
        ax.axhline(
            threshold.value, color=colour, linestyle=(0, (5, 3)), linewidth=1.3,
            label=_label(text), zorder=2,
        )  # fmt: skip
        if len(series.thresholds) == 1 and threshold.comparator in ("<", "<="):
            ax.axhspan(threshold.value, top, color=BAD, alpha=0.06, linewidth=0)
        elif len(series.thresholds) == 1 and threshold.comparator in (">", ">="):
            ax.axhspan(bottom, threshold.value, color=BAD, alpha=0.06, linewidth=0)
    ax.set_ylim(bottom, top)
    ax.yaxis.set_major_formatter(_axis_formatter(series.unit))
    locator = AutoDateLocator(minticks=4, maxticks=8)  # type: ignore[no-untyped-call]
    formatter = ConciseDateFormatter(  # type: ignore[no-untyped-call]
        locator, formats=_TICK_FORMATS, zero_formats=_ZERO_FORMATS, show_offset=False
    )
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(formatter)
    ax.tick_params(labelsize=9, length=3)
    # Above the plot, in space the layout reserves, so it never hides data or gets cut.
    fig.legend(
        loc="outside upper left", ncol=min(len(ax.get_legend_handles_labels()[0]), 4),
        frameon=False, fontsize=9, handlelength=1.6,
    )  # fmt: skip
    ax.margins(x=0.01)


def _log_scale(ax: Any, series: TimeSeries, values: list[float]) -> bool:
    """Latency far under its threshold: a log axis, so the line is not flat on the floor.

    A 5 ms P95 against a 200 ms threshold on a linear axis shows nothing of the
    latency's shape; on a log axis both the line and the threshold stay readable.
    """
    data = [v for v in values if math.isfinite(v) and v > 0]
    limits = [t.value for t in series.thresholds if t.value > 0]
    if series.unit not in ("seconds", "milliseconds") or not data or not limits:
        return False
    if max(data) * 8 >= min(limits):
        return False
    ax.set_yscale("log")
    ax.set_ylim(min(data) / 2, max(limits) * 2)
    return True


def _limits(ax: Any, series: TimeSeries, values: list[float]) -> None:
    """Y range: every value and threshold visible; from 0 unless a ratio sits high."""
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    starts_at_zero = low >= 0 and (series.unit != "ratio" or low < 0.5)
    if starts_at_zero:
        low = 0.0
    pad = (high - low) * 0.08 or abs(high) * 0.1 or 0.001
    ax.set_ylim(low if starts_at_zero else low - pad, high + pad)


def chart_svg(series: TimeSeries) -> Markup:
    """The chart as an inline ``<svg>`` element (scales to its container's width)."""
    style: Any = {**_STYLE, "svg.hashsalt": f"slo-{series.id}"}
    with mpl.rc_context(style):
        fig = Figure(figsize=(6.4, 2.6), layout="constrained")
        _draw(fig, series)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = _METADATA.sub("", _PROLOGUE.sub("", buffer.getvalue(), count=1))
    # Several charts share one page: matplotlib's ids (figure_1, ...) must not collide.
    prefix = re.sub(r"[^A-Za-z0-9_-]", "_", series.id)
    svg = _ID_OR_REF.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)
    label = escape(f"Chart: {series.title}")
    svg = _ROOT_SIZE.sub(rf'\1 role="img" aria-label="{label}" width="100%"', svg, count=1)
    return Markup(svg.strip())  # noqa: S704 - matplotlib escapes the text it writes
