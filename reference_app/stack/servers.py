"""Command lines and configuration of the non-database parts: Redis, Prometheus, the service."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from .binaries import Binaries
from .files import write_atomic
from .model import LOOPBACK, PROMETHEUS, REDIS, REPLICA, SERVICE
from .state import StackState

SERVICE_JOB = "reference_app"
#: Variables the service reads; the launcher sets them, never inherits them.
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "READ_REPLICA_URL",
    "SUPABASE_READ_REPLICA_URL",
    "REDIS_URL",
    "CATALOG_CACHE_TTL",
    "CATALOG_LOCAL_CACHE_TTL",
    "CATALOG_LOCAL_CACHE_MAX_BYTES",
    "CATALOG_CACHE_MAX_OFFSET",
    "DB_POOL_SIZE_PRIMARY",
    "DB_POOL_SIZE_REPLICA",
    "REQUEST_DEADLINE_SECONDS",
    "REDIS_TIMEOUT_SECONDS",
    "REPLICA_MAX_LAG_SECONDS",
    "LOG_LEVEL",
)

PROMETHEUS_CONFIG = """\
# Written by reference_app.stack; regenerated on every start.
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: {service_job}
    static_configs:
      - targets: ["{host}:{service_port}"]
  - job_name: prometheus
    static_configs:
      - targets: ["{host}:{prometheus_port}"]
"""


def prometheus_config(state: StackState) -> str:
    """prometheus.yml: both scrape jobs, and `rule_files:` when the stack was given some."""
    config = PROMETHEUS_CONFIG.format(
        service_job=SERVICE_JOB,
        host=LOOPBACK,
        service_port=state.ports[SERVICE],
        prometheus_port=state.ports[PROMETHEUS],
    )
    if state.options.rule_files:
        # JSON strings are valid YAML and quote any path safely.
        files = "".join(
            f"  - {json.dumps(str(path.resolve()))}\n" for path in state.options.rule_files
        )
        config += f"rule_files:\n{files}"
    return config


def redis_argv(bins: Binaries, state: StackState) -> list[str]:
    """redis-server on loopback, without persistence: a restart starts with an empty cache.

    Bounded like a cache should be: past `maxmemory` the least recently used keys go.
    """
    assert bins.redis_server is not None
    return [
        bins.redis_server,
        "--bind", LOOPBACK,
        "--port", str(state.ports[REDIS]),
        "--maxmemory", state.options.redis_maxmemory,
        "--maxmemory-policy", "allkeys-lru",
        "--save", "",
        "--appendonly", "no",
        "--protected-mode", "yes",
        "--daemonize", "no",
        "--dir", str(state.data_dir(REDIS)),
    ]  # fmt: skip


def prometheus_argv(bins: Binaries, state: StackState) -> list[str]:
    """Prometheus scraping the service and itself every second (rules evaluated every
    second too), with its own tsdb."""
    data = state.data_dir(PROMETHEUS)
    data.mkdir(parents=True, exist_ok=True)
    config = data / "prometheus.yml"
    write_atomic(config, prometheus_config(state), mode=0o644)
    return [
        bins.prometheus,
        f"--config.file={config}",
        f"--storage.tsdb.path={data / 'tsdb'}",
        f"--web.listen-address={LOOPBACK}:{state.ports[PROMETHEUS]}",
        "--web.enable-lifecycle",
        "--web.enable-admin-api",
    ]


def service_argv(port: int) -> list[str]:
    return [sys.executable, "-m", "reference_app", "--host", LOOPBACK, "--port", str(port)]


def service_env(state: StackState) -> dict[str, str]:
    """The environment of CONTRACTS; REDIS_URL / READ_REPLICA_URL left out when switched off."""
    info = state.info()
    options = state.options
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    source_root = str(Path(__file__).resolve().parents[2])  # so `-m reference_app` imports
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [source_root, env.get("PYTHONPATH")]))
    env.update(
        DATABASE_URL=info.primary_dsn,
        CATALOG_CACHE_TTL=str(options.cache_ttl),
        DB_POOL_SIZE_PRIMARY=str(options.primary_pool),
        DB_POOL_SIZE_REPLICA=str(options.replica_pool),
        REQUEST_DEADLINE_SECONDS=str(options.deadline),
        LOG_LEVEL=options.log_level,
    )
    if info.redis_url is not None:
        env["REDIS_URL"] = info.redis_url
    if info.replica_dsn is not None and REPLICA in options.parts():
        env["READ_REPLICA_URL"] = info.replica_dsn
    return env
