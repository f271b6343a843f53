"""A real VictoriaMetrics (single node) loaded with the golden datasets.

The samples go in through VictoriaMetrics' JSON line import (``/api/v1/import``), one line
per series with millisecond timestamps, then ``/internal/force_flush`` makes them
searchable at once. The server listens on 127.0.0.1 on a free port, keeps its data in the
given temp dir, and is stopped when the generator closes.
"""

from __future__ import annotations

import json
import math
import shutil
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "slo"))

from golden_data import Dataset
from slo_prometheus import _free_port, serving

BINARY = "victoria-metrics"  # Debian's package `victoria-metrics` (make bootstrap)


def import_lines(datasets: dict[str, Dataset]) -> str:
    """Every series of the datasets as VictoriaMetrics' JSON lines."""
    by_series: dict[tuple[str, tuple[tuple[str, str], ...]], list[tuple[float, float]]] = {}
    for ds in datasets.values():
        for key, points in ds.samples.items():
            by_series.setdefault(key, []).extend(points)
    lines = []
    for (name, labels), points in sorted(by_series.items()):
        ordered = sorted(points)
        # JSON has no NaN; the datasets imported here have none.
        assert all(math.isfinite(v) for _, v in ordered), f"{name}: NaN cannot be imported"
        lines.append(
            json.dumps(
                {
                    "metric": {"__name__": name, **dict(labels)},
                    "values": [v for _, v in ordered],
                    "timestamps": [round(ts * 1000) for ts, _ in ordered],
                }
            )
        )
    return "\n".join(lines) + "\n"


def run_victoriametrics(
    tmp: Path, datasets: dict[str, Dataset], *, flags: Sequence[str] = ()
) -> Iterator[str]:
    """Start VictoriaMetrics on fresh storage, import the datasets, yield the URL, stop it.

    ``-retentionPeriod=100y``: the datasets are dated 2026-01, and the default retention
    (one month before now) would drop them at import.
    """
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [
        shutil.which(BINARY) or BINARY,
        f"-storageDataPath={tmp / 'vm-data'}",
        f"-httpListenAddr=127.0.0.1:{port}",
        "-retentionPeriod=100y",
        *flags,
    ]
    with serving(argv, f"{url}/health", tmp / "victoria-metrics.log", "victoria-metrics"):
        response = httpx.post(f"{url}/api/v1/import", content=import_lines(datasets), timeout=30)
        response.raise_for_status()
        httpx.get(f"{url}/internal/force_flush", timeout=10).raise_for_status()
        yield url
