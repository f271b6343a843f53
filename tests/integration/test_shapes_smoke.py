"""Every load shape smoke-run headless against the reference stack (durations shrunk).

Each run is judged with the client-side `load-test` profile; what matters here is
that the shape runs, sends load, stops by itself and the gate writes its report.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_gate import run_locust

from reference_app.stack import StackInfo

SCALES = {"smoke": 0.3, "ab": 1.0, "ramp": 0.1, "soak": 0.01, "spike": 0.1}


@pytest.mark.parametrize("shape", sorted(SCALES))
def test_each_shape_runs_headless_and_is_judged(
    shape: str, stack: StackInfo, tmp_path: Path
) -> None:
    run = run_locust(
        stack.service_url,
        tmp_path,
        ["--shape", shape, "--time-scale", str(SCALES[shape]), "--slo-profile", "load-test"],
        timeout=120,
    )
    assert run.code in (0, 1, 2), run.output[-3000:]
    assert run.report is not None, run.output[-3000:]
    client = run.report["client"]
    assert isinstance(client, dict) and client["requests"] > 0
    assert "Shape test stopping" in run.output
    if shape == "ab":
        # Only the guide's request, sent by the ab user alone (no discovery, no health probe).
        stats = json.loads((tmp_path / "locust-stats.json").read_text())
        assert {row["name"] for row in stats["stats"]} == {"/models?limit=10", "Aggregated"}


def test_locust_processes_mode_gives_a_judged_report(stack: StackInfo, tmp_path: Path) -> None:
    run = run_locust(
        stack.service_url,
        tmp_path,
        [
            "--shape",
            "smoke",
            "--time-scale",
            "0.5",
            "--slo-profile",
            "load-test",
            "--processes",
            "2",
        ],
        timeout=120,
    )
    assert run.code in (0, 1, 2), run.output[-3000:]
    assert run.report is not None
    client = run.report["client"]
    assert isinstance(client, dict) and client["requests"] > 0
