from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from reports import Report
from reports import render as render_module
from slo.evaluate import Window
from slo.publish import publish

sys.path.insert(0, str(Path(__file__).parents[1] / "reports"))
from report_fixture import END, START, build_report

WINDOW = Window(start=START.timestamp(), end=END.timestamp())


def test_publishing_writes_every_format(tmp_path: Path) -> None:
    _, paths = publish(build_report(), tmp_path, source=None, window=WINDOW)
    assert sorted(p.name for p in paths.values()) == [
        "junit.xml",
        "report.html",
        "report.json",
        "report.md",
    ]


def test_a_broken_renderer_still_leaves_the_verdict_in_report_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(report: Report, *, secrets: tuple[str, ...] = ()) -> str:
        raise RuntimeError("template bug")

    monkeypatch.setitem(render_module.RENDERERS, "md", ("report.md", broken))
    report = build_report()
    _, paths = publish(report, tmp_path, source=None, window=WINDOW)
    assert list(paths) == ["json"]
    assert json.loads((tmp_path / "report.json").read_text())["verdict"] == report.verdict.value
    assert not (tmp_path / "report.md").exists()
