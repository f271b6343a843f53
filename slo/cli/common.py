"""What every subcommand builds from its options: spec, resolver, window, source."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from slo.errors import SpecError, UsageError
from slo.evaluate import SpecConfig, Window
from slo.timeutil import parse_duration, parse_instant

if TYPE_CHECKING:  # the sources import their HTTP clients: only the commands that read one
    from slo.sources import EmbeddedSource, PrometheusConfig


def load(args: argparse.Namespace) -> SpecConfig:
    """``--spec`` (default: the shipped one) with ``--mapping`` merged, ``--profile`` checked."""
    return SpecConfig.load(
        spec=args.spec, mapping=getattr(args, "mapping", None), profile=args.profile
    )


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


def _read_secret(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the {what} ({exc.strerror})") from None


def prometheus_config(args: argparse.Namespace) -> PrometheusConfig:
    """The Prometheus options as a client configuration (credentials read from their files)."""
    from slo.sources import PrometheusConfig

    headers: dict[str, str] = {}
    for header in args.header:
        name, sep, value = header.partition(":")
        if not sep or not name.strip():
            raise UsageError(f"--header: expected 'NAME: VALUE', got {header!r}")
        headers[name.strip()] = value.strip()
    basic = None
    if args.basic_auth_file:
        user, sep, password = _read_secret(args.basic_auth_file, "USER:PASSWORD").partition(":")
        if not sep:
            raise SpecError(args.basic_auth_file, "", "expected USER:PASSWORD on one line")
        basic = (user, password)
    token = _read_secret(args.bearer_token_file, "token") if args.bearer_token_file else None
    return PrometheusConfig(
        url=args.prometheus_url,
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
    from reports import redact_url
    from slo.errors import SourceError
    from slo.sources import EmbeddedScraper, EmbeddedSource, SampleStore

    store = SampleStore()
    url = metrics_url(args.target)
    scraper = EmbeddedScraper(url, store, interval=args.scrape_interval, timeout=args.timeout)
    scraper.scrape_once()
    if scraper.scrapes == 0:
        raise SourceError(f"target {redact_url(url)} is unreachable: {scraper.errors[-1]}")
    start = time.time()
    scraper.start()
    try:
        time.sleep(duration)
    finally:
        scraper.stop()
    scraper.scrape_once()
    end = time.time()
    source = EmbeddedSource(store, description=f"embedded scrape of {redact_url(url)}")
    return source, Window(start=start, end=end)
