"""The target's version for the report header: from /health, /version or the OpenAPI
document, the first that states one; none when the target exposes none or is down."""

from __future__ import annotations

import httpx

from reports import TargetVersion
from scenarios.target_version import probe_version


def _target(routes: dict[str, httpx.Response]) -> httpx.Client:
    def answer(request: httpx.Request) -> httpx.Response:
        return routes.get(request.url.path, httpx.Response(404))

    return httpx.Client(base_url="http://target", transport=httpx.MockTransport(answer))


def test_a_version_on_health_wins() -> None:
    client = _target(
        {
            "/health": httpx.Response(200, json={"status": "healthy", "version": "2.3.1"}),
            "/openapi.json": httpx.Response(200, json={"info": {"version": "1.0.0"}}),
        }
    )
    assert probe_version("http://target", client=client) == TargetVersion(
        version="2.3.1", source="/health"
    )


def test_the_reference_service_states_its_version_in_its_openapi_document() -> None:
    # reference_app's /health says only {"status": "healthy"}; FastAPI publishes the
    # app's version (1.0.0) at /openapi.json.
    client = _target(
        {
            "/health": httpx.Response(200, json={"status": "healthy"}),
            "/openapi.json": httpx.Response(200, json={"info": {"version": "1.0.0"}}),
        }
    )
    assert probe_version("http://target", client=client) == TargetVersion(
        version="1.0.0", source="/openapi.json"
    )


def test_a_target_that_states_no_version_has_none() -> None:
    client = _target({"/health": httpx.Response(200, text="ok")})
    assert probe_version("http://target", client=client) is None


def test_an_unreachable_target_has_none_and_raises_nothing() -> None:
    assert probe_version("http://127.0.0.1:9") is None
