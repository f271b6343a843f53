"""Preflight: the guide's Step 3, automated, before any load is sent.

A target that fails preflight gets no load: a broken deployment must not be
blamed on the load test. Checks, in order:

1. `/health` answers 200 with `{"status": "healthy"}`;
2. `/health/database` answers 200 with `"database": "connected"`;
3. a repeated `/models?limit=10` goes from cache MISS to HIT and gets faster
   (a `warn` when the target sends no `X-Cache` header: caching may be off);
4. `/metrics` exposes every metric the profile reads.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

import httpx
from prometheus_client.parser import text_string_to_metric_families

__all__ = ["PreflightCheck", "PreflightResult", "run_preflight"]

Status = Literal["ok", "warn", "failed"]
# A unique query parameter would defeat the point (it must hit the same key
# twice); `limit=10` is the guide's own request.
FRONT_PAGE = "/models?limit=10"


@dataclass(frozen=True, kw_only=True)
class PreflightCheck:
    name: str
    status: Status
    detail: str


@dataclass(frozen=True, kw_only=True)
class PreflightResult:
    target: str
    checks: tuple[PreflightCheck, ...]

    @property
    def ok(self) -> bool:
        return all(check.status != "failed" for check in self.checks)

    @property
    def failed(self) -> tuple[PreflightCheck, ...]:
        return tuple(check for check in self.checks if check.status == "failed")


def _get(client: httpx.Client, path: str) -> tuple[httpx.Response | None, float, str]:
    started = time.perf_counter()
    try:
        response = client.get(path)
    except httpx.HTTPError as exc:
        return None, time.perf_counter() - started, f"{type(exc).__name__}: {exc}"
    return response, time.perf_counter() - started, ""


def _json_field(response: httpx.Response, key: str) -> object:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get(key) if isinstance(body, dict) else None


def _check_json(
    client: httpx.Client, *, name: str, path: str, key: str, expected: str
) -> PreflightCheck:
    """`path` answers 200 with `{key: expected}` in its JSON body."""
    response, _, error = _get(client, path)
    if response is None:
        return PreflightCheck(name=name, status="failed", detail=f"{path}: {error}")
    found = _json_field(response, key)
    if response.status_code != 200 or found != expected:
        detail = f"{path} answered {response.status_code} with {key}={found!r}"
        return PreflightCheck(name=name, status="failed", detail=detail)
    return PreflightCheck(name=name, status="ok", detail=f'{path}: "{key}": "{expected}"')


def _check_cache(client: httpx.Client) -> PreflightCheck:
    first, first_s, error = _get(client, FRONT_PAGE)
    second, second_s, error2 = _get(client, FRONT_PAGE)
    if first is None or second is None:
        return PreflightCheck(
            name="cache", status="failed", detail=f"{FRONT_PAGE}: {error or error2}"
        )
    if first.status_code != 200 or second.status_code != 200:
        detail = f"{FRONT_PAGE} answered {first.status_code}, then {second.status_code}"
        return PreflightCheck(name="cache", status="failed", detail=detail)
    timings = f"{first_s * 1000:.1f} ms, then {second_s * 1000:.1f} ms"
    states = (first.headers.get("x-cache"), second.headers.get("x-cache"))
    if states == (None, None):
        detail = f"no X-Cache header ({timings}): is caching enabled (REDIS_URL)?"
        return PreflightCheck(name="cache", status="warn", detail=detail)
    if states[1] != "HIT":
        detail = f"X-Cache {states[0]} then {states[1]} ({timings}): the second request missed"
        return PreflightCheck(name="cache", status="failed", detail=detail)
    if states[0] == "MISS" and second_s >= first_s:
        detail = f"MISS then HIT but the HIT was not faster ({timings})"
        return PreflightCheck(name="cache", status="warn", detail=detail)
    return PreflightCheck(
        name="cache", status="ok", detail=f"X-Cache {states[0]} then HIT ({timings})"
    )


def _check_metrics(client: httpx.Client, required: Collection[str]) -> PreflightCheck:
    response, _, error = _get(client, "/metrics")
    if response is None or response.status_code != 200:
        got = error if response is None else f"HTTP {response.status_code}"
        return PreflightCheck(name="metrics", status="failed", detail=f"/metrics: {got}")
    exposed: set[str] = set()
    try:
        for family in text_string_to_metric_families(response.text):
            exposed.update(sample.name for sample in family.samples)
    except ValueError as exc:
        return PreflightCheck(name="metrics", status="failed", detail=f"/metrics unparsable: {exc}")
    missing = sorted(set(required) - exposed)
    if missing:
        detail = f"/metrics lacks {', '.join(missing)}"
        return PreflightCheck(name="metrics", status="failed", detail=detail)
    detail = (
        f"/metrics exposes all {len(required)} metrics the profile reads"
        if required
        else "/metrics answers (the profile reads no server metric)"
    )
    return PreflightCheck(name="metrics", status="ok", detail=detail)


def run_preflight(
    target: str,
    *,
    required_metrics: Collection[str] = (),
    timeout: float = 10.0,
    client: httpx.Client | None = None,
) -> PreflightResult:
    """Run the checks against `target`; stops after health if the target is down."""
    own = client is None
    http = client or httpx.Client(base_url=target, timeout=timeout)
    try:
        checks = [
            _check_json(http, name="health", path="/health", key="status", expected="healthy")
        ]
        if checks[0].status == "ok":
            checks += [
                _check_json(
                    http,
                    name="database",
                    path="/health/database",
                    key="database",
                    expected="connected",
                ),
                _check_cache(http),
                _check_metrics(http, required_metrics),
            ]
        return PreflightResult(target=target, checks=tuple(checks))
    finally:
        if own:
            http.close()
