"""Every hint the gate's report gives names an option the gate really has, or a command
that has it: the gate has --baseline but no --baseline-start, and no --attest."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from scenarios.gate_config import load_gate_config
from scenarios.judging import client_stats
from scenarios.recorder import ClientRecorder
from slo.evaluate import Window, evaluate
from slo.sources import EmbeddedSource, SampleStore

ROOT = Path(__file__).resolve().parents[3]
GATE_OPTIONS = set(re.findall(r'"(--[a-z][a-z-]*)"', (ROOT / "scenarios/options.py").read_text()))
# `slo check --attest ...`: an option of the command quoted with it, not of the gate.
QUOTED_COMMAND = re.compile(r"`slo [^`]*`")


def _options(tmp_path: Path, profile: str) -> SimpleNamespace:
    return SimpleNamespace(
        slo_spec=None,
        slo_mapping=None,
        slo_profile=profile,
        baseline=None,
        report_dir=str(tmp_path),
        warmup=None,
        scrape_lag=3.0,
        scrape_interval=1.0,
        prometheus_url=None,
        prometheus_bearer_token_file=None,
        watch_profile=None,
        watch_every=None,
        watch_window=None,
        watch_time_scale=None,
    )


@pytest.mark.parametrize("profile", ["staging", "month1", "promotion", "load-test"])
def test_every_option_a_gate_report_names_is_one_of_the_gates(tmp_path: Path, profile: str) -> None:
    config = load_gate_config(_options(tmp_path, profile), host="http://127.0.0.1:9")
    window = Window(start=1000, end=1060)
    report = evaluate(
        config.run_config(
            window=window,
            source=EmbeddedSource(SampleStore(), description="embedded scrape"),
            client=client_stats(ClientRecorder().window(window.start, window.end)),
        )
    )
    named = {
        option
        for result in report.objectives
        for option in re.findall(r"--[a-z][a-z-]*", QUOTED_COMMAND.sub("", result.reason))
    }
    assert named <= GATE_OPTIONS, named - GATE_OPTIONS


def test_an_unattested_objective_names_the_commands_that_record_one(tmp_path: Path) -> None:
    config = load_gate_config(_options(tmp_path, "month1"), host="http://127.0.0.1:9")
    report = evaluate(
        config.run_config(window=Window(start=1000, end=1060), source=None, client=None)
    )
    reason = report.objective("zero_emergency_rollbacks").reason
    assert reason == (
        "unattested: the Locust gate records no attestations; judge them with "
        "`slo check --attest zero_emergency_rollbacks=pass|fail` or "
        "`slo review --attestations FILE`"
    )
