"""Reading a report.json back: one reader, one error that names the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reports import Report, ReportFileError, client_line, read_json, result_table, write_json


def test_a_written_report_reads_back_equal_with_its_summary_filled_in(
    report: Report, tmp_path: Path
) -> None:
    back = read_json(write_json(report, tmp_path))
    assert back.summary.startswith("FAIL: 4 of 7 gating objectives judged, 2 failed: ")
    assert back == report.model_copy(update={"summary": back.summary})


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "No such file"),
        ("not json", "Invalid JSON"),
        ("{}", "verdict: Field required (and 8 more problems)"),
    ],
)
def test_a_file_that_is_not_a_report_names_the_file_and_what_is_wrong(
    tmp_path: Path, content: str | None, words: str
) -> None:
    path = tmp_path / "report.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ReportFileError) as caught:
        read_json(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: expected a report.json, got ")
    assert words in message and "\n" not in message


def test_a_report_of_another_schema_is_refused(report: Report, tmp_path: Path) -> None:
    document = json.loads(write_json(report, tmp_path).read_text())
    path = tmp_path / "v2.json"
    path.write_text(json.dumps({**document, "schema": "slo-harness/report/v2"}))
    with pytest.raises(ReportFileError, match="schema: Input should be 'slo-harness/report/v1'"):
        read_json(path)


def test_the_role_of_the_file_is_named_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(ReportFileError, match=r"expected a report.json \(--previous\)"):
        read_json(tmp_path / "missing.json", role="--previous")


def test_the_result_table_has_a_line_per_objective_the_headline_and_the_verdict(
    report: Report,
) -> None:
    lines = result_table(report).splitlines()
    assert lines[0].startswith(f"profile {report.profile}  window ")
    assert len(lines) == len(report.objectives) + 4
    assert lines[-3].startswith("4 of 7 gating objectives judged, 2 failed: latency_p95, ")
    assert lines[-2].startswith("FAIL for this 3 h window; the 24 h and 48 h criteria need ")
    assert lines[-1] == f"verdict: {report.verdict.value.upper()} (exit {report.exit_code})"


def test_the_client_line_says_what_the_load_generator_saw(report: Report) -> None:
    line = client_line(report)
    assert line is not None and line.startswith("client: ")
    assert client_line(report.model_copy(update={"client": None})) is None
