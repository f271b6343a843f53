"""``slo watch --profile escalation`` (the guide's "Rollback immediately if") against the
reference stack's real Prometheus, which scrapes every second: a watch over the healthy
stack reaches --for and exits 0 with every objective judged; killing Redis trips
``cache_completely_failing``, stopping the replica trips ``read_replica_causing_errors``
(each within the bound of the issue, measured and printed); stopping Prometheus mid-watch
ends it blind with exit 2. Every part stopped is started again before the test ends (the
stack is shared by the session). Traffic goes only to 127.0.0.1 and stops after a bounded
time."""

from __future__ import annotations

import json
import os
import signal
import time
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from service_probe import fresh_query, metric, wait_for
from watch_process import TICK, Watch, caching_works, start_watch, tick_lines, traffic

from reference_app.stack import StackInfo, load_stack, start_part, stop_part
from reference_app.stack.servers import SERVICE_JOB
from reports import Verdict, read_json
from slo.timeutil import iso

pytestmark = pytest.mark.timeout(90)

#: The stack's Prometheus scrapes every second (reference_app/stack/servers.py).
SCRAPE = 1.0
EVERY, WINDOW = 2.0, 15.0
#: Query time, the stop of a part, the service noticing: what the bound does not count.
SLACK = 1.5
#: At time scale 0.05, response_time_over_2s_5min's min_window of 5m is 15 s: the window.
ESCALATION = (
    "--profile", "escalation", "--every", "2s", "--window", "15s", "--time-scale", "0.05",
    "--timeout", "5",
)  # fmt: skip
OBJECTIVES = (
    "error_rate_increase_5pct",
    "response_time_over_2s_5min",
    "cache_completely_failing",
    "read_replica_causing_errors",
)


def catalog_paths(base_url: str) -> list[str]:
    """Cached list pages (hits), /gateways and a model's page (read from the replica on
    every request, so a stopped replica shows at once)."""
    first = httpx.get(f"{base_url}/models?limit=1", timeout=10).json()["data"][0]["id"]
    return [
        "/models?limit=10",
        "/gateways",
        "/models?limit=20",
        f"/models/{first}",
        "/models?limit=5&offset=10",
    ]


def start_escalation_watch(stack: StackInfo, out_dir: Path, *args: str) -> Watch:
    return start_watch(
        *ESCALATION, "--prometheus-url", stack.prometheus_url, "--report-dir", str(out_dir), *args
    )


def replica_used_again(base_url: str) -> bool:
    """A cache miss (a catalog read) that the replica answered."""
    before = metric(base_url, "read_replica_queries_total", status="success", table="models")
    httpx.get(base_url + fresh_query(), timeout=10)
    after = metric(base_url, "read_replica_queries_total", status="success", table="models")
    return after > before


def prometheus_sum(prometheus_url: str, query: str) -> float:
    response = httpx.get(f"{prometheus_url}/api/v1/query", params={"query": query}, timeout=5)
    response.raise_for_status()
    return sum(float(sample["value"][1]) for sample in response.json()["data"]["result"])


def settled(stack: StackInfo) -> bool:
    """Prometheus shows no replica error and some cache hit over the last window (and two
    scrapes more): an earlier fault (here or in another test file) is out of the windows
    the watches judge. Needs traffic."""
    span = f"{WINDOW + 2 * SCRAPE:g}s"
    url = stack.prometheus_url
    errors = prometheus_sum(url, f"sum(increase(read_replica_connection_errors_total[{span}]))")
    errors += prometheus_sum(
        url, f'sum(increase(read_replica_queries_total{{status="error"}}[{span}]))'
    )
    return (
        errors == 0 and prometheus_sum(url, f"sum(increase(catalog_cache_hits_total[{span}]))") > 0
    )


def scraped_throughout(prometheus_url: str) -> bool:
    """Prometheus scraped the service every second of the last window (and two more)."""
    span = WINDOW + 2 * SCRAPE
    samples = prometheus_sum(
        prometheus_url, f'count_over_time(up{{job="{SERVICE_JOB}"}}[{span:g}s])'
    )
    return samples >= span / SCRAPE - 1


def warm_up(stack: StackInfo) -> None:
    """Inside a traffic block: enough /models requests in the first window (min_requests)
    and no earlier fault left in it."""
    time.sleep(4)
    assert wait_for(lambda: settled(stack), timeout=30, interval=0.5)


def unix(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def report_delay(what: str, delay: float, bound: float, *, read: float, took: float) -> None:
    print(
        f"\n{what}: fault to trip tick {delay:.2f} s (bound {bound:.1f} s); "
        f"line read {read:.2f} s after the fault; stopping took {took:.2f} s"
    )


@pytest.fixture(scope="module")
def baseline(stack: StackInfo) -> list[str]:
    """A window of healthy traffic before the watches, their --baseline-start/--baseline-end,
    so error_rate_increase_5pct is judged rather than skipped."""
    assert wait_for(lambda: caching_works(stack.service_url), timeout=30)
    with traffic(stack.service_url, seconds=20, paths=catalog_paths(stack.service_url)) as statuses:
        time.sleep(2)
        start = time.time()
        time.sleep(8)
        end = time.time()
        time.sleep(SCRAPE + 0.5)  # the window's last requests scraped
    assert set(statuses) == {200}
    return ["--baseline-start", iso(start), "--baseline-end", iso(end)]


def test_an_escalation_watch_over_the_healthy_stack_judges_every_objective_and_exits_0(
    stack: StackInfo, baseline: list[str], tmp_path: Path
) -> None:
    with traffic(stack.service_url, seconds=60, paths=catalog_paths(stack.service_url)) as statuses:
        warm_up(stack)
        watch = start_escalation_watch(stack, tmp_path, "--for", "30s", *baseline)
        code, out, err = watch.finish(timeout=60)
    print(f"\n{out}")
    assert code == 0, out + err
    ticks = tick_lines(out)
    assert len(ticks) == 16, out  # at 0, 2, ... 30 s
    healthy = " ok " + " ".join(f"{name}=pass" for name in OBJECTIVES)
    assert all(t[8:] == healthy for t in ticks), out
    assert "slo watch: reached --for 30s without a trip (exit 0)" in out
    assert err == "", err
    assert set(statuses) == {200}
    summary = read_json(tmp_path / "summary" / "report.json")
    assert (summary.verdict, summary.exit_code) == (Verdict.PASS, 0)
    assert summary.watch is not None and len(summary.watch.ticks) == 16
    assert summary.watch.time_scale == 0.05
    for name in OBJECTIVES:
        assert summary.objective(name).verdict == Verdict.PASS, name
    # judged against the baseline, not skipped; the sustained slices at the time scale
    assert "vs baseline" in summary.objective("error_rate_increase_5pct").reason
    assert "(x0.05: 3s) slices" in summary.objective("response_time_over_2s_5min").reason
    assert not (tmp_path / "report.json").exists()  # no trip


def test_killing_redis_trips_cache_completely_failing_within_a_window_and_a_tick(
    stack: StackInfo, baseline: list[str], tmp_path: Path
) -> None:
    out_dir = tmp_path / "watch"
    with traffic(stack.service_url, seconds=75, paths=catalog_paths(stack.service_url)) as statuses:
        warm_up(stack)
        watch = start_escalation_watch(stack, out_dir, "--for", "60s", *baseline)
        try:
            watch.wait_lines(TICK, 2, timeout=20)
            assert " FAIL " not in watch.text(), watch.text()
            pid = load_stack(stack.dir).pids["redis"]
            fault_at = time.time()
            os.kill(pid, signal.SIGKILL)
            assert wait_for(lambda: "redis" not in load_stack(stack.dir).pids, timeout=5)
            killed = time.time() - fault_at
            read_at = watch.wait_lines("ROLLBACK: ", 1, timeout=WINDOW + EVERY + 15)
            code, out, err = watch.finish(timeout=30)
        finally:
            start_part(stack, "redis")  # a no-op when it still runs
    print(f"\n{out}\n{err}")
    assert code == 1, out + err
    rollback = [line for line in out.splitlines() if line.startswith("ROLLBACK: ")]
    assert len(rollback) == 1, out
    assert rollback[0].startswith(
        "ROLLBACK: cache_completely_failing: Cache completely failing (read as: "
    ), rollback
    assert "also failing" not in rollback[0]  # Redis gone breaks nothing else
    ticks = tick_lines(out)
    assert " FAIL " in ticks[-1] and "cache_completely_failing=fail(" in ticks[-1], out
    assert all(" ok " in t for t in ticks[:-1]), out
    assert "Traceback" not in out + err
    assert set(statuses) == {200}  # every request served without the cache
    report_json = out_dir / "report.json"
    assert f"report of the tripping window: {report_json}" in err
    for name in ("report.json", "report.md", "report.html", "junit.xml"):
        assert (out_dir / name).is_file(), name
    trip_report = read_json(report_json)
    tripped = trip_report.objective("cache_completely_failing")
    assert (tripped.verdict, tripped.value) == (Verdict.FAIL, 0)
    summary = read_json(out_dir / "summary" / "report.json")
    assert (summary.verdict, summary.exit_code) == (Verdict.FAIL, 1)
    assert summary.watch is not None and summary.watch.trip is not None
    assert summary.watch.trip.objective == "cache_completely_failing"
    assert summary.watch.trip.at.strftime("%H:%M:%S") == ticks[-1][:8]
    # No hit in the window holds once a whole window has passed since the last hit (the
    # last scrape before the kill); the next tick sees it, one scrape later at most.
    delay = summary.watch.trip.at.timestamp() - fault_at
    bound = WINDOW + EVERY + SCRAPE + SLACK
    report_delay(
        "Redis SIGKILL -> cache_completely_failing", delay, bound,
        read=read_at - fault_at, took=killed,
    )  # fmt: skip
    assert WINDOW - 2 * SCRAPE <= delay <= bound
    assert wait_for(lambda: caching_works(stack.service_url), timeout=30)
    with traffic(
        stack.service_url, seconds=30, paths=catalog_paths(stack.service_url)
    ):  # the fault out of the next windows
        assert wait_for(lambda: settled(stack), timeout=30, interval=0.5)


def test_stopping_the_replica_trips_read_replica_causing_errors_within_a_tick(
    stack: StackInfo, baseline: list[str], tmp_path: Path
) -> None:
    out_dir = tmp_path / "watch"
    info = stack
    with traffic(stack.service_url, seconds=60, paths=catalog_paths(stack.service_url)) as statuses:
        warm_up(stack)
        watch = start_escalation_watch(stack, out_dir, "--for", "40s", "--json-lines", *baseline)
        try:
            watch.wait_lines('{"event": "tick"', 2, timeout=20)
            fault_at = time.time()
            info = stop_part(stack, "replica")
            stopped = time.time() - fault_at
            read_at = watch.wait_lines('{"event": "trip"', 1, timeout=EVERY + SCRAPE + 15)
            code, out, err = watch.finish(timeout=30)
        finally:
            start_part(info, "replica")  # a no-op when it still runs
    print(f"\n{out}")
    assert code == 1, out + err
    assert err == "", err  # --json-lines: nothing on stderr
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["event"] for e in events[-3:]] == ["trip", "report", "end"], out
    ticks = [e for e in events if e["event"] == "tick"]
    trip, report, end = events[-3:]
    assert all(t["verdict"] == "pass" for t in ticks[:-1]), out
    assert ticks[-1]["verdict"] == "fail" and ticks[-1]["time"] == trip["time"]
    verdicts = {name: o["verdict"] for name, o in ticks[-1]["objectives"].items()}
    assert verdicts == {name: "pass" for name in OBJECTIVES} | {
        "read_replica_causing_errors": "fail"
    }, verdicts
    assert ticks[-1]["objectives"]["read_replica_causing_errors"]["value"] > 0
    assert trip["objective"] == "read_replica_causing_errors"
    assert trip["reason"].startswith("Read replica causing errors (read as: ")
    assert report["path"] == str(out_dir / "report.json") and Path(report["path"]).is_file()
    assert (end["outcome"], end["exit_code"]) == ("tripped", 1)
    assert set(statuses) == {200}  # reads fell back to the primary
    assert read_json(out_dir / "report.json").objective("read_replica_causing_errors").verdict == (
        Verdict.FAIL
    )
    # The condition holds as soon as one error is counted: the next tick sees it, one
    # scrape later at most.
    delay = unix(trip["time"]) - fault_at
    bound = EVERY + SCRAPE + SLACK
    report_delay(
        "replica stop -> read_replica_causing_errors", delay, bound,
        read=read_at - fault_at, took=stopped,
    )  # fmt: skip
    assert 0 < delay <= bound
    assert wait_for(lambda: replica_used_again(stack.service_url), timeout=40, interval=0.5)
    with traffic(
        stack.service_url, seconds=30, paths=catalog_paths(stack.service_url)
    ):  # the fault out of the next windows
        assert wait_for(lambda: settled(stack), timeout=30, interval=0.5)


def test_prometheus_stopped_mid_watch_ends_it_blind_with_exit_2(
    stack: StackInfo, tmp_path: Path
) -> None:
    url = stack.prometheus_url
    info = stack
    with traffic(stack.service_url, seconds=60, paths=catalog_paths(stack.service_url)):
        warm_up(stack)
        watch = start_escalation_watch(stack, tmp_path, "--for", "60s", "--inconclusive-limit", "3")
        try:
            watch.wait_lines(TICK, 2, timeout=20)
            info = stop_part(stack, "prometheus")
            code, out, err = watch.finish(timeout=40)
        finally:
            start_part(info, "prometheus")  # same port and data; a no-op when it runs
            # /-/ready comes at once, the scrapes some 5 s later (and `up` still shows the
            # last sample before the stop): wait for a whole window of fresh scrapes.
            scraping = wait_for(lambda: scraped_throughout(url), timeout=50, interval=0.5)
    print(f"\n{out}\n{err}")
    assert scraping, "the restarted Prometheus has not scraped the service for a window"
    assert code == 2, out + err
    ticks = tick_lines(out)
    assert len(ticks) >= 2 and all(" ok " in t for t in ticks), out
    # the first may have met Prometheus shutting down; the last found the port closed
    no_data = [line.split(" ", 1)[1] for line in err.splitlines() if " no data [" in line]
    assert [line.split(": ", 1)[0] for line in no_data] == [f"no data [{n}/3]" for n in (1, 2, 3)]
    assert all(f"Prometheus at {url}" in line for line in no_data), err
    assert no_data[-1] == f"no data [3/3]: Prometheus at {url} unreachable: Connection refused"
    assert "Traceback" not in out + err
    assert "a watch that cannot see is not a pass (exit 2)" in out
    summary = read_json(tmp_path / "summary" / "report.json")
    assert (summary.verdict, summary.exit_code) == (Verdict.INCONCLUSIVE, 2)
    assert summary.watch is not None and summary.watch.outcome == "blind"
    assert not (tmp_path / "report.json").exists()
