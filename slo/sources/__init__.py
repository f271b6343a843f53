"""Where measurements come from: Prometheus, the embedded scraper's samples, Locust's
statistics. Each answers the SLIs' query values (``slo.query``) through ``QuerySource``."""

from __future__ import annotations

from slo.sources.base import MetricSource, QuerySource
from slo.sources.client import ClientSource
from slo.sources.embedded import EmbeddedSource
from slo.sources.prometheus import PrometheusConfig, PrometheusSource
from slo.sources.samples import Matcher, SampleStore
from slo.sources.scraper import EmbeddedScraper

__all__ = [
    "ClientSource",
    "EmbeddedScraper",
    "EmbeddedSource",
    "Matcher",
    "MetricSource",
    "PrometheusConfig",
    "PrometheusSource",
    "QuerySource",
    "SampleStore",
]
