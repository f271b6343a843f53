"""`python -m reference_app.demo --stack-dir DIR`: the deployment guide's Step 3, for real.

Starts the local stack, runs the guide's "Verify Deployment" checks against it
(health, database health, cache MISS then HIT with timings, the metric lines the
guide greps for, the optimization monitor), stops the stack whatever happens,
and exits 1 if a check failed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from reference_app.stack import StackError, StackInfo, StackOptions, start_stack, stop_stack
from reference_app.stack.cli import failure_status, sigterm_as_interrupt

MODELS_PATH = "/models?limit=10"
METRIC_PREFIXES = ("catalog_cache", "read_replica")


@dataclass(frozen=True, kw_only=True)
class Check:
    name: str
    passed: bool
    detail: str


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reference_app.demo",
        description="Start the reference stack, run the deployment guide's Step 3 checks "
        "against it, print what a newcomer would see with curl, and stop the stack.",
    )
    parser.add_argument(
        "--stack-dir", type=Path, default=Path(".stack/demo"), help="where the stack lives"
    )
    args = parser.parse_args(argv)
    with sigterm_as_interrupt():
        return _demo(args.stack_dir)


def _demo(stack_dir: Path) -> int:
    print(f"Starting the reference stack in {stack_dir} (Redis, PostgreSQL primary")
    print("and streaming replica, Prometheus, the catalog service); this takes a few seconds.")
    began = time.monotonic()
    try:
        info = start_stack(StackOptions(dir=stack_dir))
    except (StackError, KeyboardInterrupt) as exc:
        return failure_status(
            exc,
            error="\nerror: the stack did not start",
            interrupted="\ninterrupted; the launcher stopped what it had started",
        )
    try:
        print(f"Stack up in {time.monotonic() - began:.1f}s.")
        print(f"  service     {info.service_url}")
        print(f"  prometheus  {info.prometheus_url}\n")
        checks = run_checks(info)
    except KeyboardInterrupt as exc:
        return failure_status(exc, interrupted="\ninterrupted")
    except (httpx.HTTPError, ValueError) as exc:  # ValueError: a body that is not JSON
        print(f"\nerror: the service did not answer as expected: {exc!r}", file=sys.stderr)
        return 1
    finally:
        print("\nStopping the stack...", end=" ", flush=True)
        stop_stack(info.dir)
        print("stopped.")
    failed = [c for c in checks if not c.passed]
    print(f"\nResult: {len(checks) - len(failed)} of {len(checks)} checks passed.")
    for check in failed:
        print(f"  FAILED: {check.name}: {check.detail}")
    return 1 if failed else 0


def run_checks(info: StackInfo) -> list[Check]:
    """The guide's Step 3, printed as it goes; returns every check's outcome."""
    checks: list[Check] = []
    # trust_env=False: the stack is on loopback, never behind an HTTP(S)_PROXY
    with httpx.Client(base_url=info.service_url, timeout=10.0, trust_env=False) as client:
        _heading("Health checks (guide: curl /health, curl /health/database)")
        health = client.get("/health")
        _show(checks, "GET /health says healthy", health.json().get("status") == "healthy",
              f"{health.status_code} {health.text}")  # fmt: skip
        database = client.get("/health/database")
        connected = database.json().get("database") == "connected"
        _show(checks, "GET /health/database says connected", connected,
              f"{database.status_code} {database.text}")  # fmt: skip

        _heading(f"Feature verification (guide: time curl {MODELS_PATH}, twice)")
        first, first_ms = _timed(client, MODELS_PATH)
        second, second_ms = _timed(client, MODELS_PATH)
        for label, response, took, expect, guide in (
            ("1st", first, first_ms, "MISS", "200-500 ms"),
            ("2nd", second, second_ms, "HIT", "5-20 ms"),
        ):
            cache = response.headers.get("X-Cache", "(no X-Cache header)")
            _show(checks, f"{label} GET {MODELS_PATH} is a cache {expect}",
                  response.status_code == 200 and cache == expect,
                  f"{response.status_code}, X-Cache: {cache}, {took:.1f} ms "
                  f"(the guide expects {guide} in staging)")  # fmt: skip
        _show(checks, "the HIT returns the same body as the MISS",
              first.content == second.content, f"{len(second.content)} bytes")  # fmt: skip

        _heading("Metrics verification (guide: curl /metrics | grep catalog_cache / read_replica)")
        samples = _metric_lines(client.get("/metrics").text)
        hits = _value(samples, 'catalog_cache_hits_total{gateway="all"}')
        misses = _value(samples, 'catalog_cache_misses_total{gateway="all"}')
        replica_ok = sum(v for k, v in samples.items() if _is_replica_success(k))
        _show(checks, "catalog_cache_hits_total{gateway=\"all\"} counted the HIT", hits >= 1,
              f"{hits:g}")  # fmt: skip
        _show(checks, "catalog_cache_misses_total{gateway=\"all\"} counted the MISS",
              misses >= 1, f"{misses:g}")  # fmt: skip
        _show(checks, "read_replica_queries_total{status=\"success\"} moved (reads on the replica)",
              replica_ok > 0, f"{replica_ok:g}")  # fmt: skip

        _heading("Optimization monitor (GET /optimization-monitor)")
        monitor = client.get("/optimization-monitor")
        _show(checks, "GET /optimization-monitor answers", monitor.status_code == 200,
              str(monitor.status_code))  # fmt: skip
        if monitor.status_code == 200:
            for key, value in monitor.json().items():
                print(f"    {key}: {json.dumps(value)}")
    return checks


def _timed(client: httpx.Client, path: str) -> tuple[httpx.Response, float]:
    began = time.perf_counter()
    response = client.get(path)
    return response, (time.perf_counter() - began) * 1000


def _metric_lines(text: str) -> dict[str, float]:
    """The guide's grep: `catalog_cache*` and `read_replica*` samples; prints the non-zero ones."""
    samples: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith(METRIC_PREFIXES):
            series, _, raw = line.rpartition(" ")
            samples[series] = float(raw)
    shown = {
        series: value
        for series, value in samples.items()
        if value != 0 and not series.split("{")[0].endswith("_created")
    }
    for series, value in shown.items():
        print(f"    {series} {value:g}")
    hidden = len(samples) - len(shown)
    print(f"    ({hidden} more lines with value 0 or *_created timestamps not shown)")
    return samples


def _value(samples: dict[str, float], name: str) -> float:
    return samples.get(name, 0.0)


def _is_replica_success(name: str) -> bool:
    return name.startswith("read_replica_queries_total{") and 'status="success"' in name


def _heading(text: str) -> None:
    print(f"\n{text}")


def _show(checks: list[Check], name: str, passed: bool, detail: str) -> None:
    checks.append(Check(name=name, passed=passed, detail=detail))
    print(f"  [{'PASS' if passed else 'FAIL'}] {name}: {detail}")


if __name__ == "__main__":
    raise SystemExit(main())
