"""Scraped Prometheus samples kept in memory and queried like PromQL's ``increase`` and ``sum``.

The embedded source's data model. Each scrape is one *row* (its unix timestamp); each sample
is appended to its metric's columns (``array`` buffers, cheap per scrape) and the columns are
turned into sorted numpy arrays only when a query needs them, once per change. Expositions
are read by prometheus_client's parser, once per *shape*: a scrape that differs from the
previous one only in its values reuses the parser's reading of each line (8x faster).

Semantics, chosen to be exact rather than extrapolated:

- Samples are stored under their *sample* name, the one PromQL sees (``http_requests_total``,
  ``http_request_duration_seconds_bucket``; a counter exposed without ``_total`` keeps its
  name); ``_created`` series are dropped. A label whose value is ``""`` is the same as an
  absent label, as in Prometheus. Exposition timestamps are ignored: a sample is at its
  scrape's time.
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
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
from prometheus_client.parser import text_string_to_metric_families

__all__ = ["Matcher", "Sample", "SampleStore", "parse_exposition"]

Sample = tuple[str, Mapping[str, str], float]
"""``(sample name, labels, value)``, what :meth:`SampleStore.add_samples` takes."""

_LabelsKey = tuple[tuple[str, str], ...]
_Ints = npt.NDArray[np.int64]
_Floats = npt.NDArray[np.float64]

MATCH_OPS: Final = ("=", "!=", "=~", "!~")
_SERIES_BITS: Final = 32  # sort key = series index << 32 | scrape rank
_CREATED_PARENTS: Final = frozenset({"counter", "histogram", "summary", "gaugehistogram"})
_COUNTER_TYPE_LINE: Final = re.compile(r"^#\s*TYPE\s+(\S+)\s+counter\s*$", re.MULTILINE)


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
        if self.op not in MATCH_OPS:
            raise ValueError(
                f"matcher {self.name}{self.op}{self.value!r}: operator must be one of "
                f"{', '.join(MATCH_OPS)}"
            )
        if self.op in ("=~", "!~"):
            try:
                _regex(self.value)
            except re.error as exc:
                raise ValueError(
                    f"matcher {self.name}{self.op}{self.value!r}: invalid regex: {exc}"
                ) from None

    def matches(self, labels: Mapping[str, str]) -> bool:
        actual = labels.get(self.name, "")
        if self.op == "=":
            return actual == self.value
        if self.op == "!=":
            return actual != self.value
        found = _regex(self.value).fullmatch(actual) is not None
        return found if self.op == "=~" else not found


def parse_exposition(text: str) -> list[Sample]:
    """The samples of a Prometheus text exposition, by sample name, ``_created`` dropped.

    ``ValueError`` when the text is not an exposition.
    """
    return [sample for sample in _parse_lines(text) if sample is not None]


def _parse_lines(text: str) -> list[Sample | None]:
    """One entry per sample line, in order (the parser keeps it); None: a dropped line."""
    # prometheus_client renames the samples of a counter declared without ``_total``
    # (``# TYPE jobs counter`` / ``jobs 3``) to ``jobs_total``; PromQL would see ``jobs``.
    bare_counters = {
        name for name in _COUNTER_TYPE_LINE.findall(text) if not name.endswith("_total")
    }
    try:
        families = list(text_string_to_metric_families(text))
    except (ValueError, IndexError) as exc:
        raise ValueError(f"not a Prometheus text exposition ({exc or type(exc).__name__})") from exc
    parents = {family.name for family in families if family.type in _CREATED_PARENTS}
    samples: list[Sample | None] = []
    for family in families:
        restore = family.type == "counter" and family.name in bare_counters
        for sample in family.samples:
            name = sample.name
            if name.endswith("_created") and name[: -len("_created")] in parents:
                samples.append(None)
                continue
            if restore and name == family.name + "_total":
                name = family.name
            samples.append((name, sample.labels, float(sample.value)))
    return samples


def _split_sample_line(line: str) -> tuple[str, float] | None:
    """``(series text, value)`` of a plain sample line; None when the parser must judge."""
    brace = line.rfind("}")  # values and timestamps never contain one
    if brace >= 0:
        series, rest = line[: brace + 1], line[brace + 1 :]
    else:
        series, _, rest = line.partition(" ")
    fields = rest.split()
    if len(fields) != 1 or "_" in fields[0]:  # a timestamp, or what the parser rejects
        return None
    try:
        return series, float(fields[0])
    except ValueError:
        return None


class _MemoParser:
    """:func:`parse_exposition` that asks prometheus_client once per exposition *shape*.

    Between scrapes of one target usually only the values change. When an exposition has
    exactly the lines of the previous one parsed (same comments, same series texts, same
    order) but for the values, the parser's verdict on each line is reused with the new
    value; any other text is parsed whole and becomes the reference.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._shape: list[str] = []
        self._verdicts: list[tuple[str, Mapping[str, str]] | None] = []
        self.full_parses = 0

    def parse(self, text: str) -> list[Sample]:
        shape: list[str] = []
        values: list[float] = []
        plain = True
        for raw in text.split("\n"):  # how the parser splits lines
            line = raw.strip()
            if not line or line.startswith("#"):
                shape.append(line)
                continue
            split = _split_sample_line(line)
            if split is None:
                plain = False
                break
            shape.append(split[0])
            values.append(split[1])
        with self._lock:
            if plain and shape == self._shape:
                return [
                    (verdict[0], verdict[1], value)
                    for verdict, value in zip(self._verdicts, values, strict=True)
                    if verdict is not None
                ]
            parsed = _parse_lines(text)
            self.full_parses += 1
            if plain and len(parsed) == len(values):
                self._shape = shape
                self._verdicts = [None if s is None else (s[0], s[1]) for s in parsed]
        return [sample for sample in parsed if sample is not None]


def _labels_key(labels: Mapping[str, str]) -> _LabelsKey:
    return tuple(sorted((k, v) for k, v in labels.items() if v != ""))


class _Metric:
    """One sample name: its series and its appended, unsorted samples."""

    __slots__ = ("columns", "labels", "rows", "series", "sids", "values")

    def __init__(self) -> None:
        self.series: dict[_LabelsKey, int] = {}
        self.labels: list[dict[str, str]] = []
        self.rows = array("q")
        self.sids = array("q")
        self.values = array("d")
        self.columns: _Columns | None = None


@dataclass(frozen=True)
class _Timeline:
    """Scrape timestamps sorted, and where each row landed in that order."""

    version: int
    ts: list[float]
    rank_of_row: _Ints
    first_target_rank: int  # first scrape that returned an exposition (len(ts) if none)


@dataclass(frozen=True)
class _Columns:
    """One metric's samples sorted by (series, time); an immutable snapshot."""

    version: int
    n_series: int
    key: _Ints  # series << 32 | scrape rank, strictly increasing
    value: _Floats
    lost: _Floats  # per sample: the values dropped at resets of its series up to it
    first_rank: _Ints  # per series


@dataclass(frozen=True)
class _Slices:
    """The samples of some series inside a window: indexes into a :class:`_Columns`."""

    sids: _Ints
    first: _Ints  # first sample at or after start
    last: _Ints  # last sample at or before end (< first: none in the window)
    base: _Ints  # last sample at or before start (-1: none)


class SampleStore:
    """Thread-safe store of one target's scrapes; see the module docstring for semantics."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version = 0
        self._metrics: dict[str, _Metric] = {}
        self._row_ts: list[float] = []
        self._row_of_ts: dict[float, int] = {}
        self._row_saw_target: list[bool] = []
        self._timeline: _Timeline | None = None
        self._parser = _MemoParser()

    # -- ingestion -------------------------------------------------------------------

    def add_scrape(self, ts: float, text: str, *, extra: Iterable[Sample] = ()) -> None:
        """Store a text exposition scraped at ``ts``, with ``extra`` samples (``up``...)."""
        samples = self._parser.parse(text)
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
                    metric = self._metrics[name] = _Metric()
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
        self,
        metric: str,
        matchers: Sequence[Matcher],
        start: float,
        end: float,
        by: Sequence[str] = (),
    ) -> dict[tuple[str, ...], float]:
        """Sum of the increases of matching series in ``[start, end]``, keyed by ``by`` values.

        ``{}`` when no matching series has a sample in the window.
        """
        found = self._select(metric, matchers, start, end)
        if found is None:
            return {}
        timeline, columns, labels, where = found
        inside = where.last >= where.first
        sids, first, last, base = (
            where.sids[inside],
            where.first[inside],
            where.last[inside],
            where.base[inside],
        )
        # No sample at or before start: a series created since the first successful scrape
        # starts from 0 (base value 0, nothing lost); any other starts at its first sample.
        is_new = (base < 0) & (columns.first_rank[sids] > timeline.first_target_rank)
        base = np.where(base >= 0, base, first)
        base_value = np.where(is_new, 0.0, columns.value[base])
        base_lost = np.where(is_new, 0.0, columns.lost[base])
        increase = (columns.value[last] - base_value) + (columns.lost[last] - base_lost)
        totals: dict[tuple[str, ...], float] = {}
        for sid, amount in zip(sids.tolist(), increase.tolist(), strict=True):
            group = tuple(labels[sid].get(name, "") for name in by)
            totals[group] = totals.get(group, 0.0) + amount
        return totals

    def gauge_values(
        self,
        metric: str,
        matchers: Sequence[Matcher],
        start: float,
        end: float,
        by: Sequence[str] = (),
    ) -> pd.DataFrame:
        """Per scrape in ``[start, end]``, the sum over matching series, one column per group.

        Columns: ``ts``, then ``value`` when ``by`` is empty, else one per group of ``by``
        values joined with ``","`` (sorted). A scrape where no matching series has a sample
        gets no row; a group absent from a scrape that has a row is NaN there. A NaN sample
        makes its group's sum NaN, as in PromQL.
        """
        empty = pd.DataFrame({"ts": np.empty(0), **({"value": np.empty(0)} if not by else {})})
        found = self._select(metric, matchers, start, end)
        if found is None:
            return empty
        timeline, columns, labels, where = found
        inside = where.last >= where.first
        if not inside.any():
            return empty
        sids, first, last = where.sids[inside], where.first[inside], where.last[inside]
        names = [",".join(labels[sid].get(n, "") for n in by) if by else "value" for sid in sids]
        groups = sorted(set(names))
        column_of = {name: i for i, name in enumerate(groups)}
        group_of = np.array([column_of[name] for name in names], dtype=np.int64)
        counts = last - first + 1
        picks = np.concatenate([np.arange(a, b + 1) for a, b in zip(first, last, strict=True)])
        lo = bisect.bisect_left(timeline.ts, start)
        hi = bisect.bisect_right(timeline.ts, end)
        rows = (columns.key[picks] & ((1 << _SERIES_BITS) - 1)) - lo
        cols = np.repeat(group_of, counts)
        sums = np.zeros((hi - lo, len(groups)))
        present = np.zeros((hi - lo, len(groups)), dtype=np.int64)
        np.add.at(sums, (rows, cols), columns.value[picks])
        np.add.at(present, (rows, cols), 1)
        sums[present == 0] = np.nan
        keep = present.sum(axis=1) > 0
        frame = pd.DataFrame(sums[keep], columns=groups)
        frame.insert(0, "ts", np.asarray(timeline.ts[lo:hi], dtype=np.float64)[keep])
        return frame

    # -- internals -------------------------------------------------------------------

    def _select(
        self, metric: str, matchers: Sequence[Matcher], start: float, end: float
    ) -> tuple[_Timeline, _Columns, list[dict[str, str]], _Slices] | None:
        if not end >= start:
            raise ValueError(f"window end {end} is before its start {start}")
        with self._lock:
            found = self._metrics.get(metric)
            if found is None:
                return None
            timeline = self._current_timeline()
            columns = self._current_columns(found, timeline)
            labels = found.labels[: columns.n_series]
        sids = np.array(
            [sid for sid, lab in enumerate(labels) if all(m.matches(lab) for m in matchers)],
            dtype=np.int64,
        )
        if sids.size == 0:
            return None
        lo = bisect.bisect_left(timeline.ts, start)  # ranks >= lo: ts >= start
        hi = bisect.bisect_right(timeline.ts, end)  # ranks < hi: ts <= end
        at_start = bisect.bisect_right(timeline.ts, start)  # ranks < at_start: ts <= start
        series = sids << _SERIES_BITS
        first = np.searchsorted(columns.key, series | lo, side="left")
        last = np.searchsorted(columns.key, series | hi, side="left") - 1
        base = np.searchsorted(columns.key, series | at_start, side="left") - 1
        base_in_series = (base >= 0) & ((columns.key[np.maximum(base, 0)] >> _SERIES_BITS) == sids)
        base = np.where(base_in_series, base, -1)
        return timeline, columns, labels, _Slices(sids, first, last, base)

    def _current_timeline(self) -> _Timeline:
        if self._timeline is not None and self._timeline.version == self._version:
            return self._timeline
        row_ts = np.array(self._row_ts, dtype=np.float64)
        order = np.argsort(row_ts, kind="stable")
        rank_of_row = np.empty(len(order), dtype=np.int64)
        rank_of_row[order] = np.arange(len(order), dtype=np.int64)
        saw = np.array(self._row_saw_target, dtype=bool)[order]
        first_target = int(np.argmax(saw)) if saw.any() else len(order)
        self._timeline = _Timeline(self._version, row_ts[order].tolist(), rank_of_row, first_target)
        return self._timeline

    def _current_columns(self, metric: _Metric, timeline: _Timeline) -> _Columns:
        if metric.columns is not None and metric.columns.version == timeline.version:
            return metric.columns
        rows = np.array(metric.rows, dtype=np.int64)
        sids = np.array(metric.sids, dtype=np.int64)
        values = np.array(metric.values, dtype=np.float64)
        key = (sids << _SERIES_BITS) | timeline.rank_of_row[rows]
        order = np.argsort(key, kind="stable")
        key, values = key[order], values[order]
        last_write = np.append(key[1:] != key[:-1], True)  # a repeated series: last one wins
        key, values = key[last_write], values[last_write]
        sid = key >> _SERIES_BITS
        same_series = np.append(False, sid[1:] == sid[:-1])
        previous = np.append(0.0, values[:-1])
        dropped = np.where(same_series & (values < previous), previous, 0.0)
        running = np.cumsum(dropped)
        n_series = len(metric.labels)
        starts = np.searchsorted(sid, np.arange(n_series, dtype=np.int64), side="left")
        lost = running - running[starts[sid]]  # dropped is 0 at each series' first sample
        first_rank = key[starts] & ((1 << _SERIES_BITS) - 1)
        metric.columns = _Columns(timeline.version, n_series, key, values, lost, first_rank)
        return metric.columns
