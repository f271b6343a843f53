"""The end of a gated run: an internal error exits 5 with one line naming a log that holds
the traceback; a report that cannot be written still leaves the verdict printed."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from scenarios.gate import SloGate
from slo.evaluate import RunConfig, SpecConfig, Window


@dataclass
class StubConfig:
    """The parts of a GateConfig the end of the run reads."""

    report_dir: Path
    run: RunConfig | None = None
    warmup: float | None = None
    scrape_lag: float = 0.0
    scrape_interval: float = 1.0
    watch: None = None
    secrets: tuple[str, ...] = field(default=())

    def run_config(self, **_: Any) -> RunConfig:
        if self.run is None:
            raise RuntimeError("boom: a bug in the gate")
        return self.run


def _ended_gate() -> tuple[SloGate, SimpleNamespace]:
    """A gate whose smoke run (judged 2-12 s in) started 60 s ago and has stopped."""
    gate = SloGate()
    now = time.time()
    gate.started_at, gate.stopped_at = now - 60, now - 1
    options = SimpleNamespace(shape="smoke", peak_users=None, hold=10.0, time_scale=1.0)
    environment = SimpleNamespace(shape_class=None, parsed_options=options, runner=None)
    return gate, environment


def test_an_internal_error_exits_5_with_one_line_and_a_log_holding_the_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    gate, environment = _ended_gate()
    with caplog.at_level(logging.ERROR, logger="slo.gate"):
        code = gate._judge(environment, StubConfig(report_dir=tmp_path))  # type: ignore[arg-type]
    assert code == 5
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    found = re.fullmatch(
        r"slo gate: internal error \(RuntimeError\); the traceback is in (.+)", line
    )
    assert found is not None, line
    log = Path(found.group(1))
    assert log.parent == tmp_path / "cache" / "slo-harness"
    assert "Traceback" in log.read_text() and "boom: a bug in the gate" in log.read_text()


def test_a_report_that_cannot_be_written_still_prints_the_verdict_then_exits_5(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    gate, environment = _ended_gate()
    blocked = tmp_path / "reports"
    blocked.write_text("")  # a file where the directory should be (changed after the check)
    run = SpecConfig.load(spec=None, mapping=None, profile="load-test").run(
        window=Window(start=time.time() - 50, end=time.time() - 40)
    )
    with caplog.at_level(logging.ERROR, logger="slo.gate"):
        code = gate._judge(environment, StubConfig(report_dir=blocked, run=run))  # type: ignore[arg-type]
    assert code == 5
    printed = capsys.readouterr().out
    assert "verdict: INCONCLUSIVE (exit 2)" in printed
    assert "0 of 3 gating objectives judged" in printed
    assert any("no report written" in r.getMessage() for r in caplog.records)
