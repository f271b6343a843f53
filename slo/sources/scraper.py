"""Samples a target's ``/metrics`` into a :class:`SampleStore` every ``interval`` seconds.

The scraper is the embedded source's stand-in for a Prometheus server: a background thread
on a drift-free schedule (scrape ``k`` is due at ``t0 + k * interval``; a scrape that
overruns skips the ticks it missed instead of shifting the ones after it). Like Prometheus it
adds ``up`` (1 or 0) and ``scrape_duration_seconds`` at every scrape. A failed scrape never
raises: its error is appended to :attr:`EmbeddedScraper.errors`, with the URL's password
and secret query parameters redacted (by :mod:`reports.redact`).
"""

from __future__ import annotations

import math
import threading
import time
from datetime import UTC, datetime
from types import TracebackType
from typing import Final

import httpx

from reports import redact_text, redact_url, url_secrets
from slo.sources.samples import SampleStore

__all__ = ["SCRAPE_DURATION", "UP", "EmbeddedScraper"]

UP: Final = "up"
SCRAPE_DURATION: Final = "scrape_duration_seconds"

# What Prometheus sends when it does not want OpenMetrics: the parser reads text 0.0.4.
_ACCEPT: Final = "text/plain;version=0.0.4;q=1.0,*/*;q=0.1"
_MAX_BODY_BYTES: Final = 64 * 1024 * 1024


class _ScrapeFailed(Exception):
    """A response that arrived but cannot be used (status, size, time)."""


class EmbeddedScraper:
    """Scrapes ``url`` into ``store``; ``start``/``stop`` the thread or call ``scrape_once``.

    ``timeout`` bounds each scrape as a whole (connect, headers and body). A ``client`` is
    used as given and never closed here; without one the scraper opens its own on first use
    and closes it in :meth:`stop`. Also a context manager (``with scraper:`` starts it).
    """

    def __init__(
        self,
        url: str,
        store: SampleStore,
        *,
        interval: float = 1.0,
        timeout: float = 2.0,
        client: httpx.Client | None = None,
    ) -> None:
        if not (math.isfinite(interval) and interval > 0):
            raise ValueError(f"scrape interval must be a positive number of seconds: {interval}")
        if not (math.isfinite(timeout) and timeout > 0):
            raise ValueError(f"scrape timeout must be a positive number of seconds: {timeout}")
        self.url = url
        self.store = store
        self.interval = float(interval)
        self.timeout = float(timeout)
        self.errors: list[str] = []
        self.last_failure: Exception | None = None  # the latest failed scrape's exception
        self.scrapes = 0  # successful ones
        self._client = client
        self._owns_client = client is None
        self._redacted_url = redact_url(url)
        self._scrape_lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Scrape now, then every ``interval`` s in a daemon thread until :meth:`stop`."""
        if self.running:
            raise RuntimeError(f"the scraper of {self._redacted_url} is already running")
        self._stopping = threading.Event()
        self._open_client()  # building a client takes a while; not inside the first scrape
        self._thread = threading.Thread(
            target=self._run,
            args=(self._stopping,),
            name=f"embedded-scraper {self._redacted_url}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the schedule; returns once a scrape in flight (bounded by timeout) ended."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._owns_client and self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> EmbeddedScraper:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def scrape_once(self) -> None:
        """One scrape, stored at the time it began; a failure is recorded, never raised."""
        with self._scrape_lock:
            ts = time.time()
            began = time.monotonic()
            try:
                text = self._fetch(began + self.timeout)
                took = time.monotonic() - began
                self.store.add_scrape(ts, text, extra=[(UP, {}, 1.0), (SCRAPE_DURATION, {}, took)])
            except Exception as exc:  # recorded, never raised: the schedule must go on
                took = time.monotonic() - began
                self.store.add_failed_scrape(ts, extra=[(UP, {}, 0.0), (SCRAPE_DURATION, {}, took)])
                self.errors.append(self._describe(ts, exc))
                self.last_failure = exc
            else:
                self.scrapes += 1

    def _open_client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(follow_redirects=True)
        return self._client

    def _fetch(self, deadline: float) -> str:
        client = self._open_client()
        headers = {"Accept": _ACCEPT}
        with client.stream("GET", self.url, headers=headers, timeout=self.timeout) as resp:
            if resp.status_code != httpx.codes.OK:
                raise _ScrapeFailed(f"HTTP {resp.status_code} {resp.reason_phrase}")
            body = bytearray()
            for chunk in resp.iter_bytes():
                body.extend(chunk)
                if len(body) > _MAX_BODY_BYTES:
                    raise _ScrapeFailed(f"body larger than {_MAX_BODY_BYTES} bytes")
                if time.monotonic() > deadline:
                    raise _ScrapeFailed(f"body not received within {self.timeout:g} s")
            return bytes(body).decode(resp.charset_encoding or "utf-8", errors="replace")

    def _describe(self, ts: float, exc: Exception) -> str:
        when = datetime.fromtimestamp(ts, tz=UTC).isoformat(timespec="milliseconds")
        if isinstance(exc, _ScrapeFailed):
            detail = str(exc)
        elif isinstance(exc, httpx.TimeoutException):
            detail = f"{type(exc).__name__}: no answer within {self.timeout:g} s ({exc})"
        else:
            detail = f"{type(exc).__name__}: {exc or 'no detail'}"
        return f"{when} GET {self._redacted_url}: {self._redact(detail)}"

    def _redact(self, text: str) -> str:
        return redact_text(text.replace(self.url, self._redacted_url), url_secrets(self.url))

    def _run(self, stopping: threading.Event) -> None:
        origin = time.monotonic()
        tick = 0
        while not stopping.is_set():
            self.scrape_once()
            now = time.monotonic()
            tick = max(tick + 1, math.floor((now - origin) / self.interval) + 1)
            if stopping.wait(origin + tick * self.interval - now):
                return
