"""Every entry of ``slo`` hard to misuse: a bad input is one line and exit 3 before any
request, a bug is one line and exit 5 with the traceback in a log, and the help says what
each command takes and returns."""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from ports import closed_port, connected
from prometheus_client import CollectorRegistry, Counter, start_http_server

from slo.cli import check, main, run, watch_cmd
from slo.cli.options import ENVIRONMENT, SHIPPED_PROFILES
from slo.cli.parser import EXIT_CODES, build_parser, parse_args
from slo.crashlog import internal_error_line
from slo.evaluate import Window, judge_baseline
from slo.evaluate.judge import BASELINE_HINT
from slo.slis import Measurement
from slo.sources import STATS_VERSION
from slo.spec import default_spec_path, load_spec
from slo.timeutil import parse_instant

ROOT = Path(__file__).parents[3]
SPECS = Path(__file__).parent / "specs"
MAPPING = ROOT / "slo" / "criteria" / "mappings" / "gatewayz-backend.yaml"
WINDOW = ["--start", "2026-01-01T00:00:00Z", "--end", "2026-01-01T00:10:00Z"]
#: A check against a Prometheus nothing listens for (the discard port).
PROMETHEUS_CHECK = [
    "check",
    "--profile",
    "staging",
    "--last",
    "5m",
    "--prometheus-url",
    "http://127.0.0.1:9",
]


def good_stats(tmp_path: Path) -> Path:
    path = tmp_path / "stats.json"
    row = {
        "name": "Aggregated",
        "num_requests": 60000,
        "num_failures": 0,
        "avg_response_time": 12.0,
        "total_rps": 150.0,
    }
    path.write_text(json.dumps({"version": STATS_VERSION, "stats": [row]}))
    return path


def one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "internal error" not in err
    return lines[0]


# --- usage errors: exit 3, one line, before any request ---------------------------------


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["check", "--profile", "staging", "--last", "0s"], "--last: expected a positive duration"),
        (
            ["check", "--profile", "staging", "--last", "-5m"],
            "--last: expected a positive duration",
        ),
        (["explain", "--profile", "staging", "--window", "0m"], "--window: expected a positive"),
        (["check", "--profile", "staging", "--last", "30m1h"], "units largest first"),
        (["check", "--profile", "staging", "--start", "nan", "--end", "1"], "--start: expected a"),
        (["check", "--profile", "staging", "--last", "5m", "--baseline-offset", "0s"], "positive"),
        (
            ["check", "--profile", "staging", "--last", "5m", "--prometheus-url", "127.0.0.1:9090"],
            "--prometheus-url: expected an http:// or https:// URL with a host, such as "
            "http://127.0.0.1:9090, got '127.0.0.1:9090'",
        ),
        (
            ["check", "--profile", "staging", "--last", "5m", "--prometheus-url", "http//x"],
            "got 'http//x'",
        ),
        (
            ["check", "--profile", "staging", "--last", "5m", "--prometheus-url", "ftp://h/p"],
            "got 'ftp://h/p'",
        ),
        (
            ["check", "--profile", "staging", "--last", "5m", "--prometheus-url", "http://u:pw@"],
            "got 'http://u:***@'",
        ),
        (
            ["check", "--profile", "staging", "--last", "5m", "--prometheus-url", ""],
            "--prometheus-url: expected a URL such as http://127.0.0.1:9090, got ''",
        ),
        (
            ["check", "--profile", "staging", "--last", "5m", "--target", "localhost:8000"],
            "--target: expected an http:// or https:// URL",
        ),
        (
            ["check", "--profile", "staging", "--last", "5m", "--timeout", "-1"],
            "argument --timeout: expected a positive number of seconds, got '-1'",
        ),
        (
            ["doctor", "--profile", "staging", "--target", "http://h", "--scrape-interval", "0"],
            "argument --scrape-interval: expected a positive number of seconds",
        ),
        (["preflight", "--target", "127.0.0.1:8000"], "--target: expected an http:// or https://"),
        (["check", "--prof", "staging", "--last", "5m"], "unrecognized arguments: --prof"),
        (["watch", "--prom", "http://h", "--profile", "escalation"], "unrecognized arguments"),
        (
            ["check", "--profile", "month1", "--last", "5m", "--attest", "nosuch=pass"],
            "--attest: profile month1 attests no 'nosuch'; its attestations are "
            "zero_emergency_rollbacks, user_reported_improvements, database_costs",
        ),
        (
            ["check", "--profile", "staging", "--last", "5m", "--attest", "nosuch=pass"],
            "profile staging attests no 'nosuch'; it has no attestations",
        ),
        (["check", "--last", "5m"], "required: --profile (or set SLO_PROFILE)"),
        (
            # a header typed without its colon is not echoed: it may be a credential
            [*PROMETHEUS_CHECK, "--header", "Authorization Bearer s3cr3t-t0ken"],
            "--header: expected 'NAME: VALUE', got text without a colon (not shown",
        ),
        (
            [*PROMETHEUS_CHECK, "--header", ": catalog"],
            "--header: expected 'NAME: VALUE', got no name before the colon",
        ),
    ],
)
def test_bad_usage_exits_3_with_one_line(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main([*argv, "--report-dir", str(tmp_path / "out")] if argv[0] == "check" else argv) == 3
    said = one_line(capsys.readouterr().err)
    assert words in said
    assert "s3cr3t-t0ken" not in said
    assert not (tmp_path / "out").exists()  # nothing judged, nothing written


@pytest.mark.parametrize(
    "extra",
    [
        ["--timeout", "-1"],
        ["--last", "0s"],
        ["--baseline", "missing.json"],
        ["--attest", "nosuch=pass"],
        ["--spec", str(SPECS / "bad" / "unknown_key.yaml")],
        ["--locust-stats", "missing.json"],
    ],
)
def test_usage_errors_are_found_before_the_target_is_scraped(
    listener: socket.socket, extra: list[str], tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    argv = ["check", "--profile", "staging", "--target", url, "--last", "5s", *extra]
    assert main([*argv, "--report-dir", str(tmp_path)]) == 3
    assert not connected(listener)


def test_a_report_dir_naming_a_file_exits_3_before_sampling_and_writes_nothing(
    listener: socket.socket, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "report.txt"
    taken.write_text("mine")
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    argv = ["check", "--profile", "staging", "--target", url, "--last", "10m"]
    assert main([*argv, "--report-dir", str(taken)]) == 3
    assert one_line(capsys.readouterr().err) == (
        f"slo: error: --report-dir: {taken} exists and is not a directory"
    )
    assert not connected(listener)
    assert taken.read_text() == "mine"


def test_a_report_dir_that_cannot_be_made_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("")
    below_a_file = tmp_path / "file" / "out"
    argv = ["check", "--profile", "load-test", "--last", "5m", "--report-dir", str(below_a_file)]
    assert main(argv) == 3
    assert f"--report-dir: cannot write to {below_a_file}" in one_line(capsys.readouterr().err)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "expected a report.json (REPORT), got Invalid JSON"),
        (b'{"schema": "slo-harness/report/v1", "verd', "got Invalid JSON"),
        (b'{"kind": "something else"}', "expected a report.json (REPORT), got"),
        (b"\xff\xfe", "expected a report.json (REPORT)"),
    ],
)
def test_rejudge_of_a_truncated_empty_or_foreign_file_is_one_line(
    content: bytes, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "report.json"
    path.write_bytes(content)
    assert main(["rejudge", str(path), "--report-dir", str(tmp_path / "out")]) == 3
    assert words in one_line(capsys.readouterr().err)


def test_a_spec_that_is_not_utf8_exits_3_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "criteria.yaml"
    spec.write_bytes(b"version: slo-harness/v1\nname: \xe9t\xe9\n")
    assert main(["lint", str(spec)]) == 3
    assert one_line(capsys.readouterr().err) == (
        f"slo: error: {spec}: expected UTF-8 text, got byte 0xe9 at offset 30"
    )


@pytest.mark.parametrize(
    ("value", "found"),
    [("90", "expected a ratio in [0, 1] (0.9 means 90%) for unit ratio, got 90"),
     (".nan", "expected a finite number, got nan"),
     ("1e400", "expected a finite number, got inf"),
     ("true", "expected a valid number, got True")],
)  # fmt: skip
def test_lint_refuses_a_threshold_the_unit_cannot_hold(
    value: str, found: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "spec.yaml"
    good = (SPECS / "good" / "minimal.yaml").read_text()
    spec.write_text(good.replace("threshold: 0.9\n", f"threshold: {value}\n"))
    assert main(["lint", str(spec)]) == 3
    line = one_line(capsys.readouterr().err)
    assert line == f"slo: error: {spec}: profiles.smoke.objectives[0].threshold: {found}"


def test_an_unreachable_prometheus_is_one_short_line_with_exit_4(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    argv = ["check", "--profile", "staging", "--last", "5m", "--prometheus-url", url]
    assert main([*argv, "--report-dir", str(tmp_path)]) == 4
    line = one_line(capsys.readouterr().err)
    assert line == f"slo: error: Prometheus at {url} unreachable: Connection refused"


# --- accepted inputs ------------------------------------------------------------------------


def test_a_compound_duration_is_accepted_for_the_window(tmp_path: Path) -> None:
    stats = good_stats(tmp_path)
    argv = ["check", "--profile", "load-test", "--last", "1h30m", "--locust-stats", str(stats)]
    assert main([*argv, "--report-dir", str(tmp_path)]) == 0
    window = json.loads((tmp_path / "report.json").read_text())["window"]
    assert parse_instant(window["end"]) - parse_instant(window["start"]) == pytest.approx(5400)


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert re.fullmatch(r"slo \d+\.\d+\.\d+\S*\n", capsys.readouterr().out)


# --- the environment ------------------------------------------------------------------------


def test_slo_profile_spec_and_report_dir_come_from_the_environment(tmp_path: Path) -> None:
    env = {
        "SLO_PROFILE": "load-test",
        "SLO_SPEC": str(SPECS / "good" / "phase1_copy.yaml"),
        "SLO_REPORT_DIR": str(tmp_path / "from-env"),
    }
    stats = good_stats(tmp_path)
    assert run(["check", *WINDOW, "--locust-stats", str(stats)], env) == 0
    report = json.loads((tmp_path / "from-env" / "report.json").read_text())
    assert (report["profile"], Path(report["spec"]).name) == ("load-test", "phase1_copy.yaml")


def test_an_option_on_the_command_line_outranks_its_variable(tmp_path: Path) -> None:
    env = {"SLO_PROFILE": "nope", "SLO_REPORT_DIR": str(tmp_path / "unused")}
    stats = good_stats(tmp_path)
    argv = ["check", "--profile", "load-test", *WINDOW, "--locust-stats", str(stats)]
    assert run([*argv, "--report-dir", str(tmp_path / "given")], env) == 0
    assert (tmp_path / "given" / "report.json").exists()
    assert not (tmp_path / "unused").exists()


def test_slo_mapping_comes_from_the_environment(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["explain", "--profile", "staging"], {"SLO_MAPPING": str(MAPPING)}) == 0
    assert 'http_requests_total{status_code=~"499|504"}' in capsys.readouterr().out


def test_slo_prometheus_url_comes_from_the_environment_unless_target_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    env = {"SLO_PROMETHEUS_URL": url}
    argv = ["check", "--profile", "staging", "--last", "5m", "--report-dir", str(tmp_path)]
    assert run(argv, env) == 4
    assert url in one_line(capsys.readouterr().err)
    target = f"http://127.0.0.1:{closed_port()}"
    assert run([*argv[:-4], "--target", target, "--last", "1s"], env) == 4
    err = one_line(capsys.readouterr().err)
    assert f"target {target}/metrics is unreachable" in err and url not in err


@pytest.mark.parametrize("variable", sorted(ENVIRONMENT.values()))
def test_a_variable_set_to_nothing_is_refused_rather_than_ignored(
    variable: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["check", "--last", "5m", "--report-dir", str(tmp_path / "out")]
    env = {"SLO_PROFILE": "staging", variable: " "}
    flag = next(f for f, v in ENVIRONMENT.items() if v == variable)
    if flag == "--report-dir":
        argv = argv[:-2]
    assert run(argv, env) == 3
    assert f"{variable} is set but empty" in one_line(capsys.readouterr().err)


def test_the_top_help_lists_every_variable_the_options_read(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    listed = dict(re.findall(r"^  (SLO_[A-Z_]+)\s+(--[a-z-]+)", text, flags=re.M))
    assert listed == {variable: flag for flag, variable in ENVIRONMENT.items()}


# --- help texts ---------------------------------------------------------------------------


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


#: The exit codes each command can return, read from what each does.
CAN_RETURN = {
    "check": {0, 1, 2, 3, 4, 5},
    "review": {0, 1, 2, 3, 4, 5},
    "rejudge": {0, 1, 2, 3, 5},  # reads a file, never a source
    "compare": {0, 1, 2, 3, 5},
    "doctor": {0, 1, 3, 4, 5},
    "preflight": {0, 3, 4, 5},
    "watch": {0, 1, 2, 3, 5, 130},  # an unreachable source is "blind" (2), never 4
    "lint": {0, 3, 5},
    "explain": {0, 3, 5},
    "rules": {0, 3, 5},
    "dashboard": {0, 3, 5},
}


def test_each_command_s_help_lists_only_the_exit_codes_it_can_return() -> None:
    subcommands = _subcommands()
    assert set(subcommands) == set(CAN_RETURN) == set(EXIT_CODES)
    for name, parser in subcommands.items():
        block = parser.format_help().split("exit codes:\n", 1)[1]
        listed = {int(code) for code in re.findall(r"^  (\d+) ", block, flags=re.M)}
        assert listed == CAN_RETURN[name], name


def test_no_parser_takes_an_abbreviated_option() -> None:
    parsers = [build_parser(), *_subcommands().values()]
    assert all(parser.allow_abbrev is False for parser in parsers)


def test_every_option_of_every_command_has_help() -> None:
    for name, parser in _subcommands().items():
        bare = [a.dest for a in parser._actions if not a.help or a.help == argparse.SUPPRESS]
        assert not bare, (name, bare)


def test_profile_help_names_the_shipped_profiles() -> None:
    assert tuple(load_spec(default_spec_path()).profiles) == SHIPPED_PROFILES
    for name, parser in _subcommands().items():
        if any(a.dest == "profile" for a in parser._actions):
            text = " ".join(parser.format_help().split()).replace("- ", "-")
            assert all(profile in text for profile in SHIPPED_PROFILES), name


# --- skip hints name options the producer has ---------------------------------------------

HINT_OPTION = re.compile(r"--[a-z][a-z-]*")


def _options_of(parser: argparse.ArgumentParser) -> set[str]:
    return {flag for action in parser._actions for flag in action.option_strings}


def test_the_default_baseline_hint_names_an_option_every_producer_has() -> None:
    objective = next(
        o for o in load_spec(default_spec_path()).profiles["staging"].objectives if o.baseline
    )
    _, reason = judge_baseline(objective, Measurement(value=0.01, requests=1000), None)
    assert reason == "no baseline given (--baseline report.json)"
    gate = set(re.findall(r'"(--[a-z][a-z-]*)"', (ROOT / "scenarios" / "options.py").read_text()))
    review = _options_of(_subcommands()["review"])
    for named in HINT_OPTION.findall(BASELINE_HINT):
        assert named in gate and named in review


def test_the_hints_of_check_and_watch_name_only_their_own_options(tmp_path: Path) -> None:
    subcommands = _subcommands()
    assert set(HINT_OPTION.findall(check.BASELINE_HINT)) <= _options_of(subcommands["check"])
    args = parse_args(
        ["watch", "--profile", "escalation", "--prometheus-url", "http://127.0.0.1:9",
         "--report-dir", str(tmp_path)],
        {},
    )  # fmt: skip
    hint = watch_cmd.prepare(args).config_for(Window(start=0, end=300)).baseline_hint
    assert "--baseline-start/--baseline-end" in hint
    assert set(HINT_OPTION.findall(hint)) <= _options_of(subcommands["watch"])


def test_slo_check_s_skip_reason_names_its_baseline_options(
    live_target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["check", "--profile", "staging", "--target", live_target, "--last", "1s"]
    main([*argv, "--scrape-interval", "0.25", "--report-dir", str(tmp_path)])
    progress = capsys.readouterr().err.splitlines()[:2]  # not a terminal: plain lines
    assert progress == [
        f"sampling {live_target}/metrics for 1s",
        f"sampling {live_target}/metrics: done after 1s",
    ]
    report = json.loads((tmp_path / "report.json").read_text())
    skipped = next(o for o in report["objectives"] if o["id"] == "error_rate_increase")
    assert (skipped["verdict"], skipped["reason"]) == (
        "skipped",
        f"no baseline given ({check.BASELINE_HINT})",
    )


@pytest.fixture
def live_target() -> Iterator[str]:
    """A /metrics endpoint with the request counter the error-rate objectives read."""
    registry = CollectorRegistry()
    requests = Counter("http_requests", "requests", ["method", "path", "status"], registry=registry)
    requests.labels("GET", "/models", "200").inc(100)
    server, thread = start_http_server(0, addr="127.0.0.1", registry=registry)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


# --- a bug: exit 5, one line, the traceback in a private log ------------------------------


def test_an_internal_error_is_one_line_naming_a_private_log_with_the_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from slo.cli import lint

    def broken(args: argparse.Namespace) -> int:
        raise RuntimeError("token=hunter2 leaked into a message")

    monkeypatch.setattr(lint, "run", broken)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert main(["lint", "any.yaml"]) == 5
    err = capsys.readouterr().err
    found = re.fullmatch(r"slo: internal error \(RuntimeError\); the traceback is in (\S+)\n", err)
    assert found is not None, err
    assert "hunter2" not in err
    log = Path(found.group(1))
    assert log.parent == tmp_path / "cache" / "slo-harness"
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "token=hunter2" in text


def test_an_internal_error_log_falls_back_to_the_temporary_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    line = internal_error_line(ValueError("x"), prog="slo", env={"XDG_CACHE_HOME": str(blocked)})
    log = Path(line.rsplit(" ", 1)[1])
    assert log.parent == tmp_path / "tmp"
    assert "ValueError: x" in log.read_text()
