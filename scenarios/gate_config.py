"""What the gate reads the server's side from, built once from Locust's options.

`GateConfig` holds everything the verdict needs (spec, profile, source, report
directory), validated at start-up so that a bad option costs no load; once the run
is over it builds the run's `RunConfig`.
`ServerSource` is started with the load and finished after it: the Prometheus
flavour only checks Prometheus answers; the embedded flavour scrapes the
target's `/metrics` every second for the whole run. While it runs, `view()`
reads what it has so far (the watch's ticks, `scenarios/watch.py`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from reports import Report, check_report_dir, read_json, redact_url
from scenarios.watch import Judge, WatchConfig, load_watch_config
from slo.errors import SourceError, UsageError
from slo.evaluate import RunConfig, SpecConfig, Window, evaluate
from slo.slis import ClientStats, profile_reads
from slo.sources import (
    EmbeddedScraper,
    EmbeddedSource,
    MetricSource,
    PrometheusConfig,
    PrometheusSource,
    SampleStore,
)
from slo.sources.prometheus import parse_headers, read_basic_auth, read_secret_file
from slo.spec import Resolver, Spec

__all__ = ["GateConfig", "ServerSource", "load_gate_config", "required_metrics"]

SCRAPE_INTERVAL = 1.0
# The gate has no --attest: an unattested objective's reason names what records one.
ATTEST_HINT = (
    "the Locust gate records no attestations; judge them with "
    "`slo check --attest {id}=pass|fail` or `slo review --attestations FILE`"
)


class ServerSource(Protocol):
    def start(self) -> None: ...
    def view(self) -> MetricSource:
        """The source as it is now, while the run goes on (SourceError: nothing yet)."""
        ...

    def finish(self) -> MetricSource: ...


class _Prometheus:
    def __init__(self, config: PrometheusConfig) -> None:
        self.source = PrometheusSource(config)

    def start(self) -> None:
        return None

    def view(self) -> MetricSource:
        return self.source

    def finish(self) -> MetricSource:
        return self.source


class _Embedded:
    def __init__(self, target: str, *, interval: float) -> None:
        self.url = target.rstrip("/") + "/metrics"
        self.store = SampleStore()
        self.scraper = EmbeddedScraper(self.url, self.store, interval=interval)

    def start(self) -> None:
        self.scraper.start()

    def view(self) -> MetricSource:
        """The samples scraped so far; the scraper goes on filling the same store (which
        locks around every read and write)."""
        return self._source("yet")

    def finish(self) -> MetricSource:
        self.scraper.stop()
        self.scraper.scrape_once()
        self.scraper.stop()  # closes the client the last scrape opened
        return self._source("")

    def _source(self, so_far: str) -> MetricSource:
        if self.scraper.scrapes == 0:
            detail = self.scraper.errors[-1] if self.scraper.errors else "no scrape"
            never = f"was not scraped {so_far}" if so_far else "was never scraped"
            raise SourceError(f"target {redact_url(self.url)} {never}: {detail}")
        return EmbeddedSource(self.store, description=f"embedded scrape of {redact_url(self.url)}")


def required_metrics(spec: Spec, profile: str, resolver: Resolver) -> tuple[str, ...]:
    """Sample names the profile reads from the server (what preflight looks for)."""
    return tuple(sorted({selector.name for selector in profile_reads(spec, profile, resolver)}))


@dataclass(frozen=True, kw_only=True)
class GateConfig:
    spec_config: SpecConfig
    target: str
    report_dir: Path
    warmup: float | None
    scrape_lag: float
    prometheus: PrometheusConfig | None
    baseline: Report | None = None
    baseline_label: str | None = None
    required_metrics: tuple[str, ...] = field(default=())
    scrape_interval: float = SCRAPE_INTERVAL
    watch: WatchConfig | None = None

    @property
    def secrets(self) -> tuple[str, ...]:
        """Credentials no report may show (the Prometheus password, token, headers)."""
        return tuple(self.prometheus.secrets()) if self.prometheus is not None else ()

    def server_source(self) -> ServerSource:
        if self.prometheus is not None:
            return _Prometheus(self.prometheus)
        return _Embedded(self.target, interval=self.scrape_interval)

    def run_config(
        self, *, window: Window, source: MetricSource | None, client: ClientStats
    ) -> RunConfig:
        """The run's configuration once it is over: the judged window and both sides' data."""
        return self.spec_config.run(
            window=window,
            source=source,
            client=client,
            baseline=self.baseline,
            baseline_label=self.baseline_label,
            target=self.target,
            secrets=self.secrets,
            attest_hint=ATTEST_HINT,
        )

    def watch_judge(self, watch: WatchConfig, server: ServerSource) -> Judge:
        """One tick of the watch: its profile over a window, read from the gate's own
        server source as the run goes (no client statistics, no baseline)."""

        def judge(window: Window) -> Report:
            return evaluate(
                watch.spec_config.run(
                    window=window,
                    source=server.view(),
                    time_scale=watch.time_scale,
                    target=self.target,
                    secrets=self.secrets,
                )
            )

        return judge


def _prometheus(options: Any) -> PrometheusConfig | None:
    if not options.prometheus_url:
        return None
    headers = parse_headers(options.prometheus_header, "--prometheus-header")
    token = basic = None
    if options.prometheus_bearer_token_file:
        option = "--prometheus-bearer-token-file"
        token = read_secret_file(options.prometheus_bearer_token_file, "token", option)
    if options.prometheus_basic_auth_file:
        basic = read_basic_auth(options.prometheus_basic_auth_file, "--prometheus-basic-auth-file")
    config = PrometheusConfig(
        url=options.prometheus_url,
        timeout=options.prometheus_timeout,
        headers=headers,
        basic_auth=basic,
        bearer_token=token,
    )
    # Fail before any load is sent, not after the run.
    PrometheusSource(config).instant("vector(1)", at=time.time())
    return config


def load_gate_config(options: Any, *, host: str | None) -> GateConfig:
    """Validate the gate's options; SloError (exit 3 or 4) or ValueError when wrong.

    Everything that needs no network comes first (the spec, the watch, the baseline, the
    report directory: writable, not a file), so a usage error costs no Prometheus query.
    """
    if not host:
        raise UsageError("no target: give --host URL (the catalog API under test)")
    chosen = SpecConfig.load(
        spec=options.slo_spec, mapping=options.slo_mapping, profile=options.slo_profile
    )
    watch = load_watch_config(options, chosen)
    baseline = read_json(options.baseline) if options.baseline else None
    report_dir = check_report_dir(Path(options.report_dir))
    return GateConfig(
        spec_config=chosen,
        target=host.rstrip("/"),
        report_dir=report_dir,
        warmup=options.warmup,
        scrape_lag=options.scrape_lag,
        scrape_interval=options.scrape_interval,
        prometheus=_prometheus(options),
        baseline=baseline,
        baseline_label=options.baseline,
        required_metrics=required_metrics(chosen.spec, chosen.profile, chosen.resolver),
        watch=watch,
    )
