"""The command line: help, and clear errors before anything is started."""

from __future__ import annotations

from pathlib import Path

import pytest

from reference_app.stack.cli import main


def test_help_lists_the_three_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for command in ("up", "down", "status"):
        assert command in out


def test_up_help_lists_the_rollback_switches(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["up", "--help"])
    out = capsys.readouterr().out
    assert "--no-redis" in out
    assert "--no-replica" in out


def test_status_of_an_empty_directory_fails_and_says_how_to_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", "--dir", str(tmp_path)]) == 1
    assert "no stack recorded" in capsys.readouterr().err


def test_down_of_an_empty_directory_has_nothing_to_stop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["down", "--dir", str(tmp_path)]) == 0
    assert "nothing to stop" in capsys.readouterr().out


def test_up_without_redis_server_installed_fails_naming_it_and_starts_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    stack_dir = tmp_path / "stack"
    assert main(["up", "--dir", str(stack_dir)]) == 1
    err = capsys.readouterr().err
    assert "redis-server not found" in err
    assert "apt-get install redis-server" in err
    assert not stack_dir.exists()


def test_up_refuses_a_directory_that_already_holds_a_stack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "state.json").write_text("{}")
    assert main(["up", "--dir", str(tmp_path)]) == 1
    assert "already holds a stack" in capsys.readouterr().err
