"""The sample store: scraped Prometheus samples kept in memory, queried like PromQL.

The embedded source's data model, with PromQL's ``increase`` and ``sum`` as queries. Each
scrape is one *row* (its unix timestamp); each sample is appended to its metric's columns
(``array`` buffers, cheap per scrape) and the columns are turned into sorted numpy arrays
only when a query needs them, once per change (:mod:`slo.sources.columns`). Expositions
are read into samples by :mod:`slo.sources.exposition`.

Semantics, chosen to be exact rather than extrapolated:

- Samples are stored under their *sample* name, the one PromQL sees, ``_created`` series
  dropped (see :mod:`slo.sources.exposition`). A label whose value is ``""`` is the same as
  an absent label, as in Prometheus. A sample is at its scrape's time.
- ``counter_increase`` is the sum over matching series of ``last - base`` plus, at each drop
  (a counter reset), the value before the drop: the counter restarted from 0, so the value
  after a reset counts in full. The base is the series' last sample at or before ``start``;
  without one, its first sample in the window, except for a series that was absent from an
  earlier successful scrape in this store: it was created after the store started watching,
  so it starts from 0 and its first value counts in full (Prometheus would have seen the
  zero the service pre-creates). A series takes part only if it has a sample in
  ``[start, end]``.
- Counter values are not checked for NaN: a NaN sample at either end of the window makes
  that series' increase NaN, which the caller must treat as no data.
- One store holds one target; scrapes may arrive in any order, and samples given at an
  existing timestamp join that scrape (a repeated series keeps its last value).
"""

from __future__ import annotations

import bisect
import math
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import numpy as np
import pandas as pd

from slo.sources.columns import (
    SERIES_BITS,
    Columns,
    Ints,
    LabelsKey,
    Metric,
    Timeline,
    current_columns,
    current_timeline,
)
from slo.sources.exposition import Sample, parse_exposition

__all__ = ["Matcher", "Sample", "SampleStore"]

MATCH_OPS: Final = ("=", "!=", "=~", "!~")


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@dataclass(frozen=True)
class Matcher:
    """A PromQL label matcher: ``name op value``; regexes are fully anchored.

    A label the series lacks has the value ``""`` (so ``path!="/x"`` keeps series without
    ``path``, and ``path=~".*"`` matches every series).
    """

    name: str
    op: str
    value: str

    def __post_init__(self) -> None:
        where = f"matcher {self.name}{self.op}{self.value!r}"
        if self.op not in MATCH_OPS:
            raise ValueError(f"{where}: operator must be one of {', '.join(MATCH_OPS)}")
        if self.op in ("=~", "!~"):
            try:
                _regex(self.value)
            except re.error as exc:
                raise ValueError(f"{where}: invalid regex: {exc}") from None

    def matches(self, labels: Mapping[str, str]) -> bool:
        actual = labels.get(self.name, "")
        if self.op == "=":
            return actual == self.value
        if self.op == "!=":
            return actual != self.value
        found = _regex(self.value).fullmatch(actual) is not None
        return found if self.op == "=~" else not found


_Matchers = Sequence[Matcher]


def _labels_key(labels: Mapping[str, str]) -> LabelsKey:
    return tuple(sorted((k, v) for k, v in labels.items() if v != ""))


@dataclass(frozen=True)
class _Window:
    """The matching series with samples in ``[start, end]``: indexes into ``columns``."""

    timeline: Timeline
    columns: Columns
    labels: list[dict[str, str]]  # by series index
    lo: int  # first scrape rank at or after start
    hi: int  # one past the last scrape rank at or before end
    sids: Ints
    first: Ints  # first sample at or after start
    last: Ints  # last sample at or before end (>= first)
    base: Ints  # last sample at or before start (-1: none)


class SampleStore:
    """Thread-safe store of one target's scrapes; see the module docstring for semantics."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version = 0
        self._metrics: dict[str, Metric] = {}
        self._row_ts: list[float] = []
        self._row_of_ts: dict[float, int] = {}
        self._row_saw_target: list[bool] = []
        self._timeline: Timeline | None = None

    # -- ingestion -------------------------------------------------------------------

    def add_scrape(self, ts: float, text: str, *, extra: Iterable[Sample] = ()) -> None:
        """Store a text exposition scraped at ``ts``, with ``extra`` samples (``up``...)."""
        samples = parse_exposition(text)
        samples.extend(extra)
        self._add(ts, samples, saw_target=True)

    def add_samples(self, ts: float, samples: Iterable[Sample]) -> None:
        """Store samples taken at ``ts`` as one successful scrape."""
        self._add(ts, list(samples), saw_target=True)

    def add_failed_scrape(self, ts: float, *, extra: Iterable[Sample] = ()) -> None:
        """Record a scrape at ``ts`` that returned nothing, with ``extra`` samples (``up`` 0).

        Unlike an empty exposition, it does not count as a scrape where the target's series
        were absent, so it never makes a series "new" (counted from 0).
        """
        self._add(ts, list(extra), saw_target=False)

    def _add(self, ts: float, samples: list[Sample], *, saw_target: bool) -> None:
        ts = float(ts)
        if not math.isfinite(ts):
            raise ValueError(f"scrape timestamp must be finite unix seconds, got {ts}")
        prepared = [(name, _labels_key(labels), float(value)) for name, labels, value in samples]
        with self._lock:
            row = self._row_of_ts.get(ts)
            if row is None:
                row = len(self._row_ts)
                self._row_of_ts[ts] = row
                self._row_ts.append(ts)
                self._row_saw_target.append(saw_target)
            elif saw_target:
                self._row_saw_target[row] = True
            for name, key, value in prepared:
                metric = self._metrics.get(name)
                if metric is None:
                    metric = self._metrics[name] = Metric()
                sid = metric.series.get(key)
                if sid is None:
                    sid = metric.series[key] = len(metric.labels)
                    metric.labels.append(dict(key))
                metric.rows.append(row)
                metric.sids.append(sid)
                metric.values.append(value)
            self._version += 1

    # -- catalogue -------------------------------------------------------------------

    def metric_names(self) -> set[str]:
        with self._lock:
            return set(self._metrics)

    def series_labels(self, metric: str) -> list[dict[str, str]]:
        """Every series of ``metric`` ever stored, sorted by labels; [] for an unknown one."""
        with self._lock:
            found = self._metrics.get(metric)
            keys = list(found.series) if found is not None else []
        return [dict(key) for key in sorted(keys)]

    def time_range(self) -> tuple[float, float] | None:
        """First and last scrape (failed ones included); None before any."""
        with self._lock:
            if not self._row_ts:
                return None
            return min(self._row_ts), max(self._row_ts)

    # -- queries ---------------------------------------------------------------------

    def counter_increase(
        self, metric: str, matchers: _Matchers, start: float, end: float, by: Sequence[str] = ()
    ) -> dict[tuple[str, ...], float]:
        """Sum of the increases of matching series in ``[start, end]``, keyed by ``by`` values.

        ``{}`` when no matching series has a sample in the window.
        """
        at = self._window(metric, matchers, start, end)
        if at is None:
            return {}
        columns = at.columns
        # No sample at or before start: a series created since the first successful scrape
        # starts from 0 (base value 0, nothing lost); any other starts at its first sample.
        is_new = (at.base < 0) & (columns.first_rank[at.sids] > at.timeline.first_target_rank)
        base = np.where(at.base >= 0, at.base, at.first)
        base_value = np.where(is_new, 0.0, columns.value[base])
        base_lost = np.where(is_new, 0.0, columns.lost[base])
        increase = (columns.value[at.last] - base_value) + (columns.lost[at.last] - base_lost)
        totals: dict[tuple[str, ...], float] = {}
        for sid, amount in zip(at.sids.tolist(), increase.tolist(), strict=True):
            group = tuple(at.labels[sid].get(name, "") for name in by)
            totals[group] = totals.get(group, 0.0) + amount
        return totals

    def gauge_values(
        self, metric: str, matchers: _Matchers, start: float, end: float, by: Sequence[str] = ()
    ) -> pd.DataFrame:
        """Per scrape in ``[start, end]``, the sum over matching series, one column per group.

        Columns: ``ts``, then ``value`` when ``by`` is empty, else one per group of ``by``
        values joined with ``","`` (sorted). A scrape where no matching series has a sample
        gets no row; a group absent from a scrape that has a row is NaN there. A NaN sample
        makes its group's sum NaN, as in PromQL.
        """
        at = self._window(metric, matchers, start, end)
        if at is None:
            return pd.DataFrame({"ts": np.empty(0), **({"value": np.empty(0)} if not by else {})})
        labels = at.labels
        names = [",".join(labels[sid].get(n, "") for n in by) if by else "value" for sid in at.sids]
        groups = sorted(set(names))
        column_of = {name: i for i, name in enumerate(groups)}
        group_of = np.array([column_of[name] for name in names], dtype=np.int64)
        counts = at.last - at.first + 1
        picks = np.concatenate(
            [np.arange(a, b + 1) for a, b in zip(at.first, at.last, strict=True)]
        )
        rows = (at.columns.key[picks] & ((1 << SERIES_BITS) - 1)) - at.lo
        cols = np.repeat(group_of, counts)
        sums = np.zeros((at.hi - at.lo, len(groups)))
        present = np.zeros((at.hi - at.lo, len(groups)), dtype=np.int64)
        np.add.at(sums, (rows, cols), at.columns.value[picks])
        np.add.at(present, (rows, cols), 1)
        sums[present == 0] = np.nan
        keep = present.sum(axis=1) > 0
        frame = pd.DataFrame(sums[keep], columns=groups)
        frame.insert(0, "ts", np.asarray(at.timeline.ts[at.lo : at.hi], dtype=np.float64)[keep])
        return frame

    # -- internals -------------------------------------------------------------------

    def _window(self, metric: str, matchers: _Matchers, start: float, end: float) -> _Window | None:
        """The series of ``metric`` that match, restricted to those with samples in the window.

        None when there are none (an unknown metric, no match, no sample in the window).
        """
        if not end >= start:
            raise ValueError(f"window end {end} is before its start {start}")
        with self._lock:
            found = self._metrics.get(metric)
            if found is None:
                return None
            timeline = self._timeline = current_timeline(
                self._timeline, self._version, self._row_ts, self._row_saw_target
            )
            columns = current_columns(found, timeline)
            labels = found.labels[: columns.n_series]
        sids = np.array(
            [sid for sid, lab in enumerate(labels) if all(m.matches(lab) for m in matchers)],
            dtype=np.int64,
        )
        lo = bisect.bisect_left(timeline.ts, start)  # ranks >= lo: ts >= start
        hi = bisect.bisect_right(timeline.ts, end)  # ranks < hi: ts <= end
        at_start = bisect.bisect_right(timeline.ts, start)  # ranks < at_start: ts <= start
        series = sids << SERIES_BITS
        first = np.searchsorted(columns.key, series | lo, side="left")
        last = np.searchsorted(columns.key, series | hi, side="left") - 1
        base = np.searchsorted(columns.key, series | at_start, side="left") - 1
        base_in_series = (base >= 0) & ((columns.key[np.maximum(base, 0)] >> SERIES_BITS) == sids)
        base = np.where(base_in_series, base, -1)
        inside = last >= first
        if not inside.any():
            return None
        picked = (sids[inside], first[inside], last[inside], base[inside])
        return _Window(timeline, columns, labels, lo, hi, *picked)
