"""``slo check`` and ``slo doctor`` end to end: against a real Prometheus holding the golden
datasets, and against a live ``/metrics`` target sampled by the embedded source."""

from __future__ import annotations

import json
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, Counter, start_http_server

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "slo"))

from golden_data import T0, WINDOW, build_datasets
from slo_prometheus import run_prometheus

from slo.cli import main

MINIMAL = Path(__file__).parents[1] / "unit" / "slo" / "specs" / "good" / "minimal.yaml"


@pytest.fixture(scope="module")
def prometheus_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="slo-cli-") as tmp:
        yield from run_prometheus(Path(tmp), build_datasets())


def window(hour: int) -> list[str]:
    start = T0 + hour * 3600
    return ["--start", str(start), "--end", str(start + WINDOW)]


@pytest.mark.parametrize(
    ("hour", "code", "verdict"), [(0, 0, "pass"), (1, 1, "fail"), (2, 2, "inconclusive")]
)
def test_check_exits_with_the_overall_verdict_and_writes_the_report(
    prometheus_url: str, tmp_path: Path, hour: int, code: int, verdict: str
) -> None:
    argv = [
        "check",
        "--profile",
        "staging",
        "--prometheus-url",
        prometheus_url,
        *window(hour),
        "--report-dir",
        str(tmp_path),
    ]
    assert main(argv) == code
    report = json.loads((tmp_path / "report.json").read_text())
    assert (report["verdict"], report["exit_code"], report["profile"]) == (verdict, code, "staging")
    assert report["window"]["start"].startswith("2026-01-01T0")
    assert {o["id"] for o in report["objectives"]} >= {"cache_hit_rate", "no_timeout_errors_48h"}
    skipped = next(o for o in report["objectives"] if o["id"] == "no_timeout_errors_48h")
    assert (skipped["verdict"], skipped["reason"]) == (
        "skipped",
        "needs a window of at least 48h, this one is 10m",
    )


def test_check_prints_a_verdict_table(
    prometheus_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(
        [
            "check",
            "--profile",
            "staging",
            "--prometheus-url",
            prometheus_url,
            *window(1),
            "--report-dir",
            str(tmp_path),
        ]
    )
    lines = capsys.readouterr().out.splitlines()
    row = next(line for line in lines if "cache_hit_rate" in line)
    assert row.split()[:3] == ["FAIL", "cache_hit_rate", "80.00%"]
    assert lines[-1] == "verdict: FAIL (exit 1)"


def test_check_with_a_pinned_baseline_report_judges_the_relative_objective(
    prometheus_url: str, tmp_path: Path
) -> None:
    base = tmp_path / "base"
    main(
        [
            "check",
            "--profile",
            "staging",
            "--prometheus-url",
            prometheus_url,
            *window(0),
            "--report-dir",
            str(base),
        ]
    )
    main(
        [
            "check",
            "--profile",
            "staging",
            "--prometheus-url",
            prometheus_url,
            *window(1),
            "--report-dir",
            str(tmp_path),
            "--baseline",
            str(base / "report.json"),
        ]
    )
    report = json.loads((tmp_path / "report.json").read_text())
    result = next(o for o in report["objectives"] if o["id"] == "error_rate_increase")
    assert (result["verdict"], result["baseline_value"]) == ("fail", 0.0005)


def test_doctor_names_absent_metrics_with_the_objective_needing_them(
    prometheus_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["doctor", "--profile", "staging", "--prometheus-url", prometheus_url, *window(2)])
        == 1
    )
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "catalog_cache_hits_total" in x)
    assert line.split()[0] == "ABSENT" and "cache_hit_rate" in line


def test_doctor_names_frozen_counters_and_allows_quiet_numerators(
    prometheus_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["doctor", "--profile", "production", "--prometheus-url", prometheus_url, *window(2)])
    rows = {line.split()[1]: line for line in capsys.readouterr().out.splitlines()[1:-1]}
    assert rows["db_queries_total"].split()[0] == "FROZEN"
    assert "replica_query_share" in rows["db_queries_total"]
    assert rows['db_queries_total{client_type="replica"}'].split()[0] == "QUIET"


def test_doctor_passes_when_every_metric_exists_and_moves(
    prometheus_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["doctor", "--profile", "production", "--prometheus-url", prometheus_url, *window(0)]
    )
    assert code == 0, capsys.readouterr().out


@pytest.fixture
def live_target() -> Iterator[str]:
    """A /metrics endpoint whose cache counters move: 19 hits for each miss."""
    registry = CollectorRegistry()
    hits = Counter("catalog_cache_hits", "hits", ["gateway"], registry=registry)
    misses = Counter("catalog_cache_misses", "misses", ["gateway"], registry=registry)
    hits.labels("all").inc(0)
    misses.labels("all").inc(0)
    stop = threading.Event()

    def traffic() -> None:
        while not stop.wait(0.005):
            hits.labels("all").inc(19)
            misses.labels("all").inc(1)

    server, thread = start_http_server(0, addr="127.0.0.1", registry=registry)
    worker = threading.Thread(target=traffic, daemon=True)
    worker.start()
    yield f"http://127.0.0.1:{server.server_port}"
    stop.set()
    worker.join()
    server.shutdown()
    thread.join()


def test_check_without_prometheus_samples_the_target_for_the_window(
    live_target: str, tmp_path: Path
) -> None:
    argv = [
        "check",
        "--spec",
        str(MINIMAL),
        "--profile",
        "smoke",
        "--target",
        live_target,
        "--last",
        "2s",
        "--scrape-interval",
        "0.25",
        "--report-dir",
        str(tmp_path),
    ]
    assert main(argv) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    result = report["objectives"][0]
    assert result["value"] == pytest.approx(0.95, abs=0.002)
    assert report["source"].startswith("embedded scrape of http://127.0.0.1:")


def test_check_against_an_unreachable_target_exits_4(tmp_path: Path) -> None:
    argv = [
        "check",
        "--profile",
        "staging",
        "--target",
        "http://127.0.0.1:9",
        "--last",
        "1s",
        "--timeout",
        "1",
        "--report-dir",
        str(tmp_path),
    ]
    assert main(argv) == 4


def test_check_with_a_baseline_window_judges_the_relative_objective(
    prometheus_url: str, tmp_path: Path
) -> None:
    base_start = T0
    argv = [
        "check",
        "--profile",
        "staging",
        "--prometheus-url",
        prometheus_url,
        *window(1),
        "--baseline-start",
        str(base_start),
        "--baseline-end",
        str(base_start + WINDOW),
        "--report-dir",
        str(tmp_path),
    ]
    assert main(argv) == 1
    report = json.loads((tmp_path / "report.json").read_text())
    result = next(o for o in report["objectives"] if o["id"] == "error_rate_increase")
    assert (result["verdict"], result["baseline_value"], result["value"]) == ("fail", 0.0005, 0.002)
