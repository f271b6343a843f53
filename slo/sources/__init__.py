"""Where measurements come from: Prometheus, the embedded scraper's samples, Locust's
statistics. Each answers the SLIs' query values (``slo.query``) through ``QuerySource``."""

from __future__ import annotations

from slo.sources.base import MetricSource, QuerySource
from slo.sources.client import ClientSource
from slo.sources.embedded import EmbeddedSource
from slo.sources.exposition import parse_exposition
from slo.sources.locust_stats import (
    STATS_VERSION,
    load_stats_file,
    stats_from_dict,
    stats_from_locust,
    stats_to_dict,
)
from slo.sources.prometheus import PrometheusConfig, PrometheusSource
from slo.sources.samples import Matcher, SampleStore
from slo.sources.scraper import SCRAPE_DURATION, UP, EmbeddedScraper

__all__ = [
    "SCRAPE_DURATION",
    "STATS_VERSION",
    "UP",
    "ClientSource",
    "EmbeddedScraper",
    "EmbeddedSource",
    "Matcher",
    "MetricSource",
    "PrometheusConfig",
    "PrometheusSource",
    "QuerySource",
    "SampleStore",
    "load_stats_file",
    "parse_exposition",
    "stats_from_dict",
    "stats_from_locust",
    "stats_to_dict",
]
