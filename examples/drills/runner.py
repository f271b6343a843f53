"""Run one drill: a fresh stack, its Chaos Toolkit experiment, its expectations, its report.

    drill = run_drill(Path("examples/drills/experiments/redis-killed.yaml"), DrillOptions(...))

The stack is started with the launcher's own command (``python -m reference_app.stack up
--dir DIR``) in a fresh directory under /tmp, and always stopped (``down``) at the end;
its logs are kept in the drill's report directory. The experiment is run through
chaostoolkit-lib (``chaoslib.experiment.run_experiment``) with its rollbacks always
played; its journal is kept as ``journal.json`` beside the drill's ``drill.json`` and
``report.md``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from chaoslib.configuration import load_configuration
from chaoslib.experiment import ensure_experiment_is_valid, run_experiment
from chaoslib.extension import get_extension
from chaoslib.loader import load_experiment

from slo.metrics import HTTP_REQUESTS, LABEL_PATH, LABEL_STATUS
from slo.query import Increase, render_query
from slo.spec import Resolver, Selector
from slo.timeutil import parse_duration

from .evaluation import EXTENSION, evaluate
from .recovery import prometheus_sees_up
from .report import write_drill_report

__all__ = ["EXPERIMENTS", "DrillOptions", "Target", "experiment_files", "run_drill"]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
EXPERIMENTS = HERE / "experiments"
CRITERIA = HERE / "criteria.yaml"
#: The order `make drills` runs them in (any other experiment file follows, by name).
ORDER = (
    "redis-killed",
    "redis-paused",
    "replica-stopped",
    "replica-lagging",
    "primary-slow",
    "prometheus-down",
    "worker-lost",
    "rollback-cache",
    "rollback-replica",
)
STACK_TIMEOUT_SECONDS = 180.0
#: Chaos Toolkit plays the rollbacks whatever happened (the restore is idempotent).
SETTINGS = {"runtime": {"rollbacks": {"strategy": "always"}}}

log = logging.getLogger("drills")


@dataclass(frozen=True, kw_only=True)
class Target:
    """Where an experiment runs: the stack a drill started, or a deployment of yours."""

    service_url: str
    prometheus_url: str
    #: The reference stack's directory (its fault actions need it); None for yours.
    stack_dir: Path | None = None


@dataclass(frozen=True, kw_only=True)
class DrillOptions:
    out_dir: Path
    #: Run against this deployment instead of starting a stack per drill.
    target: Target | None = None
    #: The experiments' `short` timings (the test suite's), instead of their own.
    short: bool = False
    #: Configuration values over the experiment's (and over `short`'s).
    overrides: Mapping[str, Any] = field(default_factory=dict)


def experiment_files(names: list[str] | None = None) -> list[Path]:
    """The experiment files, `ORDER` first; `names` picks some (by drill name)."""
    found = {p.stem: p for p in EXPERIMENTS.glob("*.yaml")}
    ordered = [found[n] for n in ORDER if n in found] + sorted(
        p for n, p in found.items() if n not in ORDER
    )
    if names:
        unknown = [n for n in names if n not in found]
        if unknown:
            raise ValueError(f"no drill {', '.join(unknown)}; there are: {', '.join(found)}")
        return [p for p in ordered if p.stem in names]
    return ordered


@contextlib.contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _stack(command: str, stack_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reference_app.stack", command, "--dir", str(stack_dir), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=STACK_TIMEOUT_SECONDS,
        check=False,
    )


@contextlib.contextmanager
def _deployment(
    name: str, extension: Mapping[str, Any], target: Target | None, out: Path, history_s: float
) -> Iterator[tuple[Target | None, str | None]]:
    """The given target as it is; else a fresh stack (`python -m reference_app.stack up`),
    always stopped (`down`) at the end, its logs kept in `out/stack-logs`."""
    if target is not None:
        yield target, None
        return
    stack_dir = _new_stack_dir(name)
    try:
        log.info("[%s] starting the stack in %s", name, stack_dir)
        up = _stack("up", stack_dir, "--json", *extension.get("stack_options", []))
        if up.returncode != 0:
            error = f"the stack did not start (exit {up.returncode}): {up.stderr.strip()[-2000:]}"
            yield None, error
            return
        parts = json.loads(up.stdout)["parts"]
        prometheus_url = parts["prometheus"]["url"]
        # the steady state judges the last 10 s and the watch its window: the scrapes
        # before the service listened (a stack without the replica is up sooner) must be
        # older than that, and Prometheus must have scraped for that long (scrape coverage)
        if not prometheus_sees_up(prometheus_url, window_s=history_s)["again"]:
            log.warning("[%s] Prometheus did not see every part up for %g s", name, history_s)
        yield (
            Target(
                service_url=parts["service"]["url"],
                prometheus_url=prometheus_url,
                stack_dir=stack_dir,
            ),
            None,
        )
    finally:
        down = _stack("down", stack_dir)
        if down.returncode != 0:
            log.warning("[%s] stack down: %s", name, down.stderr.strip())
        if (stack_dir / "logs").is_dir():
            shutil.copytree(stack_dir / "logs", out / "stack-logs", dirs_exist_ok=True)
        shutil.rmtree(stack_dir, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _new_stack_dir(name: str) -> Path:
    # short, under /tmp, traversable by the `postgres` user the launcher runs PostgreSQL as
    path = Path(tempfile.mkdtemp(prefix=f"drill-{name}-", dir="/tmp"))
    path.chmod(0o755)
    return path


def run_drill(path: Path, options: DrillOptions) -> dict[str, Any]:
    """Run the experiment at `path` against a fresh stack (or `options.target`); the
    drill's summary entry."""
    experiment = load_experiment(str(path))
    extension = get_extension(experiment, EXTENSION) or {}
    name = str(extension.get("drill") or path.stem)
    out = (options.out_dir / name).resolve()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    began = time.time()
    overrides: dict[str, Any] = dict(extension.get("short") or {}) if options.short else {}
    overrides.update(options.overrides)
    window = (experiment.get("configuration") or {}).get("watch_window", "10s")
    journal: dict[str, Any] = {}
    config: dict[str, Any] = {}
    server: dict[str, Any] = {}
    setup_error = None
    try:
        history = max(10.0, parse_duration(str(overrides.get("watch_window", window))) + 1.0)
        with _deployment(name, extension, options.target, out, history) as (target, error):
            setup_error = error
            if target is not None:
                env = {
                    "DRILL_SERVICE_URL": target.service_url,
                    "DRILL_PROMETHEUS_URL": target.prometheus_url,
                    "DRILL_OUT": str(out),
                    "DRILL_LOCUSTFILE": str(ROOT / "locustfile.py"),
                    "DRILL_CRITERIA": str(CRITERIA),
                    # a free loopback port for a distributed run's Locust master
                    "DRILL_MASTER_PORT": str(_free_port()),
                    # `slo` and `locust` of this environment for the process activities
                    "PATH": os.pathsep.join(
                        [str(Path(sys.executable).parent), os.environ.get("PATH", "")]
                    ),
                }
                if target.stack_dir is not None:
                    env["DRILL_STACK_DIR"] = str(target.stack_dir)
                with _environment(env):
                    ensure_experiment_is_valid(experiment)
                    log.info("[%s] running %s", name, path.name)
                    journal = run_experiment(
                        experiment, settings=SETTINGS, experiment_vars=(dict(overrides), {})
                    )
                    config = load_configuration(
                        experiment.get("configuration", {}), dict(overrides)
                    )
                server = _server_statuses(target.prometheus_url, since=began)
    except Exception as exc:  # a drill that cannot run is a failed drill, not a crash
        log.exception("[%s] the drill could not run", name)
        setup_error = f"{type(exc).__name__}: {exc}"
    (out / "journal.json").write_text(json.dumps(journal, indent=2, default=str) + "\n")
    drill = evaluate(name, experiment, journal, config, server=server, setup_error=setup_error)
    drill.update(
        experiment=_relative(path),
        journal=_relative(out / "journal.json"),
        report=_relative(out / "report.md"),
        duration_s=round(time.time() - began, 1),
        short=options.short,
        server=server,
    )
    (out / "drill.json").write_text(json.dumps(drill, indent=2) + "\n")
    write_drill_report(drill, out / "report.md")
    log.info("[%s] %s in %.0f s", name, "OK" if drill["ok"] else "NOT OK", drill["duration_s"])
    return drill


def _server_statuses(prometheus_url: str, *, since: float) -> dict[str, Any]:
    """The service's own count of the drill's requests by status (its /metrics scrapes
    aside), from Prometheus: what users got, seen from the server (499: the client left)."""
    seconds = max(1, round(time.time() - since))
    requests = Resolver().resolve(Selector(metric=HTTP_REQUESTS))
    served = requests.with_matcher(LABEL_PATH, "!=", "/metrics")
    query = render_query(Increase(selector=served, by=(LABEL_STATUS,)), window=f"{seconds}s")
    try:
        answer = httpx.get(
            f"{prometheus_url}/api/v1/query", params={"query": query}, timeout=10, trust_env=False
        ).json()
        statuses = {
            r["metric"].get("status", "?"): round(float(r["value"][1]))
            for r in answer["data"]["result"]
        }
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    failed = sum(n for status, n in statuses.items() if status.startswith("5") or status == "499")
    return {"statuses": dict(sorted(statuses.items())), "failed": failed, "query": query}


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
