"""Measure the charts of :mod:`slo.timeseries.definitions` over a window, step by step.

A point is the SLI over the step that *ends* at its timestamp, read through
``MetricSource.fetch_slices`` (one range query per named query on Prometheus, one read per
step on the embedded store). A chart whose data cannot be read is returned empty with the
error as its note: charts inform, they never change a verdict or an exit code.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Final

from reports import ObjectiveResult, Point, Report, Threshold, TimeSeries
from slo.errors import SourceError
from slo.evaluate import Window
from slo.metrics import HTTP_REQUEST_DURATION, LABEL_PATH
from slo.slis import Measurement, SliDef, build_sli
from slo.sources import MetricSource
from slo.spec import QuantileSli, Resolver, Selector, Spec, default_spec_path, load_spec
from slo.timeseries.definitions import (
    CHARTS,
    CLIENT_VS_SERVER,
    CLIENT_VS_SERVER_TITLE,
    Chart,
    Line,
    p95,
)
from slo.timeutil import format_duration, to_datetime

ClientLatency = Callable[[float, float], float | None]
"""``(start, end) -> P95 in ms`` of the requests the client completed in ``[start, end)``,
or None when it sent none (for example ``lambda a, b: recorder.window(a, b).p95_ms``)."""

NICE_STEPS: Final = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800,
                     21600, 43200, 86400)  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class ChartOptions:
    """How finely to sample the window.

    ``min_step`` must cover several scrape intervals on Prometheus (a counter's increase
    over a step needs two samples in it): 5 s suits the reference stack's 1 s scrape; use
    60 s for a 15 s scrape interval.
    """

    points: int = 120
    min_step: float = 5.0


def chart_step(window: Window, options: ChartOptions = ChartOptions()) -> float:
    """The smallest nice step (1 s, 5 s, 1 m, 1 h...) giving at most ``points`` points."""
    wanted = max(window.duration / max(options.points, 1), options.min_step)
    return float(next((s for s in NICE_STEPS if s >= wanted), math.ceil(wanted / 86400) * 86400))


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _shown(value: float, unit: str) -> str:
    if unit == "ratio":
        return f"{value * 100:.4g}%"
    if unit == "seconds":
        return f"{value * 1000:.4g} ms"
    if unit == "requests_per_second":
        return f"{value:.4g} req/s"
    return f"{value:g}"


def _thresholds(
    objectives: Sequence[ObjectiveResult], wanted: dict[str, str | None]
) -> list[Threshold]:
    """Thresholds of the judged objectives named in ``wanted`` (id -> line it applies to)."""
    found: list[Threshold] = []
    for result in objectives:
        if result.id not in wanted or result.threshold is None or result.comparator is None:
            continue
        line = wanted[result.id]
        prefix = line if line and len(wanted) > 1 else "threshold"
        label = f"{prefix} {result.comparator} {_shown(result.threshold, result.unit)}"
        found.append(
            Threshold(value=result.threshold, comparator=result.comparator, line=line, label=label)
        )
    return found


class _Reader:
    """Measures SLIs at every step of one window."""

    def __init__(
        self, source: MetricSource, window: Window, resolver: Resolver, step: float, spec: Spec
    ):
        self.source = source
        self.resolver = resolver
        self.step = step
        self.ends = window.slice_ends(step)
        self.spec = spec

    def sli(self, line: Line) -> SliDef:
        """The line's SLI: an objective's, as the spec defines it, or the chart's own."""
        if not isinstance(line, str):
            return build_sli(line, self.resolver)
        found = self.spec.objective_sli(line)
        if found is None:
            raise SourceError(f"the spec {self.spec.name!r} has no objective {line!r}")
        return build_sli(found, self.resolver)

    def path(self, line: Line) -> str:
        """The request path a latency line reads, for its title."""
        sli = self.spec.objective_sli(line) if isinstance(line, str) else line
        if isinstance(sli, QuantileSli):
            return sli.histogram.match.get(LABEL_PATH, "all requests")
        return "all requests"

    def line(self, sli: SliDef, *, per_second: bool = False) -> list[Point]:
        raws = self.source.fetch_slices(sli, self.ends, self.step) if self.ends else []
        points: list[Point] = []
        for end, raw in zip(self.ends, raws, strict=True):
            m: Measurement = sli.measure(raw, duration=self.step)
            if per_second:
                value = None if m.requests is None else m.requests / self.step
            else:
                value = m.value
            points.append((to_datetime(end), _finite(value)))
        return points

    def query(self, sli: SliDef) -> str:
        return "; ".join(sli.queries(window=format_duration(self.step), at=None).values())


def _draw(
    reader: _Reader, chart_id: str, chart: Chart, objectives: Sequence[ObjectiveResult]
) -> TimeSeries:
    lines: dict[str, list[Point]] = {}
    queries: list[str] = []
    path = reader.path(next(iter(chart.lines.values())))
    for name, line in chart.lines.items():
        sli = reader.sli(line)
        lines[name.format(path=path)] = reader.line(sli, per_second=chart.per_second)
        queries.append(reader.query(sli))
    return TimeSeries(
        id=chart_id,
        title=chart.title.format(path=path),
        unit=chart.unit,
        lines=lines,
        thresholds=_thresholds(objectives, chart.thresholds),
        style=chart.style,
        objective=chart.objective,
        step_seconds=reader.step,
        query="; ".join(dict.fromkeys(queries)),
    )


def _client_vs_server(reader: _Reader, client_p95: ClientLatency) -> TimeSeries:
    sli = reader.sli(p95(Selector(metric=HTTP_REQUEST_DURATION)))
    client: list[Point] = []
    for end in reader.ends:
        ms = client_p95(end - reader.step, end)
        client.append((to_datetime(end), None if ms is None else _finite(ms / 1000)))
    return TimeSeries(
        id=CLIENT_VS_SERVER,
        title=CLIENT_VS_SERVER_TITLE,
        unit="seconds",
        lines={"client (Locust)": client, "server (histogram)": reader.line(sli)},
        step_seconds=reader.step,
        query=reader.query(sli),
    )


def build_timeseries(
    source: MetricSource,
    window: Window,
    *,
    resolver: Resolver | None = None,
    objectives: Sequence[ObjectiveResult] = (),
    client_p95: ClientLatency | None = None,
    options: ChartOptions = ChartOptions(),
    spec: Spec | None = None,
) -> list[TimeSeries]:
    """The charts of ``window``, in :data:`CHARTS` order, then client vs server P95 when
    ``client_p95`` is given. Lines that name an objective read its SLI from ``spec``
    (default: the shipped criteria)."""
    spec = spec or load_spec(default_spec_path())
    step = chart_step(window, options)
    reader = _Reader(source, window, resolver or Resolver(), step, spec)
    builders: list[tuple[str, str, Callable[[], TimeSeries]]] = [
        (chart_id, chart.title.format(path=reader.path(next(iter(chart.lines.values())))),
         partial(_draw, reader, chart_id, chart, objectives))
        for chart_id, chart in CHARTS.items()
    ]  # fmt: skip
    if client_p95 is not None:
        latency = client_p95
        builders.append(
            (CLIENT_VS_SERVER, CLIENT_VS_SERVER_TITLE, lambda: _client_vs_server(reader, latency))
        )
    found: list[TimeSeries] = []
    for chart_id, title, build in builders:
        try:
            series = build()
        except SourceError as exc:
            series = TimeSeries(id=chart_id, title=title, unit="", note=f"not read: {exc}")
        if not reader.ends:
            note = f"the window is shorter than one step ({reader.step:g} s)"
            series = series.model_copy(update={"note": note})
        found.append(series)
    return found


def with_timeseries(
    report: Report,
    source: MetricSource,
    window: Window,
    *,
    resolver: Resolver | None = None,
    client_p95: ClientLatency | None = None,
    options: ChartOptions = ChartOptions(),
    spec: Spec | None = None,
) -> Report:
    """``report`` with the charts of its window, thresholds taken from its objectives."""
    series = build_timeseries(
        source,
        window,
        resolver=resolver,
        objectives=report.objectives,
        client_p95=client_p95,
        options=options,
        spec=spec,
    )
    return report.model_copy(update={"timeseries": series})
