"""The service against its server's ceiling, in one run: figures and ratios to a bare route.

Starts a stack (cache and replica on), or uses a running one (``--stack-dir``), and a bare
Starlette route (``bench/bare_route.py``: uvicorn, uvloop, httptools, one worker) serving
the same bytes as ``/models?limit=10``. Then, ``--runs`` times in a row:

- ``wrk -t1 -c50`` on the bare route, on ``/health`` and on the cached ``/models?limit=10``,
  and on a second service process without the in-process layer (every hit from Redis);
- the guide's ``ab -n 1000 -c 50`` on the bare route and on the cached route;

and prints each figure with its ratio to the bare route measured by the same tool in the
same run, then the spread over the runs and the targets of issue 13 (cached route >= 50%
of bare, /health >= 70%, p99 < 10 ms, ab mean < 10 ms) against the runs' median.

Last, a catalog change under load: while wrk drives the cached route, a price of the
first listed model is changed on the primary and the catalog version is bumped in Redis;
it prints when each service process (the stack's and a second one) first served the new
price, then puts the price back. It asserts nothing.

    .venv/bin/python bench/service_ratio.py [--runs 3] [--duration 10] [--stack-dir DIR]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from bench_invalidation import change_under_load

from reference_app.stack import (
    StackInfo,
    StackOptions,
    load_stack,
    spawn_service,
    start_stack,
    stop_stack,
)
from reference_app.stack.ports import choose_ports

HERE = Path(__file__).resolve().parent
CACHED = "/models?limit=10"
BARE = "bare Starlette route, same bytes"
CACHED_ROW = f"cached {CACHED}"
REDIS_ONLY_ROW = "cached, Redis layer only (no in-process layer)"
AB_BARE = "ab, bare route"
AB_ROW = f"ab, cached {CACHED}"
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


@dataclass(frozen=True)
class Figure:
    label: str
    tool: str  # wrk or ab
    rps: float
    p50_ms: float
    p99_ms: float
    connections: int
    mean_ms: float | None = None
    errors: int = 0


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if match is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def run_wrk(label: str, url: str, *, duration: int, connections: int) -> Figure:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 60,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    errors = sum(
        int(n)
        for n in re.findall(r"(?:Non-2xx or 3xx responses|connect|read|write|timeout):? (\d+)", out)
    )
    return Figure(label, "wrk", rps, p50, p99, connections, errors=errors)


def run_ab(label: str, url: str, *, requests: int, concurrency: int) -> Figure:
    out = subprocess.run(
        ["ab", "-q", "-n", str(requests), "-c", str(concurrency), "-s", "30", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    ).stdout

    def field(pattern: str, missing: float = float("nan")) -> float:
        match = re.search(pattern, out, re.MULTILINE)
        return float(match.group(1)) if match else missing

    return Figure(
        label,
        "ab",
        connections=concurrency,
        rps=field(r"Requests per second:\s+([\d.]+)"),
        p50_ms=field(r"^\s+50%\s+(\d+)"),
        p99_ms=field(r"^\s+99%\s+(\d+)"),
        mean_ms=field(r"Time per request:\s+([\d.]+) \[ms\] \(mean\)"),
        errors=int(field(r"Failed requests:\s+(\d+)") + field(r"Non-2xx responses:\s+(\d+)", 0)),
    )


def _wait_http(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:g}s")


@contextmanager
def bare_route(body: bytes) -> Iterator[str]:
    """The bare route's base URL, for as long as the block runs."""
    port = choose_ports(["bare"], {})["bare"]
    with tempfile.NamedTemporaryFile(prefix="bare-body-", suffix=".json") as file:
        file.write(body)
        file.flush()
        argv = [sys.executable, str(HERE / "bare_route.py"), "--port", str(port)]
        process = subprocess.Popen([*argv, "--body-file", file.name])
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_http(url + "/health")
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


@contextmanager
def stack_of(stack_dir: Path | None) -> Iterator[StackInfo]:
    if stack_dir is not None:
        yield load_stack(stack_dir)
        return
    with tempfile.TemporaryDirectory(prefix="ratio-", dir="/tmp") as tmp:
        Path(tmp).chmod(0o755)  # the postgres user must traverse it
        info = start_stack(StackOptions(dir=Path(tmp) / "stack"))
        try:
            yield info
        finally:
            stop_stack(info.dir)


def one_run(bare: str, service: str, redis_only: str | None, args: argparse.Namespace) -> Run:
    wrk = {"duration": args.duration, "connections": args.connections}
    ab = {"requests": args.ab_requests, "concurrency": args.connections}
    figures = [
        run_wrk(BARE, bare + "/models", **wrk),
        run_wrk("/health", service + "/health", **wrk),
        run_wrk(CACHED_ROW, service + CACHED, **wrk),
    ]
    if redis_only is not None:
        figures.append(run_wrk(REDIS_ONLY_ROW, redis_only + CACHED, **wrk))
    figures += [run_ab(AB_BARE, bare + "/models", **ab), run_ab(AB_ROW, service + CACHED, **ab)]
    return Run(figures)


@dataclass(frozen=True)
class Run:
    figures: list[Figure]

    def ratio(self, figure: Figure) -> float:
        """req/s against the bare route measured by the same tool in this run."""
        bare = self.get(AB_BARE if figure.tool == "ab" else BARE)
        return figure.rps / bare.rps

    def get(self, label: str) -> Figure:
        return next(f for f in self.figures if f.label == label)


def print_run(number: int, run: Run) -> None:
    print(f"\nrun {number}")
    print(f"{'':46}{'req/s':>8}{'ratio':>7}{'p50 ms':>8}{'p99 ms':>8}{'mean ms':>9}{'errors':>7}")
    for f in run.figures:
        mean = f"{f.mean_ms:9.1f}" if f.mean_ms is not None else f"{'':9}"
        print(
            f"{f.label:46}{f.rps:8.0f}{run.ratio(f):7.0%}{f.p50_ms:8.2f}{f.p99_ms:8.2f}"
            f"{mean}{f.errors:7d}"
        )


def print_spread(runs: list[Run]) -> None:
    print(f"\nspread over {len(runs)} runs (ratio: to the bare route, same tool, same run)")
    for figure in runs[0].figures:
        rows = [run.get(figure.label) for run in runs]
        ratios = [run.ratio(row) for run, row in zip(runs, rows, strict=True)]
        rps = [row.rps for row in rows]
        p99 = [row.p99_ms for row in rows]
        mean = [row.mean_ms for row in rows if row.mean_ms is not None]
        print(
            f"{figure.label:46} ratio {min(ratios):4.0%}-{max(ratios):4.0%} "
            f"(median {statistics.median(ratios):4.0%}); req/s {min(rps):.0f}-{max(rps):.0f}; "
            f"p99 {min(p99):.1f}-{max(p99):.1f} ms"
            + (f"; mean {min(mean):.1f}-{max(mean):.1f} ms" if mean else "")
        )


def print_targets(runs: list[Run]) -> None:
    """The issue's targets against the median of the runs."""

    def median(values: list[float]) -> float:
        return statistics.median(values)

    cached = median([run.ratio(run.get(CACHED_ROW)) for run in runs])
    health = median([run.ratio(run.get("/health")) for run in runs])
    p99 = median([run.get(CACHED_ROW).p99_ms for run in runs])
    ab_mean = median([run.get(AB_ROW).mean_ms or float("nan") for run in runs])
    print("\ntargets (median of the runs)")
    for text, met in (
        (f"cached route >= 50% of bare (stretch 80%): {cached:.0%}", cached >= 0.5),
        (f"/health >= 70% of bare: {health:.0%}", health >= 0.7),
        (f"p99 of the cached route < 10 ms at {runs[0].figures[0].connections} connections: "
         f"{p99:.1f} ms", p99 < 10),
        (f"ab mean < 10 ms: {ab_mean:.1f} ms", ab_mean < 10),
    ):  # fmt: skip
        print(f"  {'met    ' if met else 'NOT MET'} {text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--ab-requests", type=int, default=1000)
    parser.add_argument("--stack-dir", type=Path, help="use this running stack")
    parser.add_argument(
        "--no-invalidation", action="store_true", help="skip the catalog change under load"
    )
    parser.add_argument(
        "--no-redis-layer",
        action="store_true",
        help="skip the row of a second service without the in-process layer",
    )
    args = parser.parse_args()
    with stack_of(args.stack_dir) as info, ExitStack() as stack:
        body = httpx.get(info.service_url + CACHED, timeout=30).content
        redis_only = None
        if not args.no_redis_layer:
            extra = stack.enter_context(spawn_service(info, {"CATALOG_LOCAL_CACHE_MAX_BYTES": "0"}))
            redis_only = extra.url
            httpx.get(redis_only + CACHED, timeout=30)
        runs: list[Run] = []
        bare = stack.enter_context(bare_route(body))
        print(
            f"wrk -t1 -c{args.connections} -d{args.duration}s --latency; "
            f"ab -n {args.ab_requests} -c {args.connections}"
        )
        for number in range(1, args.runs + 1):
            runs.append(one_run(bare, info.service_url, redis_only, args))
            print_run(number, runs[-1])
        stack.close()
        if len(runs) > 1:
            print_spread(runs)
        print_targets(runs)
        if not args.no_invalidation:
            print()
            change_under_load(info, duration=max(args.duration, 6))


if __name__ == "__main__":
    main()
