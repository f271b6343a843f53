"""The ``slo`` command without a metrics server: exit codes, messages, files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ports import closed_port

from slo.cli import main
from slo.sources import STATS_VERSION

SPECS = Path(__file__).parent / "specs"


def stats_file(tmp_path: Path, *, rps: float, mean: float, failures: int) -> Path:
    path = tmp_path / "stats.json"
    path.write_text(
        json.dumps(
            {
                "version": STATS_VERSION,
                "start": "2026-01-01T00:00:00Z",
                "end": "2026-01-01T00:10:00Z",
                "stats": [
                    {
                        "name": "Aggregated",
                        "method": "",
                        "num_requests": 60000,
                        "num_failures": failures,
                        "avg_response_time": mean,
                        "p95_response_time": 40.0,
                        "total_rps": rps,
                    }
                ],
            }
        )
    )
    return path


def check(tmp_path: Path, *extra: str) -> int:
    return main(
        [
            "check",
            "--start",
            "2026-01-01T00:00:00Z",
            "--end",
            "2026-01-01T00:10:00Z",
            "--report-dir",
            str(tmp_path / "out"),
            *extra,
        ]
    )


def test_load_test_passes_with_exit_0_on_good_locust_stats(tmp_path: Path) -> None:
    stats = stats_file(tmp_path, rps=150, mean=12, failures=0)
    assert check(tmp_path, "--profile", "load-test", "--locust-stats", str(stats)) == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["schema"] == "slo-harness/report/v1"
    assert [(o["id"], o["verdict"]) for o in report["objectives"]] == [
        ("throughput_rps", "pass"),
        ("mean_latency", "pass"),
        ("failed_requests", "pass"),
    ]


def test_load_test_fails_with_exit_1_when_a_request_failed(tmp_path: Path) -> None:
    stats = stats_file(tmp_path, rps=150, mean=12, failures=1)
    assert check(tmp_path, "--profile", "load-test", "--locust-stats", str(stats)) == 1


def test_load_test_without_stats_is_inconclusive_with_exit_2(tmp_path: Path) -> None:
    assert check(tmp_path, "--profile", "load-test") == 2


def test_an_unreachable_prometheus_exits_4_naming_the_url_without_credentials(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://admin:hunter2@127.0.0.1:{closed_port()}"
    assert check(tmp_path, "--profile", "staging", "--prometheus-url", url, "--timeout", "2") == 4
    err = capsys.readouterr().err
    assert "127.0.0.1" in err and "hunter2" not in err
    assert "Traceback" not in err


def test_a_malformed_spec_exits_3_with_file_and_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = SPECS / "bad" / "threshold_not_a_number.yaml"
    assert check(tmp_path, "--profile", "p", "--spec", str(bad)) == 3
    assert f"{bad}: profiles.p.objectives[0].threshold: expected" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["check", "--profile", "staging"], "give a window"),
        (["check", "--profile", "nope", "--last", "5m"], "no profile 'nope'"),
        (["check", "--profile", "staging", "--last", "ten minutes"], "expected a duration"),
        (
            ["check", "--profile", "staging", "--start", "2026-01-01T00:00:00Z"],
            "--start and --end go together",
        ),
        (
            [
                "check",
                "--profile",
                "staging",
                "--last",
                "5m",
                "--prometheus-url",
                "u",
                "--target",
                "t",
            ],
            "not allowed",
        ),
        (
            ["check", "--profile", "month1", "--last", "5m", "--attest", "x=maybe"],
            "ID=pass or ID=fail",
        ),
        (["lint"], "required"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_usage_exits_3_with_a_message(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 3
    assert words in capsys.readouterr().err


def test_help_exits_0_and_lists_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--help"]) == 0
    assert "4 data source unreachable" in capsys.readouterr().out


def test_lint_accepts_the_shipped_spec(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(SPECS / "good" / "phase1_copy.yaml")]) == 0
    assert "ok (slo-harness/v1, 4 profiles" in capsys.readouterr().out


def test_lint_rejects_a_bad_spec_with_exit_3() -> None:
    assert main(["lint", str(SPECS / "bad" / "unknown_key.yaml")]) == 3


def test_explain_prints_every_resolved_query_without_a_server(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["explain", "--profile", "staging", "--window", "1h"]) == 0
    out = capsys.readouterr().out
    assert 'sum by (le) (increase(http_request_duration_seconds_bucket{path="/models"}[1h]))' in out
    assert "no_timeout_errors_48h" in out


def test_explain_applies_a_mapping(capsys: pytest.CaptureFixture[str]) -> None:
    mapping = Path(__file__).parents[3] / "slo" / "criteria" / "mappings" / "gatewayz-backend.yaml"
    assert main(["explain", "--profile", "staging", "--mapping", str(mapping)]) == 0
    assert 'http_requests_total{status_code=~"499|504"}' in capsys.readouterr().out


def test_month1_without_attestations_is_inconclusive_and_says_how_to_attest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(tmp_path, "--profile", "month1") == 2
    assert "--attest zero_emergency_rollbacks=pass|fail" in capsys.readouterr().out


def test_doctor_without_a_live_source_is_bad_usage() -> None:
    assert main(["doctor", "--profile", "staging"]) == 3


@pytest.mark.parametrize(
    "argv",
    [
        ["explain", "--profile", "staging", "--window", "an hour"],
        ["check", "--profile", "staging", "--last", "5m", "--baseline-offset", "a week"],
    ],
)
def test_a_bad_duration_option_is_a_usage_error_naming_the_option(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert "expected a duration" in err and "internal error" not in err


def test_rejudge_rereads_a_load_test_report_against_a_new_threshold(tmp_path: Path) -> None:
    stats = stats_file(tmp_path, rps=150, mean=12, failures=0)
    assert check(tmp_path, "--profile", "load-test", "--locust-stats", str(stats)) == 0
    spec = tmp_path / "stricter.yaml"
    shipped = (SPECS / "good" / "phase1_copy.yaml").read_text()
    spec.write_text(
        shipped.replace(
            "threshold: 100\n        unit: requests_per_second",
            "threshold: 200\n        unit: requests_per_second",
        )
    )
    argv = [
        "rejudge",
        str(tmp_path / "out" / "report.json"),
        "--spec",
        str(spec),
        "--report-dir",
        str(tmp_path / "again"),
    ]
    assert main(argv) == 1
    report = json.loads((tmp_path / "again" / "report.json").read_text())
    verdicts = {o["id"]: o["verdict"] for o in report["objectives"]}
    assert verdicts == {"throughput_rps": "fail", "mean_latency": "pass", "failed_requests": "pass"}


def test_rejudge_of_a_file_that_is_not_a_report_exits_3(tmp_path: Path) -> None:
    bogus = tmp_path / "report.json"
    bogus.write_text("{}")
    assert main(["rejudge", str(bogus), "--report-dir", str(tmp_path)]) == 3
