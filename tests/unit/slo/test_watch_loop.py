"""``slo watch``'s tick loop without servers: a fake clock, a scripted judge, real reports."""

from __future__ import annotations

import json
import time
from pathlib import Path

from watch_fakes import DOWN, START, FakeClock, report_of, watch

from reports import Report, Verdict, read_json
from slo.evaluate import Window
from slo.watch import run_on_trip

FAIL_CACHE = {"cache_hit_rate": 0.12}


def test_the_first_failed_tick_trips_the_watch_by_default(tmp_path: Path) -> None:
    run = watch(tmp_path, [None, FAIL_CACHE, None])
    assert run.result.exit_code == 1
    assert run.result.outcome == "tripped"
    assert len(run.judge.windows) == 2  # nothing judged after the trip
    assert "ROLLBACK: cache_hit_rate: Cache hit rate >90% (0% is not > 90%)" in run.out
    trip = read_json(tmp_path / "watch" / "report.json")
    assert trip.verdict == Verdict.FAIL
    assert trip.watch is not None and trip.watch.trip is not None
    assert trip.watch.trip.objective == "cache_hit_rate"
    assert [t.verdict for t in trip.watch.ticks] == [Verdict.PASS, Verdict.FAIL]
    assert {p.name for p in (tmp_path / "watch").iterdir()} >= {
        "report.json",
        "report.md",
        "report.html",
        "junit.xml",
    }
    summary = read_json(tmp_path / "watch" / "summary" / "report.json")
    assert (summary.verdict, summary.exit_code) == (Verdict.FAIL, 1)


def test_a_tick_line_gives_the_time_the_verdict_and_every_objective(tmp_path: Path) -> None:
    run = watch(tmp_path, [None, "warn", FAIL_CACHE], failure_limit=3)
    lines = run.out.splitlines()
    assert lines[0] == (
        "00:00:00 ok cache_hit_rate=pass latency_p95=pass primary_pool_utilization=pass "
        "replica_pool_utilization=pass timeout_error_rate=pass error_rate_increase=pass "
        "no_timeout_errors_48h=pass"
    )
    assert lines[1].startswith("00:00:15 ok cache_hit_rate=warn(91%) latency_p95=pass ")
    assert lines[2].startswith("00:00:30 FAIL cache_hit_rate=fail(12%) latency_p95=pass ")
    assert lines[2].endswith(" [failed 1/3]")


def test_the_reason_names_every_other_failing_objective(tmp_path: Path) -> None:
    run = watch(tmp_path, [{"cache_hit_rate": 0.1, "latency_p95": 0.9}])
    assert (
        "ROLLBACK: cache_hit_rate: Cache hit rate >90% (0% is not > 90%); also failing: latency_p95"
        in run.out
    )


def test_failed_ticks_count_in_total_consecutive_or_not(tmp_path: Path) -> None:
    run = watch(tmp_path, [FAIL_CACHE, None, None, FAIL_CACHE], failure_limit=2)
    assert run.result.exit_code == 1
    assert len(run.judge.windows) == 4
    assert "[failed 1/2]" in run.out and "[failed 2/2]" in run.out


def test_fewer_failed_ticks_than_the_limit_end_the_watch_with_a_pass(tmp_path: Path) -> None:
    run = watch(tmp_path, [FAIL_CACHE], failure_limit=2)
    assert run.result.exit_code == 0
    assert run.result.summary.watch is not None
    assert run.result.summary.watch.count(Verdict.FAIL) == 1


def test_inconclusive_limit_ticks_in_a_row_end_the_watch_with_exit_2(tmp_path: Path) -> None:
    script = ["blind", "blind", None, "blind", DOWN, "blind"]
    run = watch(tmp_path, script, inconclusive_limit=3, duration=600.0)
    assert run.result.exit_code == 2
    assert run.result.outcome == "blind"
    assert len(run.judge.windows) == 6  # the pass at tick 3 restarted the count
    assert "a watch that cannot see is not a pass" in run.out
    assert "00:00:15 inconclusive cache_hit_rate=inconclusive" in run.out
    assert "[no data 2/3]" in run.out
    summary = read_json(tmp_path / "watch" / "summary" / "report.json")
    assert (summary.verdict, summary.exit_code) == (Verdict.INCONCLUSIVE, 2)


def test_an_unreachable_source_is_a_no_data_line_and_the_next_tick_retries(
    tmp_path: Path,
) -> None:
    run = watch(tmp_path, [DOWN, DOWN, None])
    assert run.result.exit_code == 0
    lines = run.err.splitlines()
    assert lines[:2] == [
        "00:00:00 no data [1/4]: Prometheus at http://127.0.0.1:9 unreachable: Connection refused",
        "00:00:15 no data [2/4]: Prometheus at http://127.0.0.1:9 unreachable: Connection refused",
    ]
    assert "Traceback" not in run.out + run.err
    assert "00:00:30 ok cache_hit_rate=pass" in run.out


def test_reaching_for_without_a_trip_exits_0_with_a_summary_of_every_tick(
    tmp_path: Path,
) -> None:
    run = watch(tmp_path, [], every=15.0, duration=60.0)
    assert run.result.exit_code == 0
    assert [w.end - START for w in run.judge.windows] == [0, 15, 30, 45, 60]
    out = tmp_path / "watch" / "summary"
    summary = read_json(out / "report.json")
    assert summary.verdict == Verdict.PASS and summary.exit_code == 0
    assert summary.watch is not None and summary.watch.outcome == "completed"
    assert len(summary.watch.ticks) == 5
    assert summary.watch.ticks[0].objectives["cache_hit_rate"].verdict == Verdict.PASS
    assert summary.objective("cache_hit_rate").reason.startswith("5 tick(s) judged: 5 pass")
    assert not (tmp_path / "watch" / "report.json").exists()  # no trip, no trip report
    html = (out / "report.html").read_text()
    for objective in ("cache_hit_rate", "latency_p95", "timeout_error_rate"):
        assert f'id="chart-watch-{objective}"' in html
    assert html.count("<svg") >= 5
    markdown = (out / "report.md").read_text()
    assert "## ✅ SLO watch: PASS" in markdown
    assert "| 00:01:00 | ✅ pass |" in markdown


def test_ticks_keep_their_schedule_when_judging_takes_time(tmp_path: Path) -> None:
    run = watch(tmp_path, [], every=15.0, duration=45.0, takes=4.0)
    assert [w.end - START for w in run.judge.windows] == [0, 15, 30, 45]


def test_a_tick_longer_than_every_skips_the_slots_it_missed_and_says_so(
    tmp_path: Path,
) -> None:
    run = watch(tmp_path, [], every=15.0, duration=60.0, takes=20.0)
    assert [w.end - START for w in run.judge.windows] == [0, 30, 60]
    assert "took 20.0s, longer than --every 15s: skipped 1 tick(s)" in run.err


def test_each_tick_judges_the_rolling_window_ending_now(tmp_path: Path) -> None:
    run = watch(tmp_path, [], every=15.0, duration=15.0, window=300.0)
    assert run.judge.windows == [
        Window(start=START - 300, end=START),
        Window(start=START - 285, end=START + 15),
    ]


def test_ctrl_c_writes_the_summary_and_exits_130(tmp_path: Path) -> None:
    run = watch(tmp_path, [], clock=FakeClock(interrupt_after=3))
    assert run.result.exit_code == 130
    assert run.result.outcome == "interrupted"
    summary = read_json(tmp_path / "watch" / "summary" / "report.json")
    assert summary.exit_code == 130 and summary.verdict == Verdict.INCONCLUSIVE
    assert summary.watch is not None and len(summary.watch.ticks) == 3


def test_the_on_trip_command_runs_once_with_the_trip_in_its_environment(
    tmp_path: Path,
) -> None:
    log = tmp_path / "on-trip.log"
    command = f'env | grep ^SLO_TRIP_ | sort >> {log}; echo "rolled back"; exit 3'
    run = watch(tmp_path, [FAIL_CACHE, FAIL_CACHE], on_trip=command)
    env = dict(line.split("=", 1) for line in log.read_text().splitlines())
    report = tmp_path / "watch" / "report.json"
    assert env == {
        "SLO_TRIP_OBJECTIVE": "cache_hit_rate",
        "SLO_TRIP_REASON": "Cache hit rate >90% (0% is not > 90%)",
        "SLO_TRIP_REPORT": str(report.resolve()),
        "SLO_TRIP_PROFILE": "staging",
    }
    assert read_json(env["SLO_TRIP_REPORT"]).verdict == Verdict.FAIL  # written before it ran
    assert f"on-trip: {command}: exit 3 after" in run.out
    assert "output: rolled back" in run.out
    summary = read_json(tmp_path / "watch" / "summary" / "report.json")
    assert summary.watch is not None and summary.watch.trip is not None
    ran = summary.watch.trip.on_trip
    assert ran is not None and ran.exit_status == 3 and ran.output == "rolled back\n"
    assert "exit status 3" in (tmp_path / "watch" / "summary" / "report.md").read_text()
    assert run.result.exit_code == 1  # whatever the command did
    html = (tmp_path / "watch" / "summary" / "report.html").read_text()
    assert "ROLLBACK: cache_hit_rate: Cache hit rate &gt;90% (0% is not &gt; 90%)" in html
    assert "rolled back" in html


def test_the_on_trip_command_is_killed_with_its_children_at_its_timeout(
    tmp_path: Path,
) -> None:
    pids = tmp_path / "pids"
    started = time.monotonic()
    result = run_on_trip(f"echo $$ > {pids}; sleep 30; echo never", env={}, timeout=0.5)
    assert time.monotonic() - started < 10
    assert result.timed_out and result.exit_status is None
    assert "never" not in result.output
    group = int(pids.read_text())
    deadline = time.monotonic() + 5  # SIGKILL is delivered asynchronously
    while living_in_group(group) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert living_in_group(group) == []  # the shell's sleep went with it


def living_in_group(group: int) -> list[int]:
    """Pids of the processes of ``group`` that are not dead (zombies wait for a reaper)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, pgid = fields[0], int(fields[2])
        if pgid == group and state not in ("Z", "X"):
            found.append(int(stat.parent.name))
    return found


def test_a_timed_out_on_trip_command_still_ends_the_watch_with_exit_1(tmp_path: Path) -> None:
    run = watch(tmp_path, [FAIL_CACHE], on_trip="sleep 30", on_trip_timeout=0.3)
    assert run.result.exit_code == 1
    assert "on-trip: sleep 30: killed at the" in run.out


def test_json_lines_give_one_object_per_tick_then_the_trip_and_the_end(
    tmp_path: Path,
) -> None:
    run = watch(tmp_path, [None, DOWN, FAIL_CACHE], style="json", on_trip="echo hi")
    events = [json.loads(line) for line in run.out.splitlines()]
    assert [e["event"] for e in events] == [
        "tick", "tick", "tick", "trip", "report", "on_trip", "end"
    ]  # fmt: skip
    assert events[5]["exit_status"] == 0 and events[5]["output"] == "hi\n"
    assert set(events[5]) == {
        "event", "command", "exit_status", "timed_out", "seconds", "output"
    }  # fmt: skip
    first = events[0]
    assert first["time"] == "2026-01-01T00:00:00Z"
    assert first["window"] == {"start": "2025-12-31T23:55:00Z", "end": "2026-01-01T00:00:00Z"}
    assert first["verdict"] == "pass" and first["error"] is None
    assert first["objectives"]["cache_hit_rate"] == {
        "verdict": "pass",
        "value": 0.95,
        "reason": "95% > 90%",
    }
    assert events[1]["verdict"] == "inconclusive" and "Connection refused" in events[1]["error"]
    assert events[2]["objectives"]["cache_hit_rate"]["verdict"] == "fail"
    assert events[3]["objective"] == "cache_hit_rate"
    assert events[-1] == {
        "event": "end",
        "outcome": "tripped",
        "exit_code": 1,
        "message": "tripped: rollback called",
        "summary": str(tmp_path / "watch" / "summary" / "report.json"),
    }
    assert run.err == ""


def test_quiet_prints_only_the_trip_ticks_without_data_and_the_end(tmp_path: Path) -> None:
    run = watch(tmp_path, [None, DOWN, "blind", FAIL_CACHE], style="quiet")
    out = run.out.splitlines()
    assert "ok" not in " ".join(line.split()[1] for line in out if line[:2].isdigit())
    assert any(" inconclusive " in line for line in out)
    assert out[-2].startswith("ROLLBACK: cache_hit_rate:")
    assert out[-1].startswith("slo watch: tripped")
    assert "no data [1/4]" in run.err


def test_a_terminal_gets_a_status_line_rewritten_in_place(tmp_path: Path) -> None:
    run = watch(tmp_path, [], live=True, duration=15.0)
    assert "\r\x1b[Kwatching staging: 1 ticks, failed 0/1, no data 0/4, next in 15s" in run.out
    assert "\r\x1b[K00:00:15 ok" in run.out  # the status line is cleared before a tick line
    assert all(s <= 1.0 for s in run.clock.sleeps)


def test_the_summary_states_the_time_scale(tmp_path: Path) -> None:
    watch(tmp_path, [], time_scale=0.05, duration=15.0)
    summary = read_json(tmp_path / "watch" / "summary" / "report.json")
    assert summary.watch is not None and summary.watch.time_scale == 0.05
    assert "time scale 0.05" in (tmp_path / "watch" / "summary" / "report.md").read_text()
    assert "time scale 0.05" in (tmp_path / "watch" / "summary" / "report.html").read_text()


def test_a_watch_that_never_judged_a_tick_still_writes_a_summary(tmp_path: Path) -> None:
    run = watch(tmp_path, [DOWN] * 4)
    summary: Report = run.result.summary
    assert run.result.exit_code == 2
    assert summary.objective("cache_hit_rate").reason == (
        "no tick could be judged: Prometheus at http://127.0.0.1:9 unreachable: Connection refused"
    )
    assert report_of  # the fakes' reports are what the judged ticks carry


def test_markdown_keeps_60_tick_rows_with_every_failed_tick_and_html_keeps_them_all(
    tmp_path: Path,
) -> None:
    script: list[dict[str, float] | str | None] = [None] * 70
    script[3] = FAIL_CACHE
    run = watch(tmp_path, script, every=15.0, duration=15.0 * 70, failure_limit=2)
    assert run.result.exit_code == 0
    out = tmp_path / "watch" / "summary"
    rows = [line for line in (out / "report.md").read_text().splitlines() if line[4:5] == ":"]
    assert len(rows) == 60
    assert any(line.startswith("| 00:00:45 | ❌ fail |") for line in rows)
    assert rows[-1].startswith("| 00:17:30 | ✅ pass |")  # the latest
    assert "11 passing ticks not shown" in (out / "report.md").read_text()
    html = (out / "report.html").read_text()
    assert "Every tick (71)" in html and html.count('<tr class="pass"><td>') == 70
