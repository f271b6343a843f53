"""What every subcommand builds from its options: spec, resolver, window, source."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from reports import redact_url
from slo.cli.progress import Progress
from slo.errors import UsageError, quoted
from slo.evaluate import SpecConfig, Window
from slo.timeutil import parse_duration, parse_instant

if TYPE_CHECKING:  # the sources import their HTTP clients: only the commands that read one
    from slo.sources import EmbeddedSource, PrometheusConfig


def load(args: argparse.Namespace) -> SpecConfig:
    """``--spec`` (default: the shipped one) with ``--mapping`` merged, ``--profile`` checked."""
    return SpecConfig.load(
        spec=args.spec, mapping=getattr(args, "mapping", None), profile=args.profile
    )


def http_url(option: str, text: str) -> str:
    """``text`` if it is an http(s) URL with a host; else a ``UsageError`` naming ``option``
    (found before any request, instead of a "source unreachable")."""
    stripped = text.strip()
    if not stripped:
        raise UsageError(f"{option}: expected a URL such as http://127.0.0.1:9090, got ''")
    try:
        parts = urlsplit(stripped)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 (a port that is not a number raises ValueError here)
    except ValueError:
        valid = False
    if not valid:
        raise UsageError(
            f"{option}: expected an http:// or https:// URL with a host, such as "
            f"http://127.0.0.1:9090, got {quoted(redact_url(stripped))}"
        )
    return stripped


def report_dir(option: str, path: Path) -> Path:
    """``path`` as a writable directory (made if missing), checked before any window is
    sampled or any source asked; a ``UsageError`` naming ``option`` if it cannot be."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"{option}: {path} exists and is not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise UsageError(f"{option}: cannot write to {path} ({exc.strerror or exc})") from None
    return path


def _instant(option: str, text: str) -> float:
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def duration_option(option: str, text: str) -> float:
    """A duration option's seconds; a bad value is a usage error naming the option."""
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def window_from(args: argparse.Namespace, *, default_last: str | None = None) -> Window:
    """``--start/--end`` or ``--last DURATION`` ending now."""
    explicit = args.start is not None or args.end is not None
    if explicit and args.last:
        raise UsageError("give either --start/--end or --last, not both")
    if explicit:
        if args.start is None or args.end is None:
            raise UsageError("--start and --end go together")
        try:
            return Window(start=_instant("--start", args.start), end=_instant("--end", args.end))
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    last = args.last or default_last
    if last is None:
        raise UsageError("give a window: --start T --end T, or --last DURATION (e.g. 10m)")
    return Window.last(duration_option("--last", last), now=time.time())


def prometheus_config(args: argparse.Namespace) -> PrometheusConfig:
    """The Prometheus options as a client configuration (credentials read from their files)."""
    from slo.sources import PrometheusConfig
    from slo.sources.prometheus import parse_headers, read_basic_auth, read_secret_file

    headers = parse_headers(args.header, "--header")
    basic = None
    if args.basic_auth_file:
        basic = read_basic_auth(args.basic_auth_file, "--basic-auth-file")
    token = None
    if args.bearer_token_file:
        token = read_secret_file(args.bearer_token_file, "token", "--bearer-token-file")
    return PrometheusConfig(
        url=http_url("--prometheus-url", args.prometheus_url),
        timeout=args.timeout,
        headers=headers,
        basic_auth=basic,
        bearer_token=token,
        verify_tls=not args.insecure,
    )


def metrics_url(target: str) -> str:
    """``http://host:port`` -> ``http://host:port/metrics`` (a URL ending in /metrics is kept)."""
    stripped = target.rstrip("/")
    return stripped if stripped.endswith("/metrics") else stripped + "/metrics"


def sample_target(args: argparse.Namespace, duration: float) -> tuple[EmbeddedSource, Window]:
    """Scrape ``--target`` from now for ``duration`` seconds into a fresh store."""
    from slo.errors import SourceError
    from slo.sources import EmbeddedScraper, EmbeddedSource, SampleStore
    from slo.sources.unreachable import unreachable_reason

    store = SampleStore()
    url = metrics_url(http_url("--target", args.target))
    scraper = EmbeddedScraper(url, store, interval=args.scrape_interval, timeout=args.timeout)
    scraper.scrape_once()
    if scraper.scrapes == 0:
        failure = scraper.last_failure
        reason = failure and unreachable_reason(failure, timeout=args.timeout)
        if reason:
            raise SourceError(f"target {redact_url(url)} is unreachable: {reason}")
        raise SourceError(f"target {redact_url(url)} failed: {scraper.errors[-1]}")
    start = time.time()
    scraper.start()
    try:
        Progress(sys.stderr, what=f"sampling {redact_url(url)}").run(duration)
    finally:
        scraper.stop()
    scraper.scrape_once()
    end = time.time()
    source = EmbeddedSource(store, description=f"embedded scrape of {redact_url(url)}")
    return source, Window(start=start, end=end)
