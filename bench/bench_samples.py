"""Benchmark of the embedded sample store: ingest throughput and query times.

Simulates ``--scrapes`` 1 s scrapes (default 3600, one hour) of a target exposing about
``--series`` series (default 300) with the DESIGN metric names, the service restarting
halfway, and prints figures; it asserts nothing about speed.

    python bench/bench_samples.py [--scrapes 3600] [--series 300]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from typing import TypeVar

from slo.sources.samples import Matcher, SampleStore, parse_exposition

T = TypeVar("T")
T0 = 1_767_225_600.0
PATHS = ["/models", "/models/{model_id}", "/gateways", "/gateways/{slug}", "/health", "/ready"]
STATUSES = ["200", "404", "499", "500", "504"]
EDGES = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.2", "0.5", "1.0", "2.5", "5.0", "+Inf"]
TABLES = ["models", "gateways", "providers", "prices", "tags"]


def series_layout(target: int) -> list[tuple[str, str, str]]:
    """(family type, sample name, labels text) for about ``target`` series."""
    rows: list[tuple[str, str, str]] = []
    for path in PATHS:
        for status in STATUSES:
            labels = f'method="GET",path="{path}",status="{status}"'
            rows.append(("counter", "http_requests_total", labels))
        for edge in EDGES:
            labels = f'le="{edge}",method="GET",path="{path}"'
            rows.append(("histogram", "http_request_duration_seconds_bucket", labels))
        rows.append(
            ("histogram", "http_request_duration_seconds_count", f'method="GET",path="{path}"')
        )
        rows.append(
            ("histogram", "http_request_duration_seconds_sum", f'method="GET",path="{path}"')
        )
    for client in ("primary", "replica"):
        for table in TABLES:
            rows.append(("counter", "db_queries_total", f'client_type="{client}",table="{table}"'))
        rows.append(("gauge", "connection_pool_utilization", f'client_type="{client}"'))
        rows.append(("gauge", "connection_pool_size", f'client_type="{client}"'))
        rows.append(("counter", "connection_pool_busy_seconds_total", f'client_type="{client}"'))
    gateway = 0
    while len(rows) < target:
        for name in ("catalog_cache_hits_total", "catalog_cache_misses_total"):
            rows.append(("counter", name, f'gateway="gw-{gateway:03d}"'))
        gateway += 1
    return rows


def expositions(layout: list[tuple[str, str, str]], scrapes: int) -> list[str]:
    """One exposition text per scrape; counters restart from 0 halfway through."""
    rng = random.Random(7)
    values = [0.0] * len(layout)
    texts = []
    for k in range(scrapes):
        if k == scrapes // 2:
            values = [0.0] * len(layout)
        lines = [
            "# HELP http_requests_total Total HTTP requests.",
            "# TYPE http_requests_total counter",
        ]
        for i, (kind, name, labels) in enumerate(layout):
            if kind == "gauge":
                values[i] = round(rng.random(), 3)
            else:
                values[i] += rng.randint(0, 20)
            lines.append(f"{name}{{{labels}}} {values[i]}")
        texts.append("\n".join(lines) + "\n")
    return texts


def timed(action: Callable[[], T]) -> tuple[T, float]:
    began = time.perf_counter()
    result = action()
    return result, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scrapes", type=int, default=3600)
    parser.add_argument("--series", type=int, default=300)
    args = parser.parse_args()

    layout = series_layout(args.series)
    texts = expositions(layout, args.scrapes)
    n_samples = len(layout) * args.scrapes
    print(f"{args.scrapes} scrapes x {len(layout)} series = {n_samples:,} samples")

    store = SampleStore()

    def ingest() -> None:
        for k, text in enumerate(texts):
            store.add_scrape(T0 + k, text)

    _, took = timed(ingest)
    print(
        f"add_scrape, whole run:     {took:6.2f} s  {args.scrapes / took:7.0f} scrapes/s  "
        f"{n_samples / took:10,.0f} samples/s  {1000 * took / args.scrapes:5.2f} ms/scrape"
    )
    # For comparison: a full prometheus_client parse of every scrape (what add_scrape does
    # only when the exposition's shape changes, e.g. a new series appears).
    sample = texts[: min(len(texts), 300)]
    _, took = timed(lambda: [parse_exposition(text) for text in sample])
    print(f"full parse of one scrape (prometheus_client): {1000 * took / len(sample):.2f} ms")

    end = T0 + args.scrapes - 1
    models = [Matcher("path", "=~", "/models.*")]
    queries: list[tuple[str, Callable[[], object]]] = [
        (
            "http_requests_total by status",
            lambda: store.counter_increase("http_requests_total", [], T0, end, by=("status",)),
        ),
        (
            "buckets by le, path=~/models.*",
            lambda: store.counter_increase(
                "http_request_duration_seconds_bucket", models, T0, end, by=("le",)
            ),
        ),
        (
            "cache hits, every gateway",
            lambda: store.counter_increase("catalog_cache_hits_total", [], T0, end),
        ),
        (
            "gauge_values pool by client_type",
            lambda: store.gauge_values(
                "connection_pool_utilization", [], T0, end, by=("client_type",)
            ),
        ),
    ]
    print(f"{'query over the whole run':34s} {'first (builds)':>15s} {'cached':>10s}")
    for label, query in queries:
        _, first = timed(query)
        _, again = timed(query)
        print(f"{label:34s} {1000 * first:12.2f} ms {1000 * again:7.2f} ms")

    slices = [(T0 + s, T0 + s + 60) for s in range(0, args.scrapes - 60, 60)]

    def per_minute() -> None:
        for start, stop in slices:
            store.counter_increase("http_requests_total", [], start, stop, by=("status",))

    _, took = timed(per_minute)
    print(
        f"{'increase per 1-min slice (' + str(len(slices)) + ' slices)':42s} "
        f"{1000 * took / max(len(slices), 1):8.2f} ms/slice"
    )


if __name__ == "__main__":
    main()
