"""The one run configuration: the profile checked once, the run's parts carried along."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from slo.errors import UsageError
from slo.evaluate import RunConfig, SpecConfig, Window, evaluate
from slo.publish import STATS_FILE, publish_run
from slo.slis import AGGREGATED, ClientStats, EndpointStats
from slo.spec import default_spec_path, load_spec

SPEC = load_spec(default_spec_path())
WINDOW = Window(start=1_000.0, end=1_600.0)


def test_an_unknown_profile_is_a_usage_error_listing_the_known_ones() -> None:
    with pytest.raises(UsageError) as caught:
        RunConfig(spec=SPEC, spec_label="phase1.yaml", profile="nope", window=WINDOW)
    assert str(caught.value) == (
        "phase1.yaml: no profile 'nope' (known: escalation, load-test, month1, production, "
        "promotion, rollback-verified, rollout-cache, rollout-replica, staging)"
    )


def test_loading_names_the_spec_file_in_the_error() -> None:
    with pytest.raises(UsageError, match=f"{default_spec_path()}: no profile 'nope'"):
        SpecConfig.load(spec=None, mapping=None, profile="nope")


def test_a_run_keeps_the_spec_and_profile_and_adds_its_own_parts() -> None:
    chosen = SpecConfig.load(spec=None, mapping=None, profile="staging")
    config = chosen.run(window=WINDOW, target="http://host", secrets=("hunter2",))
    assert (config.spec, config.spec_label, config.profile) == (SPEC, chosen.spec_label, "staging")
    assert (config.window, config.target, config.secrets) == (WINDOW, "http://host", ("hunter2",))
    assert config.definition is chosen.spec.profiles["staging"]


def test_a_pinned_baseline_and_a_baseline_window_together_are_refused() -> None:
    staging = RunConfig(spec=SPEC, spec_label="phase1.yaml", profile="load-test", window=WINDOW)
    with pytest.raises(UsageError, match="give one baseline"):
        RunConfig(
            spec=SPEC,
            spec_label="phase1.yaml",
            profile="load-test",
            window=WINDOW,
            baseline=evaluate(staging),
            baseline_window=WINDOW,
        )


def test_publishing_a_load_test_writes_the_client_statistics_beside_the_report(
    tmp_path: Path,
) -> None:
    row = EndpointStats(name=AGGREGATED, requests=60000, failures=0, mean_ms=12.0, rps=100.0)
    client = ClientStats(start=WINDOW.start, end=WINDOW.end, rows={AGGREGATED: row})
    config = RunConfig(
        spec=SPEC, spec_label="phase1.yaml", profile="load-test", window=WINDOW, client=client
    )
    report, paths = publish_run(evaluate(config), config, tmp_path, client_stats=client)
    assert report.verdict.value == "pass"
    assert paths["json"] == tmp_path / "report.json"
    saved = json.loads((tmp_path / STATS_FILE).read_text())
    assert [row["num_requests"] for row in saved["stats"]] == [60000]
