"""The gate's reconciliation: Locust's request count against the server's."""

from __future__ import annotations

import pytest

from slo.evaluate import Evaluation, Window, evaluate
from slo.slis import AGGREGATED, ClientStats, EndpointStats, RawResult, RawSample, SliDef
from slo.spec import default_spec_path, load_spec

SPEC = load_spec(default_spec_path())
WINDOW = Window(start=1_000.0, end=1_060.0)


class CountingSource:
    """A server that counted `total` requests, `scrapes` of them on /metrics."""

    kind = "fake"
    description = "fake server"

    def __init__(self, total: float, scrapes: float) -> None:
        self.total, self.scrapes = total, scrapes

    def fetch(self, sli: SliDef, start: float, end: float) -> tuple[RawResult, dict[str, str]]:
        queries = sli.queries(window="60s", at=end)
        raw: RawResult = {}
        for name, query in queries.items():
            if 'path="/metrics"' in query:
                raw[name] = [RawSample(value=self.scrapes)]
            elif "http_requests_total" in query:
                raw[name] = [RawSample(value=self.total)]
            else:  # every other counter: enough events to judge
                raw[name] = [RawSample(value=500.0)]
        return raw, queries

    def fetch_slices(self, sli: SliDef, ends: list[float], size: float) -> list[RawResult]:
        return [{} for _ in ends]


def client(requests: int, requests_range: tuple[int, int] | None = None) -> ClientStats:
    row = EndpointStats(name=AGGREGATED, requests=requests, failures=0, mean_ms=5.0, rps=1.0)
    return ClientStats(start=WINDOW.start, end=WINDOW.end, rows={AGGREGATED: row},
                       requests_range=requests_range)  # fmt: skip


def agreement(source: CountingSource, stats: ClientStats) -> tuple[str, str]:
    report = evaluate(
        Evaluation(
            spec=SPEC,
            spec_label="phase1",
            profile="staging",
            window=WINDOW,
            source=source,
            client=stats,
        )
    )
    assert report.client is not None
    return report.objective("cache_hit_rate").reason, report.client.agreement


def test_the_servers_own_metrics_scrapes_are_not_counted_as_load() -> None:
    # 1000 requests from Locust plus 60 Prometheus scrapes: the same load.
    reason, text = agreement(CountingSource(total=1060, scrapes=60), client(1000))
    assert "server counted 1000" in text
    assert "tolerance" not in reason


@pytest.mark.parametrize(("server", "disagrees"), [(1040, False), (1100, True), (0, True)])
def test_a_gap_beyond_the_tolerance_makes_server_objectives_inconclusive(
    server: float, disagrees: bool
) -> None:
    reason, _ = agreement(CountingSource(total=server, scrapes=0), client(1000))
    assert ("more than the 5% tolerance" in reason) is disagrees


def test_a_gap_within_the_scrape_edges_is_not_a_disagreement() -> None:
    # 100 requests in the window, 80-120 when it is shrunk or grown by a scrape interval.
    reason, text = agreement(CountingSource(total=118, scrapes=0), client(100, (80, 120)))
    assert "tolerance" not in reason
    assert "80-120" in text
    reason, _ = agreement(CountingSource(total=140, scrapes=0), client(100, (80, 120)))
    assert "more than the 5% tolerance" in reason
