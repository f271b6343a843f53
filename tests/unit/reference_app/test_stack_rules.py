"""Rule files for the stack's Prometheus: `--rules FILE`, `rule_files:` in prometheus.yml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reference_app.stack import StackOptions
from reference_app.stack.cli import main
from reference_app.stack.servers import prometheus_config
from reference_app.stack.state import StackState, load_state

PORTS = {"redis": 21001, "primary": 21002, "replica": 21003, "prometheus": 21004, "service": 21005}


def state(tmp_path: Path, rule_files: tuple[Path, ...] = ()) -> StackState:
    return StackState(
        dir=tmp_path,
        options=StackOptions(dir=tmp_path, rule_files=rule_files),
        ports=dict(PORTS),
        passwords={"postgres": "a", "catalog": "b", "replicator": "c"},
        pg_bindir="/pg/bin",
    )


def test_prometheus_loads_each_rule_file_by_its_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = yaml.safe_load(prometheus_config(state(tmp_path, (Path("a b.yml"), Path("c.yml")))))
    assert config["rule_files"] == [str(tmp_path / "a b.yml"), str(tmp_path / "c.yml")]
    assert config["global"]["evaluation_interval"] == "1s"


def test_without_rule_files_the_config_has_no_rule_files_key(tmp_path: Path) -> None:
    config = yaml.safe_load(prometheus_config(state(tmp_path)))
    assert "rule_files" not in config
    assert [job["job_name"] for job in config["scrape_configs"]] == ["reference_app", "prometheus"]


def test_rule_files_survive_the_state_record(tmp_path: Path) -> None:
    state(tmp_path, (tmp_path / "rules.yml",)).save()
    assert load_state(tmp_path).options.rule_files == (tmp_path / "rules.yml",)


def test_up_with_a_missing_rule_file_fails_before_starting_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack_dir = tmp_path / "stack"
    assert main(["up", "--dir", str(stack_dir), "--rules", str(tmp_path / "none.yml")]) == 1
    assert "rule file" in capsys.readouterr().err
    assert not stack_dir.exists()


def test_up_help_lists_the_rules_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["up", "--help"])
    assert "--rules FILE" in capsys.readouterr().out
