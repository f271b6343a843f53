"""What README says about the ``slo`` command is what the command does."""

from __future__ import annotations

import re
from pathlib import Path

from slo.cli.options import ENVIRONMENT
from slo.exitcodes import MEANINGS, ExitCode

README = (Path(__file__).parents[3] / "README.md").read_text(encoding="utf-8")


def _bullet(start: str) -> str:
    at = README.index(start)
    return " ".join(README[at : README.index("\n- ", at + 1)].split())


def test_the_readme_lists_every_exit_code_with_its_meaning() -> None:
    listed = dict(re.findall(r"`(\d+)` ([a-z ]+)", _bullet("- Exit codes of `slo`")))
    assert {int(code) for code in listed} == {int(code) for code in ExitCode}
    for code, words in listed.items():
        assert MEANINGS[ExitCode(int(code))].startswith(words.strip()), code


def test_the_readme_lists_exactly_the_variables_the_options_read() -> None:
    pairs = re.findall(r"`(--[a-z-]+)`\s+\(`(SLO_[A-Z_]+)`", _bullet("- Options from the environ"))
    assert dict(pairs) == ENVIRONMENT
