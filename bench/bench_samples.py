"""Benchmark of the embedded sample store: parse and ingest times, query times.

Simulates ``--scrapes`` 1 s scrapes (default 3600, one hour) of a target exposing about
``--series`` series (default 300) with the DESIGN metric names, the service restarting
halfway, and prints figures; it asserts nothing about speed. Ingest is what ``add_scrape``
does, timed in its two parts: parsing the exposition, then storing its samples.

    python bench/bench_samples.py [--scrapes 3600] [--series 300]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from typing import TypeVar

from slo.sources import Matcher, SampleStore, parse_exposition

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

    # What add_scrape does, in its two parts, each timed over the whole run.
    store = SampleStore()
    parse_took = store_took = 0.0
    for k, text in enumerate(texts):
        began = time.perf_counter()
        samples = parse_exposition(text)
        parsed = time.perf_counter()
        store.add_samples(T0 + k, samples)
        parse_took += parsed - began
        store_took += time.perf_counter() - parsed
    took = parse_took + store_took
    print(
        f"ingest (add_scrape), run:  {took:6.2f} s  {args.scrapes / took:7.0f} scrapes/s  "
        f"{n_samples / took:10,.0f} samples/s  {1000 * took / args.scrapes:5.2f} ms/scrape"
    )
    print(f"  parse (parse_exposition): {1000 * parse_took / args.scrapes:5.2f} ms/scrape")
    print(f"  store (add_samples):      {1000 * store_took / args.scrapes:5.2f} ms/scrape")

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
