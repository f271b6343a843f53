"""`locust -f locustfile.py` judges its own run: real load on the reference stack.

Each run is bounded (a smoke shape of 20-30 s, all on 127.0.0.1) and runs in
its own process, as a user runs it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from reference_app.stack import StackInfo, spawn_service

ROOT = Path(__file__).resolve().parents[2]
LOCUST = [sys.executable, "-m", "locust", "-f", str(ROOT / "locustfile.py"), "--headless"]
# 20 users for 30 s, the first 12 s (cache warm-up) never judged.
HEALTHY = ["--shape", "smoke", "--peak-users", "20", "--hold", "28", "--warmup", "12"]
#: A credential sent to Prometheus in a header: no report, log or output may show it.
SECRET_TOKEN = "gate-test-t0ken-8c1f"


@dataclass(frozen=True)
class Run:
    code: int
    output: str
    report: dict[str, object] | None

    def verdict_of(self, objective: str) -> str:
        assert self.report is not None, self.output[-3000:]
        objectives = self.report["objectives"]
        assert isinstance(objectives, list)
        return next(o["verdict"] for o in objectives if o["id"] == objective)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_locust(
    host: str,
    report_dir: Path,
    args: Sequence[str],
    *,
    extra: Sequence[str] = (),
    timeout: float = 150,
    env: Mapping[str, str] | None = None,
) -> Run:
    cmd = [
        *LOCUST,
        "--host",
        host,
        "--report-dir",
        str(report_dir),
        "--only-summary",
        *args,
        *extra,
    ]
    done = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
        env=None if env is None else {**os.environ, **env},
    )
    path = report_dir / "report.json"
    report = json.loads(path.read_text()) if path.exists() else None
    return Run(code=done.returncode, output=done.stdout + done.stderr, report=report)


@pytest.fixture(scope="module")
def healthy_run(stack: StackInfo, tmp_path_factory: pytest.TempPathFactory) -> Run:
    out = tmp_path_factory.mktemp("healthy")
    return run_locust(stack.service_url, out, [*HEALTHY, "--prometheus-url", stack.prometheus_url])


def test_a_healthy_run_against_the_cached_stack_passes(healthy_run: Run) -> None:
    assert healthy_run.code == 0, healthy_run.output[-3000:]
    assert healthy_run.report is not None
    assert healthy_run.report["verdict"] == "pass"
    for objective in ("cache_hit_rate", "latency_p95", "primary_pool_utilization"):
        assert healthy_run.verdict_of(objective) == "pass"
    assert "verdict: PASS (exit 0)" in healthy_run.output


def test_the_client_and_the_server_counted_the_same_requests(healthy_run: Run) -> None:
    assert healthy_run.report is not None
    client = healthy_run.report["client"]
    assert isinstance(client, dict)
    assert client["requests"] > 300
    gap = abs(client["requests"] - client["server_requests"]) / client["requests"]
    assert gap < 0.05, client


def test_the_gate_logs_the_warm_up_end_and_the_judged_windows_start_and_end(
    healthy_run: Run,
) -> None:
    out = healthy_run.output
    said = [
        "SLO gate: warm-up over after 12 s (never judged)",
        "SLO gate: judged window starts 12 s into the run; it ends 30 s in (18 s judged)",
        "SLO gate: judged window ended 30 s into the run",
        "SLO gate: judging ",
    ]
    assert all(line in out for line in said), out[-3000:]
    assert [out.index(line) for line in said] == sorted(out.index(line) for line in said)


def test_the_report_header_shows_the_load_the_targets_version_and_each_route(
    healthy_run: Run,
) -> None:
    report = healthy_run.report
    assert report is not None
    load = report["load"]
    assert isinstance(load, dict)
    assert (load["shape"], load["peak_users"]) == ("smoke", 20)
    assert load["requests"] > 300 and 29 <= load["duration_s"] <= 40
    # The reference service states its version (1.0.0) in its OpenAPI document, and in
    # /health should it ever add one there.
    version = report["target_version"]
    assert isinstance(version, dict) and version["version"], version
    assert version["source"] in ("/health", "/openapi.json")
    client = report["client"]
    assert isinstance(client, dict)
    routes = client["routes"]
    assert "/models?limit=10" in [r["name"] for r in routes]
    assert sum(r["requests"] for r in routes) == client["requests"]
    assert all(r["p50_ms"] <= r["p95_ms"] <= r["p99_ms"] for r in routes)


def test_a_short_gated_run_counts_what_it_judged_and_says_what_its_window_cannot_show(
    healthy_run: Run,
) -> None:
    headline = (
        "5 of 7 gating objectives judged, all met; "
        "2 not judged: error_rate_increase, no_timeout_errors_48h"
    )
    # 18 s planned, in whole seconds: 17 or 18.
    note = re.search(
        r"PASS for this 1[78] s window; the 24 h and 48 h criteria need "
        r"`slo check --last 48h` or `slo review`",
        healthy_run.output,
    )
    assert headline in healthy_run.output and note is not None, healthy_run.output[-3000:]
    assert healthy_run.report is not None
    assert healthy_run.report["summary"] == f"PASS: {headline}. {note.group(0)}"
    assert healthy_run.code == 0  # the note changes no exit code


def test_a_distributed_run_gives_the_same_verdict_as_a_local_one(
    stack: StackInfo, healthy_run: Run, tmp_path: Path
) -> None:
    port = free_port()
    master_args = [
        "--master",
        "--expect-workers",
        "2",
        "--master-bind-host",
        "127.0.0.1",
        "--master-bind-port",
        str(port),
    ]
    # A worker needs only the locustfile and the installed package (examples/distributed/):
    # each starts in a directory holding a copy of the locustfile alone, with no spec, no
    # repository on its path and no gate option.
    alone = tmp_path / "worker"
    alone.mkdir()
    shutil.copy(ROOT / "locustfile.py", alone / "locustfile.py")
    assert [p.name for p in alone.iterdir()] == ["locustfile.py"]
    worker_cmd = [
        *[sys.executable, "-m", "locust", "-f", "locustfile.py", "--headless"],
        *["--worker", "--master-host", "127.0.0.1", "--master-port", str(port)],
    ]
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    logs = [(tmp_path / f"worker-{i}.log").open("w") for i in range(2)]
    workers = [
        subprocess.Popen(
            worker_cmd, cwd=alone, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
        for log in logs
    ]
    # the master's queries carry headers (a tenant's, and a credential Prometheus ignores)
    headers = ["X-Scope-OrgID: catalog", f"Authorization: Bearer {SECRET_TOKEN}"]
    try:
        run = run_locust(
            stack.service_url,
            tmp_path,
            [*HEALTHY, "--prometheus-url", stack.prometheus_url]
            + [arg for header in headers for arg in ("--prometheus-header", header)],
            extra=master_args,
        )
    finally:
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        for log in logs:
            log.close()
    (tmp_path / "master.log").write_text(run.output, encoding="utf-8")
    assert run.code == healthy_run.code == 0, run.output[-3000:]
    assert [w.returncode for w in workers] == [0, 0]
    assert run.report is not None and healthy_run.report is not None
    verdicts = {o["id"]: o["verdict"] for o in run.report["objectives"]}  # type: ignore[union-attr]
    local = {o["id"]: o["verdict"] for o in healthy_run.report["objectives"]}  # type: ignore[union-attr]
    assert verdicts == local
    client = run.report["client"]
    assert (
        isinstance(client, dict) and client["requests"] > 300
    )  # workers' counts reached the master
    written = [p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) > 4 and not [text for text in written if SECRET_TOKEN in text]


def test_the_same_run_with_caching_off_fails_on_hit_rate_and_latency(
    stack: StackInfo, tmp_path: Path
) -> None:
    # The guide's "before": no cache and no replica, every read on a primary pool that
    # is too small for the load (one connection), so latency queues up on any machine,
    # however fast its uncached query.
    before = {"REDIS_URL": None, "READ_REPLICA_URL": None, "DB_POOL_SIZE_PRIMARY": "1"}
    with spawn_service(stack, before) as uncached:
        # No Prometheus scrapes this extra service: the gate samples its /metrics itself.
        run = run_locust(
            uncached.url,
            tmp_path,
            ["--shape", "smoke", "--peak-users", "50", "--hold", "20", "--warmup", "6"],
        )
    assert run.code == 1, run.output[-3000:]
    assert run.verdict_of("cache_hit_rate") == "fail"
    assert run.verdict_of("latency_p95") == "fail"
    assert "FAIL         cache_hit_rate" in run.output


def test_an_unreachable_prometheus_exits_4_before_any_load(
    stack: StackInfo, tmp_path: Path
) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    run = run_locust(stack.service_url, tmp_path, ["--shape", "smoke", "--prometheus-url", closed])
    assert run.code == 4, run.output[-3000:]
    assert closed in run.output
    assert "Traceback" not in run.output
    assert "All users spawned" not in run.output


def test_a_target_that_fails_preflight_gets_no_load_and_exits_4(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    run = run_locust(dead, tmp_path, ["--shape", "smoke"])
    assert run.code == 4, run.output[-3000:]
    assert "preflight failed, no load sent (health:" in run.output
    assert "All users spawned" not in run.output


def test_load_the_servers_metrics_do_not_see_is_inconclusive(
    stack: StackInfo, tmp_path: Path
) -> None:
    # Locust loads an extra service; Prometheus scrapes only the stack's own.
    with spawn_service(stack, {}) as unseen:
        run = run_locust(
            unseen.url,
            tmp_path,
            [
                "--shape",
                "smoke",
                "--peak-users",
                "10",
                "--hold",
                "12",
                "--warmup",
                "4",
                "--prometheus-url",
                stack.prometheus_url,
            ],
        )
    assert run.code == 2, run.output[-3000:]
    assert run.report is not None and run.report["verdict"] == "inconclusive"
    assert "server counted" in run.output


def test_an_unknown_profile_is_bad_usage_exit_3(stack: StackInfo, tmp_path: Path) -> None:
    run = run_locust(stack.service_url, tmp_path, ["--slo-profile", "nope"])
    assert run.code == 3, run.output[-3000:]
    assert "no profile 'nope'" in run.output


@contextmanager
def offerings_locked(dsn: str) -> Iterator[None]:
    """Hold ACCESS EXCLUSIVE on `offerings` from another process: every catalog read waits."""
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, dsn], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.kill()
        holder.wait(timeout=10)


LOCK_HOLDER = """
import asyncio, sys
import asyncpg
async def main():
    conn = await asyncpg.connect(sys.argv[1])
    tx = conn.transaction(); await tx.start()
    await conn.execute("LOCK TABLE offerings IN ACCESS EXCLUSIVE MODE")
    print("locked", flush=True)
    await asyncio.sleep(120)
asyncio.run(main())
"""


def test_users_give_up_after_the_client_timeout_and_the_server_logs_499(
    stack: StackInfo, tmp_path: Path
) -> None:
    slow = {"REDIS_URL": None, "READ_REPLICA_URL": None, "REQUEST_DEADLINE_SECONDS": "30"}
    with spawn_service(stack, slow) as service, offerings_locked(stack.primary_dsn):
        run = run_locust(
            service.url,
            tmp_path,
            [
                "--shape",
                "smoke",
                "--peak-users",
                "5",
                "--hold",
                "8",
                "--warmup",
                "2",
                "--client-timeout",
                "0.5",
                "--skip-preflight",
            ],
        )
    assert run.report is not None, run.output[-3000:]
    client = run.report["client"]
    assert isinstance(client, dict)
    assert client["timeouts"] > 0
    objectives = run.report["objectives"]
    assert isinstance(objectives, list)
    rate = next(o for o in objectives if o["id"] == "timeout_error_rate")
    assert rate["verdict"] == "fail", (rate["reason"], client)
    assert rate["value"] > 0.001  # the server counted the 499s
    stats = json.loads((tmp_path / "locust-stats.json").read_text())
    assert sum(row["num_timeouts"] for row in stats["stats"] if row["name"] == "Aggregated") > 0


# The guide's escalation criteria judged during the run over the last 10 s, every 2 s,
# with "for 5 minutes" scaled to 15 s.
WATCH = [
    "--watch-profile",
    "escalation",
    "--watch-every",
    "2",
    "--watch-window",
    "10s",
    "--watch-time-scale",
    "0.05",
]


def test_the_watch_stops_a_run_whose_cache_is_off_and_exits_1(
    stack: StackInfo, tmp_path: Path
) -> None:
    planned = 60.0  # the shape's own length; the watch must stop it long before
    with spawn_service(stack, {"REDIS_URL": None}) as uncached:
        began = time.monotonic()
        # No Prometheus scrapes this extra service: the watch reads the gate's own scrapes.
        run = run_locust(
            uncached.url,
            tmp_path,
            ["--shape", "smoke", "--peak-users", "20", "--hold", str(planned), "--warmup", "2"],
            extra=WATCH,
        )
        elapsed = time.monotonic() - began
    assert run.code == 1, run.output[-3000:]
    assert "ROLLBACK: cache_completely_failing: Cache completely failing" in run.output
    assert "run stopped early, exit 1" in run.output
    # Locust's start-up, the trip and the gate's end, well within the planned minute
    # (the first tick, 2 s in, trips: about 4 s in all).
    assert elapsed < planned / 3, (elapsed, run.output[-3000:])
    trip = json.loads((tmp_path / "watch-trip.json").read_text())
    assert (trip["profile"], trip["objective"]) == ("escalation", "cache_completely_failing")
    assert trip["time_scale"] == 0.05
    assert trip["report"]["time_scale"] == 0.05
    verdicts = {o["id"]: o["verdict"] for o in trip["report"]["objectives"]}
    assert verdicts["cache_completely_failing"] == "fail"


def test_in_distributed_mode_the_master_watches_and_stops_the_workers(
    stack: StackInfo, tmp_path: Path
) -> None:
    with spawn_service(stack, {"REDIS_URL": None}) as uncached:
        began = time.monotonic()
        run = run_locust(
            uncached.url,
            tmp_path,
            ["--shape", "smoke", "--peak-users", "20", "--hold", "60", "--processes", "2"],
            # The first tick 4 s in: the steady phase (from 2 s) has seconds to judge.
            extra=[*WATCH[:2], "--watch-every", "4", *WATCH[4:]],
        )
        elapsed = time.monotonic() - began
    assert run.code == 1, run.output[-3000:]
    assert elapsed < 30, (elapsed, run.output[-3000:])
    # One watch (the master's; workers judge nothing): one trip logged.
    assert run.output.count("ERROR/slo.gate: ROLLBACK: cache_completely_failing:") == 1
    assert (tmp_path / "watch-trip.json").exists()
    # The steady seconds before the stop were judged too; the trip decides the exit code.
    assert run.report is not None, run.output[-3000:]
    # The report records the trip, and its verdict and exit code agree with the process.
    assert (run.report["verdict"], run.report["exit_code"]) == ("fail", 1)
    trip = run.report["watch_trip"]
    assert (trip["profile"], trip["objective"]) == ("escalation", "cache_completely_failing")
    assert trip["time_scale"] == 0.05
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "the escalation watch called ROLLBACK (cache\\_completely\\_failing" in markdown
    # The steady-state table first, then the trip that decides the exit code.
    assert run.output.index("verdict: ") < run.output.index("watch: ROLLBACK: ")


def test_the_watch_over_the_healthy_stack_never_trips_and_the_run_ends_normally(
    stack: StackInfo, tmp_path: Path
) -> None:
    began = time.monotonic()
    run = run_locust(
        stack.service_url,
        tmp_path,
        [*HEALTHY, "--prometheus-url", stack.prometheus_url],
        extra=WATCH,
    )
    elapsed = time.monotonic() - began
    assert run.code == 0, run.output[-3000:]
    assert "ROLLBACK" not in run.output
    assert "watch escalation tick 1 at " in run.output
    assert not (tmp_path / "watch-trip.json").exists()
    assert elapsed > 28  # the whole shape ran (20 users for 28 s)
    assert run.report is not None and run.report["verdict"] == "pass"


@pytest.mark.parametrize(
    ("args", "env", "words"),
    [
        (["--watch-profile", "nope"], None, "no profile 'nope'"),
        ([], {"LOCUST_WATCH_PROFILE": "nope"}, "no profile 'nope'"),
        (
            ["--watch-profile", "escalation", "--watch-window", "5 minutes"],
            None,
            "--watch-window: expected a duration such as",
        ),
        (
            ["--watch-profile", "escalation", "--no-slo-gate"],
            None,
            "--watch-profile needs the gate",
        ),
    ],
    ids=["unknown profile", "from the environment", "bad window", "no gate"],
)
def test_a_bad_watch_option_is_bad_usage_exit_3_before_any_load(
    stack: StackInfo, tmp_path: Path, args: list[str], env: dict[str, str] | None, words: str
) -> None:
    run = run_locust(stack.service_url, tmp_path, args, env=env)
    assert run.code == 3, run.output[-3000:]
    assert words in run.output
    assert "All users spawned" not in run.output
