"""Both sources over the same stack run: Prometheus (scraping every second) and the embedded
scraper sample the same service during the same load; every staging SLI must agree.

Stated tolerances: ratios within 0.03 (absolute), pool utilization within 0.03 (absolute),
the p95 in the same histogram bucket. They absorb Prometheus's extrapolation of ``increase``
to the window edges, which the embedded store does not do, and the two scrapers' offsets.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Any

import httpx
import pytest

from reference_app.stack import StackInfo
from slo.evaluate import Window
from slo.slis import SliDef, build_sli
from slo.sources import (
    EmbeddedScraper,
    EmbeddedSource,
    PrometheusConfig,
    PrometheusSource,
    SampleStore,
)
from slo.spec import Resolver, default_spec_path, load_spec

LOAD_SECONDS = 30
URLS = ["/models?limit=10"] * 6 + ["/models?limit=10&offset=10", "/models?limit=5", "/gateways"]


def drive(base: str, seconds: float, workers: int = 4) -> None:
    stop = time.monotonic() + seconds

    def work() -> None:
        with httpx.Client(base_url=base, timeout=10) as client:
            while time.monotonic() < stop:
                client.get(random.choice(URLS))

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


@pytest.fixture(scope="module")
def same_run(stack: StackInfo) -> tuple[Window, PrometheusSource, EmbeddedSource]:
    store = SampleStore()
    scraper = EmbeddedScraper(stack.service_url.rstrip("/") + "/metrics", store, interval=1.0)
    scraper.start()
    try:
        time.sleep(2)
        start = time.time()
        drive(stack.service_url, LOAD_SECONDS)
        end = time.time()
        time.sleep(3)  # both scrapers have seen the end of the window
    finally:
        scraper.stop()
    prom = PrometheusSource(PrometheusConfig(url=stack.prometheus_url, timeout=10))
    return Window(start=start, end=end), prom, EmbeddedSource(store)


def staging_slis() -> list[tuple[str, SliDef]]:
    spec = load_spec(default_spec_path())
    found = []
    for o in spec.profiles["staging"].objectives:
        sli = build_sli(o.sli, Resolver(spec.metrics))
        if isinstance(sli, SliDef) and o.id != "no_timeout_errors_48h":
            found.append((o.id, sli))
    return found


@pytest.mark.parametrize(("objective", "sli"), staging_slis(), ids=[i for i, _ in staging_slis()])
def test_prometheus_and_the_embedded_source_agree_on_each_staging_sli(
    same_run: tuple[Window, PrometheusSource, EmbeddedSource], objective: str, sli: SliDef
) -> None:
    window, prom, embedded = same_run
    measured: dict[str, Any] = {}
    for name, source in (("prometheus", prom), ("embedded", embedded)):
        raw, _ = source.fetch(sli, window.start, window.end)
        measured[name] = sli.measure(raw, duration=window.duration)
    p, e = measured["prometheus"], measured["embedded"]
    assert p.value is not None and e.value is not None, (p, e)
    if sli.kind == "quantile":
        assert (p.lower, p.upper) == (e.lower, e.upper), (p, e)
    else:
        assert p.value == pytest.approx(e.value, abs=0.03), (p, e)
