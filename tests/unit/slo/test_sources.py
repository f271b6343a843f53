"""Prometheus source error handling and the Locust stats format."""

from __future__ import annotations

from typing import Any

import pytest

from slo.errors import SourceError, SpecError
from slo.slis import AGGREGATED
from slo.sources import (
    STATS_VERSION,
    PrometheusConfig,
    PrometheusSource,
    stats_from_dict,
    stats_to_dict,
)


class Exploding:
    def __init__(self, message: str) -> None:
        self.message = message

    def custom_query(self, query: str, params: dict[str, str]) -> Any:
        raise ConnectionError(self.message)


def test_a_failing_query_is_a_source_error_with_every_secret_redacted() -> None:
    config = PrometheusConfig(
        url="https://bob:s3cret@prom.example/api",
        bearer_token="tok123",
        headers={"X-Scope-OrgID": "tenant-9"},
    )
    leak = "refused for bob:s3cret with Bearer tok123 tenant-9"
    source = PrometheusSource(config, client_factory=lambda c: Exploding(leak))
    with pytest.raises(SourceError) as caught:
        source.instant("up")
    text = str(caught.value)
    assert "prom.example" in text
    for secret in ("s3cret", "tok123", "tenant-9"):
        assert secret not in text


def test_instant_queries_always_send_a_timeout() -> None:
    sent: dict[str, str] = {}

    class Recording:
        def custom_query(self, query: str, params: dict[str, str]) -> Any:
            sent.update(params)
            return [{"metric": {"le": "0.1"}, "value": [1, "3"]}]

    source = PrometheusSource(
        PrometheusConfig(url="http://p", timeout=7), client_factory=lambda c: Recording()
    )
    assert source.instant("q")[0].value == 3.0
    assert sent["timeout"] == "7s"


def test_range_queries_send_fractional_slice_times_exactly_and_ask_for_no_cache() -> None:
    # prometheus-api-client rounds start and end to whole seconds: a window starting
    # mid-second would get every slice's answer at other times than its slices.
    sent: dict[str, Any] = {}

    class Recording:
        def custom_query_range(self, query: str, **kwargs: Any) -> Any:
            sent.update(kwargs["params"])
            return [{"metric": {}, "values": [[1000.25, "1"], [1002.75, "2"]]}]

    source = PrometheusSource(
        PrometheusConfig(url="http://p"), client_factory=lambda c: Recording()
    )
    found = source.range("q", start=1000.25, end=1002.75, step=2.5)
    assert (sent["start"], sent["end"], sent["nocache"]) == ("1000.250", "1002.750", "1")
    assert [s.value for s in found[1000.25]] == [1.0]
    assert [s.value for s in found[1002.75]] == [2.0]


ROW = {
    "name": AGGREGATED,
    "method": "",
    "num_requests": 10,
    "num_failures": 1,
    "avg_response_time": 5.0,
    "p95_response_time": None,
    "total_rps": 2.0,
}


def test_locust_stats_round_trip_through_the_documented_format() -> None:
    stats = stats_from_dict(
        {"version": STATS_VERSION, "start": "2026-01-01T00:00:00Z", "stats": [ROW]}
    )
    assert stats.total_requests == 10
    assert stats_from_dict(stats_to_dict(stats)) == stats


def test_a_stats_row_missing_a_field_names_the_row() -> None:
    broken = {k: v for k, v in ROW.items() if k != "num_failures"}
    with pytest.raises(SpecError, match=r"stats\[0\]"):
        stats_from_dict({"version": STATS_VERSION, "stats": [broken]})


class FakeEntry:
    """The attributes of Locust's ``StatsEntry`` that the conversion reads (importing
    locust here would monkey-patch the whole test session with gevent)."""

    def __init__(self, name: str, method: str, times: list[int], failures: int) -> None:
        self.name, self.method = name, method
        self.num_requests, self.num_failures = len(times), failures
        self.avg_response_time = sum(times) / len(times)
        self.total_rps = 999.0
        self._times = sorted(times)

    def get_response_time_percentile(self, q: float) -> int:
        return self._times[min(int(q * len(self._times)), len(self._times) - 1)]


class FakeStats:
    def __init__(self) -> None:
        self.total = FakeEntry("Aggregated", "", [12, 30], 1)
        self.entries = {("/models", "GET"): FakeEntry("/models", "GET", [12, 30], 1)}


def test_locust_s_in_process_stats_become_client_stats_over_the_measured_phase() -> None:
    from slo.sources import stats_from_locust

    found = stats_from_locust(FakeStats(), start=100.0, end=102.0)
    total = found.rows[AGGREGATED]
    assert (total.requests, total.failures, total.mean_ms, total.p95_ms, total.rps) == (
        2,
        1,
        21.0,
        30.0,
        1.0,
    )
    assert found.rows["/models"].method == "GET"


def test_without_a_measured_phase_locust_s_own_rps_is_kept() -> None:
    from slo.sources import stats_from_locust

    assert stats_from_locust(FakeStats()).rows[AGGREGATED].rps == 999.0
