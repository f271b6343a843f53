"""The renderer table: one renderer per format, all written together."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_fixture import build_report

from reports import Report, read_json
from reports.render import FORMATS, RENDERERS, render, write_all


def test_every_format_has_a_file_name_and_a_renderer() -> None:
    assert FORMATS == ("json", "md", "html", "junit")
    assert {name for name, _ in RENDERERS.values()} == {
        "report.json", "report.md", "report.html", "junit.xml",
    }  # fmt: skip


def test_write_all_writes_each_chosen_format_into_the_directory(
    report: Report, tmp_path: Path
) -> None:
    written = write_all(report, tmp_path / "out", formats=["md", "junit"])
    assert sorted(written) == ["junit", "md"]
    assert written["md"].read_text().startswith("## ❌ SLO gate: FAIL")
    assert not (tmp_path / "out" / "report.html").exists()


def test_an_unknown_format_is_refused_before_anything_is_written(
    report: Report, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="unknown report format 'pdf': expected one of json"):
        write_all(report, tmp_path / "out", formats=["md", "pdf"])
    assert not (tmp_path / "out").exists()


def test_the_json_report_carries_the_time_series_and_reads_back(
    report: Report, tmp_path: Path
) -> None:
    path = write_all(report, tmp_path, formats=["json"])["json"]
    data = json.loads(path.read_text())
    assert [s["id"] for s in data["timeseries"]][:2] == ["cache_hit_rate", "latency_p95"]
    assert read_json(path) == report.model_copy(update={"summary": data["summary"]})


def test_a_report_without_charts_still_reads_from_json_written_before_they_existed() -> None:
    data = json.loads(render(build_report(), "json"))
    del data["timeseries"]
    assert Report.model_validate(data).timeseries == []


@pytest.mark.parametrize(
    ("value", "shown"), [(0.2, "200 ms"), (9.5, "9500 ms"), (30.0, "30 s"), (45.5, "45.5 s")]
)
def test_seconds_read_as_milliseconds_under_ten_seconds_and_as_seconds_above(
    value: float, shown: str
) -> None:
    from reports import fmt

    assert fmt(value, "seconds") == shown
