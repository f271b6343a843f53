"""What the gate reads the server's side from, built once from Locust's options.

`GateConfig` holds everything the verdict needs (spec, profile, source, report
directory), validated at start-up so that a bad option costs no load.
`ServerSource` is started with the load and finished after it: the Prometheus
flavour only checks Prometheus answers; the embedded flavour scrapes the
target's `/metrics` every second for the whole run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from reports import Report, read_json
from slo.errors import SourceError, SpecError, UsageError
from slo.evaluate.sources import MetricSource
from slo.slis import ClientDef, build_sli
from slo.sources.embedded import EmbeddedScraper, redact_url
from slo.sources.prometheus import PrometheusConfig, PrometheusSource
from slo.sources.samples import SampleStore
from slo.sources.store import EmbeddedSource
from slo.spec import Resolver, Spec, default_spec_path, load_mapping, load_spec

__all__ = ["GateConfig", "ServerSource", "load_gate_config", "required_metrics"]

SCRAPE_INTERVAL = 1.0
PROMETHEUS_TIMEOUT = 10.0


class ServerSource(Protocol):
    def start(self) -> None: ...
    def finish(self) -> MetricSource: ...


class _Prometheus:
    def __init__(self, config: PrometheusConfig) -> None:
        self.source = PrometheusSource(config)

    def start(self) -> None:
        return None

    def finish(self) -> MetricSource:
        return self.source


class _Embedded:
    def __init__(self, target: str, *, interval: float) -> None:
        self.url = target.rstrip("/") + "/metrics"
        self.store = SampleStore()
        self.scraper = EmbeddedScraper(self.url, self.store, interval=interval)

    def start(self) -> None:
        self.scraper.start()

    def finish(self) -> MetricSource:
        self.scraper.stop()
        self.scraper.scrape_once()
        self.scraper.stop()  # closes the client the last scrape opened
        if self.scraper.scrapes == 0:
            detail = self.scraper.errors[-1] if self.scraper.errors else "no scrape"
            raise SourceError(f"target {redact_url(self.url)} was never scraped: {detail}")
        return EmbeddedSource(self.store, description=f"embedded scrape of {redact_url(self.url)}")


def required_metrics(spec: Spec, profile: str, resolver: Resolver) -> tuple[str, ...]:
    """Sample names the profile reads from the server (what preflight looks for)."""
    names: set[str] = set()
    for objective in spec.profiles[profile].objectives:
        sli = build_sli(objective.sli, resolver)
        if not isinstance(sli, ClientDef):
            names.update(selector.name for selector in sli.selectors())
    return tuple(sorted(names))


@dataclass(frozen=True, kw_only=True)
class GateConfig:
    spec: Spec
    spec_label: str
    resolver: Resolver
    profile: str
    target: str
    report_dir: Path
    warmup: float | None
    scrape_lag: float
    prometheus: PrometheusConfig | None
    baseline: Report | None = None
    baseline_label: str | None = None
    required_metrics: tuple[str, ...] = field(default=())
    scrape_interval: float = SCRAPE_INTERVAL

    @property
    def secrets(self) -> tuple[str, ...]:
        """Credentials no report may show (the Prometheus password, token, headers)."""
        return tuple(self.prometheus.secrets()) if self.prometheus is not None else ()

    def server_source(self) -> ServerSource:
        if self.prometheus is not None:
            return _Prometheus(self.prometheus)
        return _Embedded(self.target, interval=self.scrape_interval)


def _prometheus(options: Any) -> PrometheusConfig | None:
    if not options.prometheus_url:
        return None
    token = None
    if options.prometheus_bearer_token_file:
        try:
            token = Path(options.prometheus_bearer_token_file).read_text("utf-8").strip()
        except OSError as exc:
            raise UsageError(
                f"--prometheus-bearer-token-file: cannot read it ({exc.strerror})"
            ) from None
    config = PrometheusConfig(
        url=options.prometheus_url, timeout=PROMETHEUS_TIMEOUT, bearer_token=token
    )
    # Fail before any load is sent, not after the run.
    PrometheusSource(config).instant("vector(1)", at=time.time())
    return config


def load_gate_config(options: Any, *, host: str | None) -> GateConfig:
    """Validate the gate's options; SloError (exit 3 or 4) or ValueError when wrong."""
    if not host:
        raise UsageError("no target: give --host URL (the catalog API under test)")
    path = Path(options.slo_spec) if options.slo_spec else default_spec_path()
    spec = load_spec(path)
    resolver = Resolver(spec.metrics)
    if options.slo_mapping:
        resolver = resolver.merged(load_mapping(options.slo_mapping).metrics)
    if options.slo_profile not in spec.profiles:
        known = ", ".join(sorted(spec.profiles))
        raise UsageError(f"{path}: no profile {options.slo_profile!r} (known: {known})")
    baseline = None
    if options.baseline:
        try:
            baseline = read_json(Path(options.baseline))
        except (OSError, ValueError) as exc:
            raise SpecError(options.baseline, "", f"expected a report.json, got {exc}") from None
    return GateConfig(
        spec=spec,
        spec_label=str(path),
        resolver=resolver,
        profile=options.slo_profile,
        target=host.rstrip("/"),
        report_dir=Path(options.report_dir),
        warmup=options.warmup,
        scrape_lag=options.scrape_lag,
        scrape_interval=options.scrape_interval,
        prometheus=_prometheus(options),
        baseline=baseline,
        baseline_label=options.baseline,
        required_metrics=required_metrics(spec, options.slo_profile, resolver),
    )
