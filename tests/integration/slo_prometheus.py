"""A real Prometheus loaded with the golden datasets (``promtool`` backfill)."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "slo"))

from golden_data import Dataset, openmetrics


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_prometheus(
    tmp: Path, datasets: dict[str, Dataset], *, max_block_duration: str | None = None
) -> Iterator[str]:
    """Backfill the datasets into a fresh TSDB, serve it, yield the URL, stop it.

    ``max_block_duration`` (e.g. ``"168h"``) writes days of samples as a few blocks
    instead of one per 2 hours, which backfills a week some 20 times faster.
    """
    data, source = tmp / "tsdb", tmp / "golden.om"
    source.write_text(openmetrics(datasets), encoding="utf-8")
    blocks = [f"--max-block-duration={max_block_duration}"] if max_block_duration else []
    subprocess.run(
        [
            shutil.which("promtool") or "promtool",
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            *blocks,
            str(source),
            str(data),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    config = tmp / "prometheus.yml"
    config.write_text("global:\n  scrape_interval: 15s\n", encoding="utf-8")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [
        shutil.which("prometheus") or "prometheus",
        f"--config.file={config}",
        f"--storage.tsdb.path={data}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--storage.tsdb.retention.time=100y",
    ]
    with serving(argv, f"{url}/-/ready", tmp / "prometheus.log", "prometheus"):
        yield url


@contextlib.contextmanager
def serving(argv: list[str], ready_url: str, log_path: Path, what: str) -> Iterator[None]:
    """Run ``argv`` (its output in ``log_path``) until ``ready_url`` answers 200 (30 s at
    most: RuntimeError with the log), then until the block ends: terminated, killed after
    10 s."""
    log = log_path.open("w")
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(ready_url, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start: {log_path.read_text()}")
            time.sleep(0.05)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
