"""Health and monitoring endpoints say what is wrong without raw exception text; HEAD answers
wherever GET does, through the real server."""

from __future__ import annotations

import httpx
import pytest
from service_probe import metric

from reference_app.stack import StackInfo, spawn_service

# A replica that refuses connections, with a password and host that must never be shown.
DEAD_REPLICA = "postgresql://catalog:s3cret-pw@127.0.0.1:1/catalog"
RAW_TEXT = ("s3cret-pw", "127.0.0.1", "Errno", "Connect call failed", "ConnectionRefusedError")


def test_a_failing_replica_is_described_without_its_exception_text(stack: StackInfo) -> None:
    with spawn_service(stack, {"READ_REPLICA_URL": DEAD_REPLICA}) as service:
        assert httpx.get(f"{service.url}/models?limit=2", timeout=10).status_code == 200
        bodies = {
            path: httpx.get(service.url + path, timeout=10)
            for path in ("/health/database", "/optimization-monitor")
        }
        database = bodies["/health/database"].json()
        assert database["status"] == "degraded"
        assert database["replica"]["status"] == "unavailable"
        assert database["replica"]["last_error"].startswith("connection refused")
        monitor = bodies["/optimization-monitor"].json()
        assert monitor["read_replica"]["last_error"].startswith("connection refused")
        for response in bodies.values():
            assert not [raw for raw in RAW_TEXT if raw in response.text], response.text
        # The operator still gets the whole story, in the log.
        assert "Read replica connection failed" in service.log_file.read_text()


@pytest.mark.parametrize(
    "path", ["/health", "/health/database", "/models?limit=3", "/gateways", "/optimization-monitor"]
)
def test_head_answers_like_get_without_a_body(stack: StackInfo, path: str) -> None:
    url = stack.service_url + path
    get = httpx.get(url, timeout=10)
    head = httpx.head(url, timeout=10)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert int(head.headers["content-length"]) > 0


def test_head_requests_are_counted_as_head(stack: StackInfo) -> None:
    labels = {"method": "HEAD", "path": "/health", "status": "200"}
    before = metric(stack.service_url, "http_requests_total", **labels)
    httpx.head(f"{stack.service_url}/health", timeout=10)
    assert metric(stack.service_url, "http_requests_total", **labels) == before + 1
