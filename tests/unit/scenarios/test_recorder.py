from __future__ import annotations

import math

import msgpack
import pytest

from scenarios.recorder import ClientRecorder, round_response_time

T0 = 1_700_000_000.0


def _fill(recorder: ClientRecorder) -> None:
    # 10 s of traffic: 10 requests a second, one failure and one timeout a second.
    for second in range(10):
        for i in range(10):
            recorder.record(
                ts=T0 + second + i / 10,
                route="/models?limit=10" if i < 8 else "/gateways",
                response_ms=float(10 + i),
                failed=i == 9,
                timeout=i == 9 and second % 2 == 0,
            )


def test_a_window_counts_only_the_whole_seconds_inside_it() -> None:
    recorder = ClientRecorder()
    _fill(recorder)
    stats = recorder.window(T0 + 2, T0 + 7)
    assert stats.requests == 50
    assert stats.failures == 5
    assert stats.timeouts == 3  # seconds 2, 4, 6
    assert stats.rps == pytest.approx(10.0)
    assert stats.mean_ms == pytest.approx(14.5)
    assert stats.p95_ms == 19.0
    assert stats.routes["/gateways"].requests == 10
    assert stats.routes["/models?limit=10"].p95_ms == 17.0


def test_an_empty_window_has_no_requests_and_nan_latency() -> None:
    stats = ClientRecorder().window(T0, T0 + 5)
    assert stats.requests == 0
    assert math.isnan(stats.mean_ms) and math.isnan(stats.p95_ms)


def test_workers_reports_merged_on_the_master_equal_a_local_recording() -> None:
    local, master = ClientRecorder(), ClientRecorder()
    worker_a, worker_b = ClientRecorder(forward=True), ClientRecorder(forward=True)
    _fill(local)
    _fill(worker_a)
    _fill(worker_b)
    for worker in (worker_a, worker_b):
        # Sent through msgpack like Locust's worker reports.
        master.merge(msgpack.unpackb(msgpack.packb(worker.drain_pending()), strict_map_key=False))
    merged, single = master.window(T0, T0 + 10), local.window(T0, T0 + 10)
    assert merged.requests == 2 * single.requests
    assert merged.timeouts == 2 * single.timeouts
    assert merged.p95_ms == single.p95_ms


def test_draining_twice_sends_each_request_once() -> None:
    recorder = ClientRecorder(forward=True)
    _fill(recorder)
    assert recorder.drain_pending()
    assert recorder.drain_pending() == {}


@pytest.mark.parametrize(
    ("ms", "rounded"), [(4.4, 4), (99.4, 99), (123.0, 120), (1234.0, 1200), (12_345.0, 12_000)]
)
def test_response_times_are_rounded_like_locust(ms: float, rounded: int) -> None:
    assert round_response_time(ms) == rounded


def test_a_worker_keeps_only_what_it_has_not_sent_and_a_master_nothing_to_send() -> None:
    worker, master = ClientRecorder(forward=True), ClientRecorder()
    _fill(worker)
    _fill(master)
    assert worker.window(T0, T0 + 10).requests == 0
    assert master.drain_pending() == {}
    assert master.window(T0, T0 + 10).requests == 100
