"""``slo watch`` against the reference stack's real Prometheus: a healthy watch reaches
--for and exits 0; stopping Redis mid-watch trips it (ROLLBACK, report, --on-trip, exit 1);
an unreachable Prometheus ends it blind with exit 2. Traffic goes only to 127.0.0.1 and
stops after a bounded time."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

from service_probe import wait_for
from watch_process import caching_works, start_watch, tick_lines, traffic

from reference_app.stack import StackInfo, start_part, stop_part
from reports import Verdict, read_json


def test_a_watch_over_the_healthy_stack_reaches_for_and_exits_0(
    stack: StackInfo, tmp_path: Path
) -> None:
    with traffic(stack.service_url, seconds=60) as statuses:
        time.sleep(4)  # enough requests in the first window for min_requests
        watch = start_watch(
            "--profile", "staging", "--prometheus-url", stack.prometheus_url,
            "--every", "2s", "--window", "10s", "--for", "20s", "--report-dir", str(tmp_path),
        )  # fmt: skip
        code, out, err = watch.finish(timeout=90)
    assert code == 0, out + err
    ticks = tick_lines(out)
    assert len(ticks) == 11  # at 0, 2, ... 20 s
    assert all(" ok cache_hit_rate=pass latency_p95=pass " in t for t in ticks), out
    assert "slo watch: reached --for 20s without a trip (exit 0)" in out
    assert "Traceback" not in out + err
    assert set(statuses) == {200}
    summary = read_json(tmp_path / "summary" / "report.json")
    assert (summary.verdict, summary.exit_code) == (Verdict.PASS, 0)
    assert summary.watch is not None and len(summary.watch.ticks) == 11
    assert not (tmp_path / "report.json").exists()  # no trip
    html = (tmp_path / "summary" / "report.html").read_text()
    assert 'id="chart-watch-cache_hit_rate"' in html and "<svg" in html


def test_stopping_redis_mid_watch_trips_it_with_a_rollback_report_and_on_trip(
    stack: StackInfo, tmp_path: Path
) -> None:
    env_file = tmp_path / "on-trip.env"
    out_dir = tmp_path / "watch"
    info = stack
    with traffic(stack.service_url, seconds=90) as statuses:
        time.sleep(4)
        watch = start_watch(
            "--profile", "staging", "--prometheus-url", stack.prometheus_url,
            "--every", "1s", "--window", "10s", "--for", "60s", "--report-dir", str(out_dir),
            "--on-trip", f"env | grep ^SLO_TRIP_ | sort > {env_file}; echo rolled back",
        )  # fmt: skip
        try:
            first_ok = watch.wait_line(time.strftime("%H"), timeout=30)
            assert " ok " in watch.text(), watch.text()
            time.sleep(max(0.0, first_ok + 3 - time.time()))  # a few healthy ticks
            fault_at = time.time()
            info = stop_part(stack, "redis")
            stopped = time.time() - fault_at
            tripped_at = watch.wait_line("ROLLBACK: ", timeout=40)
            code, out, err = watch.finish(timeout=60)
        finally:
            start_part(info, "redis")
    delay = tripped_at - fault_at
    print(f"\nfault (Redis stop begun) to ROLLBACK line: {delay:.2f} s (stop took {stopped:.2f} s)")
    (tmp_path / "delay.json").write_text(json.dumps({"detection_delay_s": delay}))
    assert code == 1, out + err
    rollback = next(line for line in out.splitlines() if line.startswith("ROLLBACK: "))
    assert rollback.startswith("ROLLBACK: cache_hit_rate: Cache hit rate >90% (")
    assert 0 < delay < 15
    assert "on-trip: env | grep" in out and "exit 0" in out and "output: rolled back" in out
    assert "Traceback" not in out + err
    assert set(statuses) == {200}  # the service served every request without its cache
    report_json = (out_dir / "report.json").resolve()
    for name in ("report.json", "report.md", "report.html", "junit.xml"):
        assert (out_dir / name).is_file()
    trip = read_json(report_json)
    assert trip.objective("cache_hit_rate").verdict == Verdict.FAIL
    assert any(series.id == "cache_hit_rate" and series.has_data for series in trip.timeseries)
    env = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
    assert env == {
        "SLO_TRIP_OBJECTIVE": "cache_hit_rate",
        "SLO_TRIP_PROFILE": "staging",
        "SLO_TRIP_REASON": rollback.removeprefix("ROLLBACK: cache_hit_rate: "),
        "SLO_TRIP_REPORT": str(report_json),
    }
    summary = read_json(out_dir / "summary" / "report.json")
    assert summary.watch is not None and summary.watch.trip is not None
    ran = summary.watch.trip.on_trip
    assert ran is not None and ran.exit_status == 0 and "rolled back" in ran.output
    assert wait_for(lambda: caching_works(stack.service_url), timeout=30)


def test_an_unreachable_prometheus_ends_the_watch_blind_with_exit_2(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    watch = start_watch(
        "--profile", "staging", "--prometheus-url", closed, "--every", "1s",
        "--inconclusive-limit", "3", "--report-dir", str(tmp_path),
    )  # fmt: skip
    code, out, err = watch.finish(timeout=60)
    assert code == 2, out + err
    no_data = [line for line in err.splitlines() if " no data [" in line]
    assert [line.split(" ", 1)[1] for line in no_data] == [
        f"no data [{n}/3]: Prometheus at {closed} unreachable: Connection refused"
        for n in (1, 2, 3)
    ]
    assert "Traceback" not in out + err
    assert "a watch that cannot see is not a pass (exit 2)" in out
    assert read_json(tmp_path / "summary" / "report.json").verdict == Verdict.INCONCLUSIVE
