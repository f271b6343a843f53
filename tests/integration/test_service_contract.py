"""The service's public contract: DESIGN's metrics at start-up, endpoints, bad input as 4xx JSON."""

from __future__ import annotations

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from reference_app.stack import StackInfo, spawn_service
from slo.metrics import CONTRACT as HARNESS_CONTRACT

# DESIGN.md's metric contract: sample name -> label names (histograms: the _bucket series).
CONTRACT = {
    "http_requests_total": {"method", "path", "status"},
    "http_request_duration_seconds_bucket": {"method", "path", "le"},
    "catalog_cache_hits_total": {"gateway"},
    "catalog_cache_misses_total": {"gateway"},
    "read_replica_queries_total": {"table", "status"},
    "read_replica_connection_errors_total": set(),
    "catalog_cache_errors_total": {"operation"},
    "db_queries_total": {"client_type", "table"},
    "connection_pool_utilization": {"client_type"},
    "connection_pool_size": {"client_type"},
    "connection_pool_busy_seconds_total": {"client_type"},
    "read_replica_lag_seconds": set(),
    "read_replica_lag_bytes": set(),
}


def samples(base_url: str) -> list[tuple[str, dict[str, str], float]]:
    text = httpx.get(f"{base_url}/metrics", timeout=5).text
    return [
        (s.name, dict(s.labels), float(s.value))
        for family in text_string_to_metric_families(text)
        for s in family.samples
    ]


@pytest.fixture(scope="module")
def fresh_metrics(stack: StackInfo) -> list[tuple[str, dict[str, str], float]]:
    """/metrics of a service that has served nothing but its launcher's /health checks."""
    with spawn_service(stack, {}) as service:
        return samples(service.url)


def test_this_list_is_the_harness_contract_the_service_implements() -> None:
    exposed = {
        info.name + ("_bucket" if info.type == "histogram" else "")
        for logical, info in HARNESS_CONTRACT.items()
        if logical != "up"  # Prometheus's own, per target
    }
    assert exposed == set(CONTRACT)


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_every_contract_metric_exists_with_its_labels_before_traffic(
    fresh_metrics: list[tuple[str, dict[str, str], float]], name: str
) -> None:
    found = [labels for sample, labels, _ in fresh_metrics if sample == name]
    assert found, f"{name} missing from /metrics at start-up"
    assert all(set(labels) == CONTRACT[name] for labels in found)


def test_label_values_the_criteria_query_are_precreated_at_zero(
    fresh_metrics: list[tuple[str, dict[str, str], float]],
) -> None:
    present = {(name, tuple(sorted(labels.items()))) for name, labels, _ in fresh_metrics}

    def has(name: str, **labels: str) -> bool:
        return (name, tuple(sorted(labels.items()))) in present

    for status in ("200", "499", "504"):
        assert has("http_requests_total", method="GET", path="/models", status=status)
    assert has("http_request_duration_seconds_bucket", method="GET", path="/models", le="0.1")
    assert has("http_request_duration_seconds_bucket", method="GET", path="/models", le="0.2")
    for gateway in ("all", "groq", "openrouter"):
        assert has("catalog_cache_hits_total", gateway=gateway)
        assert has("catalog_cache_misses_total", gateway=gateway)
    for status in ("success", "error", "fallback_to_primary"):
        assert has("read_replica_queries_total", table="models", status=status)
    for operation in ("get", "set"):
        assert has("catalog_cache_errors_total", operation=operation)
    for client_type in ("primary", "replica"):
        assert has("db_queries_total", client_type=client_type, table="models")
        assert has("connection_pool_size", client_type=client_type)
    catalog_counters = [
        v
        for n, _, v in fresh_metrics
        if n.startswith(("catalog_cache_", "read_replica_")) and n.endswith("_total")
    ]
    assert catalog_counters and all(v == 0 for v in catalog_counters)


def test_pool_size_reports_the_configured_maximum(
    fresh_metrics: list[tuple[str, dict[str, str], float]],
) -> None:
    sizes = {
        labels["client_type"]: value
        for name, labels, value in fresh_metrics
        if name == "connection_pool_size"
    }
    assert sizes == {"primary": 5.0, "replica": 10.0}


def test_health_endpoints_answer_as_the_guide_expects(stack: StackInfo) -> None:
    assert httpx.get(f"{stack.service_url}/health", timeout=5).json() == {"status": "healthy"}
    database = httpx.get(f"{stack.service_url}/health/database", timeout=5)
    assert database.status_code == 200
    assert database.json()["database"] == "connected"
    assert database.json()["replica"]["configured"] is True


def test_optimization_monitor_reports_pools_cache_and_replica(stack: StackInfo) -> None:
    body = httpx.get(f"{stack.service_url}/optimization-monitor", timeout=5).json()
    for client_type in ("primary", "replica"):
        pool = body["connection_pools"][client_type]
        assert {"size", "in_use", "waiting", "utilization"} <= set(pool)
    assert body["cache"]["enabled"] is True
    assert body["read_replica"]["configured"] is True


def test_model_detail_and_gateways(stack: StackInfo) -> None:
    first = httpx.get(f"{stack.service_url}/models?limit=1", timeout=10).json()["data"][0]
    detail = httpx.get(f"{stack.service_url}/models/{first['id']}", timeout=10)
    assert detail.status_code == 200
    assert detail.json()["id"] == first["id"]
    assert detail.json()["offers"][0]["pricing"] == first["pricing"]  # cheapest offer first
    gateways = httpx.get(f"{stack.service_url}/gateways", timeout=10).json()
    assert gateways["total"] == 30
    assert all(g["models"] > 0 for g in gateways["data"])


# (url, status, error code, parameter named)
BAD_INPUT = [
    ("/models?limit=abc", 400, "invalid_parameter", "limit"),
    ("/models?limit=-1", 400, "invalid_parameter", "limit"),
    ("/models?limit=0", 400, "invalid_parameter", "limit"),
    ("/models?limit=1001", 400, "invalid_parameter", "limit"),
    ("/models?limit=" + "9" * 400, 400, "invalid_parameter", "limit"),
    ("/models?limit=1.5", 400, "invalid_parameter", "limit"),
    ("/models?limit=", 400, "invalid_parameter", "limit"),
    ("/models?offset=-10", 400, "invalid_parameter", "offset"),
    ("/models?offset=1e9", 400, "invalid_parameter", "offset"),
    ("/models?offset=99999999999999999999999", 400, "invalid_parameter", "offset"),
    ("/models?gateway=nope", 400, "invalid_parameter", "gateway"),
    ("/models?gateway=" + "g" * 5000, 400, "invalid_parameter", "gateway"),
    ("/models?gateway=%00%ff%27;--", 400, "invalid_parameter", "gateway"),
    ("/models?provider=no-such-provider", 400, "invalid_parameter", "provider"),
    ("/models?provider=%E2%98%83", 400, "invalid_parameter", "provider"),
    ("/models?colour=red", 400, "invalid_parameter", "colour"),
    ("/models?limit=1&limit=2", 400, "invalid_parameter", "limit"),
    ("/v1/models?limit=abc", 400, "invalid_parameter", "limit"),
    ("/models/openai/" + "m" * 300, 400, "invalid_parameter", "model"),
    ("/models/open%20ai/x", 400, "invalid_parameter", "provider"),
    ("/models/openai/no-such-model", 404, "not_found", None),
    ("/no/such/path", 404, "not_found", None),
]


@pytest.mark.parametrize(("url", "status", "code", "parameter"), BAD_INPUT)
def test_bad_input_gets_a_4xx_json_error_naming_the_parameter(
    stack: StackInfo, url: str, status: int, code: str, parameter: str | None
) -> None:
    response = httpx.get(stack.service_url + url, timeout=10)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert error.get("parameter") == parameter
    assert len(error["message"]) < 1000
