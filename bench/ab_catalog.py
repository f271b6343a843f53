"""The guide's Step 4 against the reference stack: `ab -n 1000 -c 50 /models?limit=10`.

Starts a stack (cache and replica on), runs ab against the cached service, then
against an extra service process with caching off (the guide's "before"), and
prints ab's figures for both next to the guide's targets (>= 100 requests per
second, mean < 100 ms, 0 failed requests).

    .venv/bin/python bench/ab_catalog.py [--requests 1000] [--concurrency 50]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from reference_app.stack import StackOptions, spawn_service, start_stack, stop_stack

FIELDS = {
    "rps": r"Requests per second:\s+([\d.]+)",
    "mean_ms": r"Time per request:\s+([\d.]+) \[ms\] \(mean\)",
    "failed": r"Failed requests:\s+(\d+)",
    "non_2xx": r"Non-2xx responses:\s+(\d+)",
    "p50_ms": r"^\s+50%\s+(\d+)",
    "p95_ms": r"^\s+95%\s+(\d+)",
    "p99_ms": r"^\s+99%\s+(\d+)",
    "max_ms": r"^\s+100%\s+(\d+)",
}


def run_ab(url: str, requests: int, concurrency: int) -> dict[str, float]:
    out = subprocess.run(
        ["ab", "-q", "-n", str(requests), "-c", str(concurrency), "-s", "30", url],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if out.returncode != 0:
        sys.exit(f"ab failed ({out.returncode}): {out.stderr.strip()}")
    figures: dict[str, float] = {}
    for name, pattern in FIELDS.items():
        match = re.search(pattern, out.stdout, re.MULTILINE)
        figures[name] = float(match.group(1)) if match else 0.0
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ab-", dir="/tmp") as tmp:
        Path(tmp).chmod(0o755)  # the postgres user must traverse it
        info = start_stack(StackOptions(dir=Path(tmp) / "stack"))
        try:
            path = "/models?limit=10"
            cached = run_ab(info.service_url + path, args.requests, args.concurrency)
            with spawn_service(info, {"REDIS_URL": None}) as uncached_service:
                uncached = run_ab(uncached_service.url + path, args.requests, args.concurrency)
        finally:
            stop_stack(info.dir)
    print(f"ab -n {args.requests} -c {args.concurrency} {path}")
    print(f"{'':22}{'cached':>10}{'uncached':>10}   guide's target")
    targets = {"rps": ">= 100", "mean_ms": "< 100", "failed": "= 0"}
    for name in FIELDS:
        row = f"{name:22}{cached[name]:>10.1f}{uncached[name]:>10.1f}"
        print(row + (f"   {targets[name]}" if name in targets else ""))


if __name__ == "__main__":
    main()
