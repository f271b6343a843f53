"""The embedded scraper against a tiny real HTTP server on 127.0.0.1 (no mocks)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from reports import redact_url
from slo.sources import SCRAPE_DURATION, UP, EmbeddedScraper, Matcher, SampleStore

FIXTURES = Path(__file__).parent / "exposition"
RECORDED = [(FIXTURES / f"scrape_{k}.prom").read_text() for k in range(6)]


class Target:
    """A /metrics endpoint serving ``bodies`` in turn (the last one repeats)."""

    def __init__(self) -> None:
        self.bodies: list[str] = list(RECORDED)
        self.status = 200
        self.delay = 0.0
        self.trickle = 0.0
        self.served = 0
        self.accept: list[str] = []
        target = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                target.accept.append(self.headers.get("Accept", ""))
                time.sleep(target.delay)
                body = target.bodies[min(target.served, len(target.bodies) - 1)]
                target.served += 1
                data = body.encode()
                try:
                    self.send_response(target.status)
                    self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    # trickling: each read is quick, the whole body slow
                    for part in data.splitlines(keepends=True) if target.trickle else [data]:
                        self.wfile.write(part)
                        self.wfile.flush()
                        time.sleep(target.trickle)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the scraper gave up (timeout), as it should

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/metrics"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def target() -> Iterator[Target]:
    served = Target()
    yield served
    served.close()


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # nothing listens there any more


def up_values(store: SampleStore) -> list[float]:
    span = store.time_range()
    assert span is not None
    values: list[float] = store.gauge_values(UP, [], *span)["value"].tolist()
    return values


def test_scrape_once_stores_the_exposition_with_up_and_duration(target: Target) -> None:
    store = SampleStore()
    scraper = EmbeddedScraper(target.url, store)
    scraper.scrape_once()
    scraper.stop()
    assert scraper.scrapes == 1
    assert scraper.errors == []
    assert "http_requests_total" in store.metric_names()
    assert up_values(store) == [1.0]
    span = store.time_range()
    assert span is not None
    duration = store.gauge_values(SCRAPE_DURATION, [], *span)["value"].tolist()
    assert 0 < duration[0] < 2
    assert target.accept[0].startswith("text/plain;version=0.0.4")


def test_scraped_recordings_give_the_same_increase_as_the_recordings(target: Target) -> None:
    store = SampleStore()
    scraper = EmbeddedScraper(target.url, store)
    for _ in RECORDED:
        scraper.scrape_once()
    scraper.stop()
    span = store.time_range()
    assert span is not None
    assert store.counter_increase("http_requests_total", [], *span) == {(): 187.0}
    assert store.counter_increase(
        "http_requests_total", [Matcher("status", "=~", "499|504")], *span
    ) == {(): 3.0}


def test_background_scrapes_follow_a_drift_free_schedule(target: Target) -> None:
    target.delay = 0.06  # a schedule that slept `interval` after each scrape would drift 60%
    store = SampleStore()
    scraper = EmbeddedScraper(target.url, store, interval=0.1)
    scraper.start()
    deadline = time.monotonic() + 5
    while scraper.scrapes < 6 and time.monotonic() < deadline:
        time.sleep(0.01)
    scraper.stop()
    assert scraper.errors == []
    ts = store.gauge_values(UP, [], 0, 2e9)["ts"].tolist()
    assert len(ts) >= 6
    assert ts[5] - ts[0] == pytest.approx(0.5, abs=0.05)


def test_stop_returns_promptly_without_waiting_for_the_next_tick(target: Target) -> None:
    scraper = EmbeddedScraper(target.url, SampleStore(), interval=30)
    scraper.start()
    deadline = time.monotonic() + 5
    while scraper.scrapes < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    began = time.monotonic()
    scraper.stop()
    assert time.monotonic() - began < 1
    assert not scraper.running
    assert scraper.scrapes == 1


def test_a_hanging_target_is_bounded_by_the_timeout(target: Target) -> None:
    target.delay = 3
    store = SampleStore()
    scraper = EmbeddedScraper(target.url, store, timeout=0.3)
    began = time.monotonic()
    scraper.scrape_once()
    assert time.monotonic() - began < 2
    assert len(scraper.errors) == 1
    assert "ReadTimeout: no answer within 0.3 s" in scraper.errors[0]
    assert up_values(store) == [0.0]
    scraper.stop()


def test_a_body_trickling_in_is_bounded_by_the_timeout_as_a_whole(target: Target) -> None:
    target.trickle = 0.05  # 60 lines: 3 s in all, each read well inside the timeout
    scraper = EmbeddedScraper(target.url, SampleStore(), timeout=0.5)
    began = time.monotonic()
    scraper.scrape_once()
    scraper.stop()
    assert time.monotonic() - began < 1.5
    assert "body not received within 0.5 s" in scraper.errors[0]


def test_stop_during_a_hanging_scrape_returns_within_the_timeout(target: Target) -> None:
    target.delay = 5
    scraper = EmbeddedScraper(target.url, SampleStore(), interval=0.1, timeout=0.3)
    scraper.start()
    time.sleep(0.1)
    began = time.monotonic()
    scraper.stop()
    assert time.monotonic() - began < 1
    assert not scraper.running


def test_an_unreachable_target_is_recorded_as_an_error_not_raised(closed_port: int) -> None:
    store = SampleStore()
    scraper = EmbeddedScraper(f"http://127.0.0.1:{closed_port}/metrics", store, timeout=1)
    scraper.scrape_once()
    scraper.scrape_once()
    scraper.stop()
    assert scraper.scrapes == 0
    assert len(scraper.errors) == 2
    assert f"GET http://127.0.0.1:{closed_port}/metrics: ConnectError" in scraper.errors[0]
    assert up_values(store) == [0.0, 0.0]
    assert store.metric_names() == {UP, SCRAPE_DURATION}


def test_a_password_in_the_url_never_appears_in_errors(closed_port: int) -> None:
    url = f"http://scraper:s3cr3t-pw@127.0.0.1:{closed_port}/metrics?token=tok-123"
    scraper = EmbeddedScraper(url, SampleStore(), timeout=1)
    scraper.scrape_once()
    scraper.stop()
    assert len(scraper.errors) == 1
    assert "s3cr3t-pw" not in scraper.errors[0]
    assert "tok-123" not in scraper.errors[0]
    assert f"http://scraper:***@127.0.0.1:{closed_port}/metrics?token=***" in scraper.errors[0]


def test_secrets_quoted_inside_an_error_message_are_redacted_too() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url} (auth s3cr3t-pw, token tok-123)")

    url = "http://scraper:s3cr3t-pw@metrics.internal:9100/metrics?token=tok-123"
    with httpx.Client(transport=httpx.MockTransport(refuse)) as client:
        scraper = EmbeddedScraper(url, SampleStore(), client=client)
        scraper.scrape_once()
    [error] = scraper.errors
    assert "s3cr3t-pw" not in error
    assert "tok-123" not in error
    assert "ConnectError: cannot reach" in error


def test_an_http_error_status_is_recorded(target: Target) -> None:
    target.status = 503
    store = SampleStore()
    scraper = EmbeddedScraper(target.url, store)
    scraper.scrape_once()
    scraper.stop()
    assert scraper.scrapes == 0
    assert scraper.errors[0].endswith(f"GET {target.url}: HTTP 503 Service Unavailable")
    assert up_values(store) == [0.0]
    assert "http_requests_total" not in store.metric_names()


def test_a_body_that_is_not_an_exposition_is_recorded(target: Target) -> None:
    target.bodies = ["<html>login</html>\n"]
    store = SampleStore()
    scraper = EmbeddedScraper(target.url, store)
    scraper.scrape_once()
    scraper.stop()
    assert "not a Prometheus text exposition" in scraper.errors[0]
    assert up_values(store) == [0.0]


def test_the_background_thread_keeps_going_after_errors(target: Target) -> None:
    target.status = 500
    store = SampleStore()
    with EmbeddedScraper(target.url, store, interval=0.02) as scraper:
        deadline = time.monotonic() + 5
        while len(scraper.errors) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        target.status = 200
        while scraper.scrapes < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert len(scraper.errors) >= 3
    assert scraper.scrapes >= 1
    assert not scraper.running


def test_starting_twice_is_an_error(target: Target) -> None:
    scraper = EmbeddedScraper(target.url, SampleStore(), interval=30)
    scraper.start()
    try:
        with pytest.raises(RuntimeError, match="already running"):
            scraper.start()
    finally:
        scraper.stop()


def test_an_injected_client_is_used_and_left_open(target: Target) -> None:
    with httpx.Client(headers={"X-Probe": "yes"}) as client:
        scraper = EmbeddedScraper(target.url, SampleStore(), client=client)
        scraper.scrape_once()
        scraper.stop()
        assert scraper.scrapes == 1
        assert not client.is_closed


@pytest.mark.parametrize(
    ("interval", "timeout"), [(0, 1), (-1, 1), (float("nan"), 1), (1, 0), (1, float("inf"))]
)
def test_interval_and_timeout_must_be_positive(interval: float, timeout: float) -> None:
    with pytest.raises(ValueError, match="positive number of seconds"):
        EmbeddedScraper(
            "http://127.0.0.1:1/metrics", SampleStore(), interval=interval, timeout=timeout
        )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8000/metrics", "http://127.0.0.1:8000/metrics"),
        ("https://u:p%40ss@host:9/metrics", "https://u:***@host:9/metrics"),
        ("https://u@host/metrics", "https://u@host/metrics"),
        ("http://host/metrics?api_key=k1&x=1", "http://host/metrics?api_key=***&x=1"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected
