"""The sample store's columns: one metric's samples, appended per scrape, sorted per query.

Internals of :class:`slo.sources.samples.SampleStore`. A :class:`Metric` takes each scrape's
samples into ``array`` buffers (cheap per scrape); :func:`current_timeline` ranks the scrape
timestamps and :func:`current_columns` turns a metric's buffers into an immutable
:class:`Columns` snapshot sorted by (series, scrape rank), with the values lost at counter
resets. Both rebuild only when the store's version has moved on since their last snapshot.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = [
    "SERIES_BITS",
    "Columns",
    "Floats",
    "Ints",
    "LabelsKey",
    "Metric",
    "Timeline",
    "current_columns",
    "current_timeline",
]

LabelsKey = tuple[tuple[str, str], ...]
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

SERIES_BITS: Final = 32  # sort key = series index << 32 | scrape rank


class Metric:
    """One sample name: its series and its appended, unsorted samples."""

    __slots__ = ("columns", "labels", "rows", "series", "sids", "values")

    def __init__(self) -> None:
        self.series: dict[LabelsKey, int] = {}
        self.labels: list[dict[str, str]] = []
        self.rows = array("q")
        self.sids = array("q")
        self.values = array("d")
        self.columns: Columns | None = None


@dataclass(frozen=True)
class Timeline:
    """Scrape timestamps sorted, and where each row landed in that order."""

    version: int
    ts: list[float]
    rank_of_row: Ints
    first_target_rank: int  # first scrape that returned an exposition (len(ts) if none)


@dataclass(frozen=True)
class Columns:
    """One metric's samples sorted by (series, time); an immutable snapshot."""

    version: int
    n_series: int
    key: Ints  # series << 32 | scrape rank, strictly increasing
    value: Floats
    lost: Floats  # per sample: the values dropped at resets of its series up to it
    first_rank: Ints  # per series


def current_timeline(
    cached: Timeline | None, version: int, row_ts: Sequence[float], saw_target: Sequence[bool]
) -> Timeline:
    """The timeline of the rows at ``version``: ``cached`` if it is that version's."""
    if cached is not None and cached.version == version:
        return cached
    ts = np.array(row_ts, dtype=np.float64)
    order = np.argsort(ts, kind="stable")
    rank_of_row = np.empty(len(order), dtype=np.int64)
    rank_of_row[order] = np.arange(len(order), dtype=np.int64)
    saw = np.array(saw_target, dtype=bool)[order]
    first_target = int(np.argmax(saw)) if saw.any() else len(order)
    return Timeline(version, ts[order].tolist(), rank_of_row, first_target)


def current_columns(metric: Metric, timeline: Timeline) -> Columns:
    """``metric``'s columns at ``timeline``'s version, rebuilt (and kept) when out of date."""
    if metric.columns is not None and metric.columns.version == timeline.version:
        return metric.columns
    rows = np.array(metric.rows, dtype=np.int64)
    sids = np.array(metric.sids, dtype=np.int64)
    values = np.array(metric.values, dtype=np.float64)
    key = (sids << SERIES_BITS) | timeline.rank_of_row[rows]
    order = np.argsort(key, kind="stable")
    key, values = key[order], values[order]
    last_write = np.append(key[1:] != key[:-1], True)  # a repeated series: last one wins
    key, values = key[last_write], values[last_write]
    sid = key >> SERIES_BITS
    same_series = np.append(False, sid[1:] == sid[:-1])
    previous = np.append(0.0, values[:-1])
    dropped = np.where(same_series & (values < previous), previous, 0.0)
    running = np.cumsum(dropped)
    n_series = len(metric.labels)
    starts = np.searchsorted(sid, np.arange(n_series, dtype=np.int64), side="left")
    lost = running - running[starts[sid]]  # dropped is 0 at each series' first sample
    first_rank = key[starts] & ((1 << SERIES_BITS) - 1)
    metric.columns = Columns(timeline.version, n_series, key, values, lost, first_rank)
    return metric.columns
