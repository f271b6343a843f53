"""`make impact`, short: the same load before (no Redis, no replica) and after, compared.

`examples/impact.py` with the ramp time-scaled by 0.2 (200 users reached in 15 s, a 15 s
hold judged), about 30 s of load per phase. The before must show the guide's symptoms
(measured, not assumed): a P95 of 500 ms or more, failed requests given up at the client
timeout and 499s recorded by the service. Then `slo compare` gates: every promise kept,
exit 0.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reference_app.stack import stop_stack
from reports import Report, read_json

ROOT = Path(__file__).resolve().parents[2]


def _figure(report: Report, name: str) -> float:
    value = report.figures[name].value
    assert value is not None, f"{name}: {report.figures[name].reason}"
    return value


def test_a_short_impact_run_shows_the_before_symptoms_and_every_promise_kept(
    stack_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "impact"
    command = [
        sys.executable, str(ROOT / "examples" / "impact.py"),
        "--stack-dir", str(stack_dir), "--report-dir", str(out),
        "--time-scale", "0.2", "--hold", "75",
    ]  # fmt: skip
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=420, check=False)
    finally:  # a killed run must not leave its servers behind
        for phase in ("before", "after"):
            if (stack_dir / phase / "state.json").exists():
                stop_stack(stack_dir / phase)
    table = (out / "impact.md").read_text() if (out / "impact.md").exists() else run.stdout[-4000:]

    before = read_json(out / "before" / "report.json")
    # the guide's "before": responses of 500ms-2s, client give-ups (failed requests), 499s
    assert _figure(before, "response_time") >= 0.5, table
    assert before.client is not None and before.client.p95_ms is not None
    assert before.client.p95_ms >= 500, table
    assert before.client.failures and before.client.timeouts, table
    assert _figure(before, "timeouts") > 0, table  # the service recorded the hang-ups
    assert before.verdict.value == "fail"

    after = read_json(out / "after" / "report.json")
    assert after.client is not None and after.client.failures == 0, table
    assert _figure(after, "timeouts") == 0, table

    assert run.returncode == 0, table + run.stderr[-2000:]
    assert "**PASS: 5 of 5 kept**" in table
    assert "not demonstrated" not in table
    # the same shape both times (only the switches differ): the same judged window, to the
    # whole second the gate rounds it to
    lengths = [(r.window.end - r.window.start).total_seconds() for r in (before, after)]
    assert abs(lengths[0] - lengths[1]) <= 1
