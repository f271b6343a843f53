"""Shared by the ``slo watch`` integration tests: bounded loopback traffic, a watch
subprocess whose output lines are read with their time, and small readers of its output."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from service_probe import fresh_query

SLO = [sys.executable, "-m", "slo.cli", "watch"]
PATHS = ["/models?limit=10", "/models?limit=20", "/models?limit=5&offset=10"]


@contextmanager
def traffic(
    base_url: str, *, seconds: float, paths: Sequence[str] | None = None
) -> Iterator[list[int]]:
    """GETs of ``paths`` (default: a few catalog pages) to the loopback service, one at a
    time with a pause, for at most ``seconds`` (or until the block ends); yields the status
    codes seen."""
    assert base_url.startswith("http://127.0.0.1:")
    paths = list(paths or PATHS)
    statuses: list[int] = []
    stop = threading.Event()

    def loop() -> None:
        deadline = time.monotonic() + seconds
        with httpx.Client(base_url=base_url, timeout=5) as client:
            n = 0
            while not stop.is_set() and time.monotonic() < deadline:
                try:
                    statuses.append(client.get(paths[n % len(paths)]).status_code)
                except httpx.HTTPError:
                    statuses.append(0)
                n += 1
                stop.wait(0.01)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield statuses
    finally:
        stop.set()
        thread.join(timeout=10)


@dataclass
class Watch:
    """A running ``slo watch`` whose stdout and stderr lines are read as they come."""

    proc: subprocess.Popen[str]
    lines: list[tuple[float, str]] = field(default_factory=list)
    errors: list[tuple[float, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self.readers = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self.lines), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.errors), daemon=True),
        ]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _read(stream: Any, into: list[tuple[float, str]]) -> None:
        for line in stream:
            into.append((time.time(), line.rstrip("\n")))

    def wait_lines(self, starts: str, count: int, timeout: float) -> float:
        """When the ``count``-th stdout line starting with ``starts`` (a tick line when
        ``TICK``) was read (unix seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = [at for at, line in list(self.lines) if _starts(line, starts)]
            if len(seen) >= count:
                return seen[count - 1]
            if self.proc.poll() is not None and not any(r.is_alive() for r in self.readers):
                break
            time.sleep(0.05)
        raise AssertionError(f"not {count} line(s) starting {starts!r}: {self.text()}")

    def wait_line(self, starts: str, timeout: float) -> float:
        """When the first stdout line starting with ``starts`` was read (unix seconds)."""
        return self.wait_lines(starts, 1, timeout)

    def finish(self, timeout: float) -> tuple[int, str, str]:
        try:
            code = self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
        for reader in self.readers:
            reader.join(timeout=10)
        return code, self.text(), "\n".join(line for _, line in self.errors)

    def text(self) -> str:
        return "\n".join(line for _, line in self.lines)


TICK = "HH:MM:SS"


def _starts(line: str, starts: str) -> bool:
    return is_tick(line) if starts == TICK else line.startswith(starts)


def is_tick(line: str) -> bool:
    return re.match(r"\d\d:\d\d:\d\d ", line) is not None


def start_watch(*args: str) -> Watch:
    proc = subprocess.Popen(
        [*SLO, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
    )
    return Watch(proc)


def tick_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if is_tick(line)]


def caching_works(base_url: str) -> bool:
    path = fresh_query()
    httpx.get(base_url + path, timeout=10)
    return bool(httpx.get(base_url + path, timeout=10).headers.get("X-Cache") == "HIT")
