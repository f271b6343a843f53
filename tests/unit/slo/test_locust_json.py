"""``--locust-stats`` reads Locust's own ``--json`` output as well as the gate's stats file,
with the figures Locust itself computes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from slo.cli import main
from slo.errors import SpecError
from slo.slis import AGGREGATED
from slo.sources import load_stats_file

# Run in a child process: importing Locust monkey-patches the interpreter with gevent.
LOCUST_RUN = """
import json
from locust.stats import RequestStats
stats = RequestStats()
for i in range(100):
    stats.log_request("GET", "/models", 10 + i, 100)
for i in range(50):
    stats.log_request("GET", "/models/{id}", 200 + 3 * i, 100)
stats.log_error("GET", "/models/{id}", "boom")
stats.log_request("POST", "/login", 5, 10)
for entry in [stats.total, *stats.entries.values()]:
    entry.start_time, entry.last_request_timestamp = 1000.0, 1100.0
figures = {
    entry.name: [entry.num_requests, entry.num_failures, entry.avg_response_time,
                 entry.get_response_time_percentile(0.95), entry.total_rps]
    for entry in stats.entries.values()
}
total = stats.total
figures["Aggregated"] = [total.num_requests, total.num_failures, total.avg_response_time,
                         total.get_response_time_percentile(0.95), total.total_rps]
print(json.dumps({"output": stats.serialize_stats(), "figures": figures}))
"""


@pytest.fixture(scope="module")
def locust_run() -> dict[str, object]:
    """What ``locust --json`` prints for a small run, and Locust's own figures for it."""
    done = subprocess.run(
        [sys.executable, "-c", LOCUST_RUN], capture_output=True, text=True, check=True, timeout=60
    )
    found: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return found


def test_locust_s_json_output_gives_the_rows_locust_computes(
    locust_run: dict[str, object], tmp_path: Path
) -> None:
    path = tmp_path / "locust.json"
    path.write_text(json.dumps(locust_run["output"]))
    stats = load_stats_file(path)
    figures = locust_run["figures"]
    assert isinstance(figures, dict)
    assert set(stats.rows) == set(figures) == {"/models", "/models/{id}", "/login", AGGREGATED}
    for name, (requests, failures, mean_ms, p95_ms, rps) in figures.items():
        row = stats.rows[name]
        assert (row.requests, row.failures) == (requests, failures), name
        assert row.mean_ms == pytest.approx(mean_ms), name
        assert row.p95_ms == pytest.approx(p95_ms), name
        assert row.rps == pytest.approx(rps), name
    assert (stats.start, stats.end) == (1000.0, 1100.0)


def test_slo_check_judges_the_load_test_profile_from_locust_s_json_output(
    locust_run: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "locust.json"
    path.write_text(json.dumps(locust_run["output"]))
    argv = ["check", "--profile", "load-test", "--start", "1000", "--end", "1100"]
    code = main([*argv, "--locust-stats", str(path), "--report-dir", str(tmp_path / "out")])
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    verdicts = {o["id"]: (o["verdict"], o["value"]) for o in report["objectives"]}
    # 151 requests in 100 s, one failure: far from 100 req/s, and not zero failures.
    assert verdicts["throughput_rps"] == ("fail", pytest.approx(1.51))
    assert verdicts["failed_requests"] == ("fail", 1)
    assert code == 1
    assert "internal error" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "where", "words"),
    [
        ("[1, 2]", "[0]", "expected a Locust stats entry, got 1 is not an object"),
        ('[{"name": "/x"}]', "[0]", "expected a Locust stats entry, got missing 'num_requests'"),
        ('"stats"', "", "or Locust's --json output (a list), got str"),
        ('{"version": "slo-harness/locust-stats/v1", "stats": 3}', "stats", "a list of rows"),
        ('{"version": "slo-harness/locust-stats/v1", "stats": [7]}', "stats[0]", "not an object"),
        ('{"version": "slo-harness/locust-stats/v1", "start": "soon"}', "start", "ISO-8601"),
    ],
)
def test_a_stats_file_of_neither_shape_is_a_spec_error_naming_where(
    tmp_path: Path, content: str, where: str, words: str
) -> None:
    path = tmp_path / "stats.json"
    path.write_text(content)
    with pytest.raises(SpecError) as caught:
        load_stats_file(path)
    assert (caught.value.file, caught.value.path) == (str(path), where)
    assert words in caught.value.problem
