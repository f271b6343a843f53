"""``slo watch`` on the command line without a metrics server: usage errors exit 3 before
any request, an unreachable Prometheus ends blind with exit 2, Ctrl-C exits 130."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from ports import closed_port, connected

from reports import read_json
from slo.cli import main
from slo.cli.parser import build_parser, parse_args
from slo.cli.watch_cmd import prepare, settings_from
from slo.evaluate import Window
from slo.watch import DEFAULTS

SLO = [sys.executable, "-m", "slo.cli"]
START = 1_767_225_600.0  # 2026-01-01T00:00:00Z


def watch_args(url: str, *extra: str) -> list[str]:
    return ["watch", "--profile", "staging", "--prometheus-url", url, *extra]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--every", "15x"], "--every: expected a duration such as 10m"),
        (["--window", "0s"], "--window: expected a positive duration, got '0s'"),
        (["--for", "soon"], "--for: expected a duration"),
        (["--on-trip-timeout", "0s"], "--on-trip-timeout: expected a positive duration"),
        (["--failure-limit", "0"], "--failure-limit: expected a whole number of ticks >= 1"),
        (["--inconclusive-limit", "0"], "--inconclusive-limit: expected a whole number"),
        (["--failure-limit", "1.5"], "argument --failure-limit: invalid int value"),
        (["--time-scale", "0"], "--time-scale: expected 0 < F <= 1, got 0"),
        (["--time-scale", "2"], "--time-scale: expected 0 < F <= 1, got 2"),
        (["--profile", "nope"], "no profile 'nope'"),
        (["--baseline", "b.json", "--baseline-start", "2026-01-01T00:00:00Z"], "give one baseline"),
        (["--baseline-start", "2026-01-01T00:00:00Z"], "--start and --end go together"),
        (["--quiet", "--json-lines"], "not allowed with argument"),
    ],
)
def test_bad_input_exits_3_with_a_clear_message_before_any_request(
    listener: socket.socket,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    extra: list[str],
    message: str,
) -> None:
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    code = main(watch_args(url, "--report-dir", str(tmp_path / "out"), *extra))
    err = capsys.readouterr().err
    assert code == 3
    assert message in err
    assert not connected(listener)
    assert not (tmp_path / "out").exists()


def test_a_missing_prometheus_url_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["watch", "--profile", "staging"]) == 3
    assert "the following arguments are required: --prometheus-url" in capsys.readouterr().err


def test_the_defaults_are_the_ones_the_help_states() -> None:
    args = parse_args(watch_args("http://127.0.0.1:9"), {})
    settings = settings_from(args)
    assert (settings.every, settings.window, settings.duration) == (15.0, 300.0, 7200.0)
    assert (settings.failure_limit, settings.inconclusive_limit) == (1, 4)
    assert settings.on_trip_timeout == 30.0
    assert str(settings.report_dir) == DEFAULTS["report_dir"] == "reports-out/watch"
    assert settings.time_scale == 1.0
    text = build_parser()._subparsers._group_actions[0].choices["watch"].format_help()  # type: ignore[union-attr]
    for claim in ("(default 15s)", "(default 5m)", "(default 2h)", "(default 30s)",
                  "consecutive or not", "(default 4)", "(default reports-out/watch)",
                  "130 interrupted (Ctrl-C), after writing the summary"):  # fmt: skip
        assert claim in " ".join(text.split())


def test_an_unreachable_prometheus_ends_blind_with_exit_2_and_no_traceback(
    tmp_path: Path,
) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    run = subprocess.run(
        [
            *SLO,
            *watch_args(
                url, "--every", "0.2s", "--inconclusive-limit", "3", "--report-dir", str(tmp_path)
            ),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2, run.stdout + run.stderr
    lines = [line for line in run.stderr.splitlines() if " no data " in line]
    assert len(lines) == 3
    assert lines[0].endswith(f"no data [1/3]: Prometheus at {url} unreachable: Connection refused")
    assert "Traceback" not in run.stdout + run.stderr
    assert "a watch that cannot see is not a pass (exit 2)" in run.stdout
    assert read_json(tmp_path / "summary" / "report.json").exit_code == 2


def test_ctrl_c_writes_the_summary_and_exits_130(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    proc = subprocess.Popen(
        [
            *SLO,
            *watch_args(
                url,
                "--every",
                "0.2s",
                "--inconclusive-limit",
                "1000",
                "--report-dir",
                str(tmp_path),
            ),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        while " no data [2/1000]" not in proc.stderr.readline():  # two ticks done
            assert proc.poll() is None
        os.kill(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, out + err
    assert "slo watch: interrupted (exit 130)" in out
    assert "Traceback" not in out + err
    summary = read_json(tmp_path / "summary" / "report.json")
    assert summary.exit_code == 130
    assert summary.watch is not None and summary.watch.outcome == "interrupted"
    assert len(summary.watch.ticks) >= 2


def test_the_time_scale_and_baseline_window_reach_every_ticks_run_configuration(
    tmp_path: Path,
) -> None:
    args = parse_args(
        watch_args(
            "http://user:s3cret@127.0.0.1:9",
            "--time-scale", "0.05",
            "--baseline-start", "2026-01-01T00:00:00Z",
            "--baseline-end", "2026-01-01T01:00:00Z",
            "--report-dir", str(tmp_path),
        ),
        {},
    )  # fmt: skip
    ready = prepare(args)
    config = ready.config_for(Window(start=START, end=START + 300))
    assert config.time_scale == 0.05
    assert config.baseline_window == Window(start=START, end=START + 3600)
    assert config.profile == "staging"
    assert "s3cret" in config.secrets  # kept out of every report written
    assert ready.subject.target == "http://user:***@127.0.0.1:9"
