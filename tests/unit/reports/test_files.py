"""Report files are written atomically, never through a planted symlink, into a directory
checked before any work is done."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from report_fixture import build_report

from reports import ReportDirError, check_report_dir, write_json
from reports.render import write_all


def test_a_symlink_planted_at_a_report_file_is_replaced_and_its_target_untouched(
    tmp_path: Path,
) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    out = tmp_path / "out"
    out.mkdir()
    for name in ("report.json", "report.md", "report.html", "junit.xml"):
        (out / name).symlink_to(victim)
    written = write_all(build_report(), out)
    assert victim.read_text() == "precious\n"
    for path in written.values():
        assert not path.is_symlink()
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    assert json.loads(written["json"].read_text())["schema"] == "slo-harness/report/v1"
    assert sorted(p.name for p in out.iterdir()) == [
        "junit.xml",
        "report.html",
        "report.json",
        "report.md",
    ]  # no temporary file left behind


def test_write_json_replaces_a_planted_symlink_too(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    (tmp_path / "report.json").symlink_to(victim)
    write_json(build_report(), tmp_path)
    assert victim.read_text() == "precious\n"


def test_a_report_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "reports"
    file.write_text("")
    with pytest.raises(ReportDirError, match=r"--report-dir .*reports: is a file, not a directory"):
        check_report_dir(file)


def test_a_report_dir_that_cannot_be_created_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(ReportDirError, match="cannot create it"):
        check_report_dir(tmp_path / "file" / "reports")


def test_a_missing_report_dir_is_created_and_left_empty(tmp_path: Path) -> None:
    out = check_report_dir(tmp_path / "a" / "b")
    assert out.is_dir()
    assert list(out.iterdir()) == []
