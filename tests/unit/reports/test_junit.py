"""junit.xml: one test case per objective, the documented verdict mapping, a valid schema."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from golden import check_golden
from junit_schema import problems
from report_fixture import SCRIPT, build_report, objective

from reports import Report, Verdict
from reports.junit import render_junit


def cases(text: str) -> dict[str, ET.Element]:
    root = ET.fromstring(text.encode("utf-8"))
    return {c.get("name", "").split(":")[0]: c for c in root.iter("testcase")}


def test_the_junit_report_matches_its_golden_file(report: Report) -> None:
    check_golden("junit.xml", render_junit(report))


def test_the_junit_report_is_valid_against_the_junit_schema(report: Report) -> None:
    assert problems(render_junit(report)) == []


def test_the_schema_check_rejects_what_the_schema_forbids() -> None:
    bad = '<testsuites><testsuite name="x"><testcase/><bogus/></testsuite></testsuites>'
    found = problems(bad)
    assert "testsuites/testsuite[0]: missing @tests" in found
    assert "testsuites/testsuite[0]/testcase[0]: missing @name" in found
    assert "testsuites/testsuite[0]/bogus[1]: not allowed in <testsuite>" in found


def test_there_is_one_test_case_per_objective(report: Report) -> None:
    assert list(cases(render_junit(report))) == [o.id for o in report.objectives]


@pytest.mark.parametrize(
    ("verdict", "gating", "element", "kind"),
    [
        (Verdict.PASS, True, None, None),
        (Verdict.WARN, True, None, None),
        (Verdict.FAIL, True, "failure", "fail"),
        (Verdict.INCONCLUSIVE, True, "error", "inconclusive"),
        (Verdict.SKIPPED, True, "skipped", "skipped"),
        (Verdict.FAIL, False, "skipped", "informs"),
        (Verdict.INCONCLUSIVE, False, "skipped", "informs"),
    ],
)
def test_each_verdict_maps_to_its_documented_junit_outcome(
    verdict: Verdict, gating: bool, element: str | None, kind: str | None
) -> None:
    one = objective(verdict=verdict, gating=gating, reason="the reason")
    case = cases(render_junit(build_report(objectives=[one])))["cache_hit_rate"]
    outcomes = [c for c in case if c.tag in ("failure", "error", "skipped")]
    if element is None:
        assert outcomes == []
    else:
        [found] = outcomes
        assert (found.tag, found.get("type")) == (element, kind)
        assert found.get("message", "").endswith("the reason")


def test_suite_counts_agree_with_the_test_cases(report: Report) -> None:
    suite = ET.fromstring(render_junit(report).encode()).find("testsuite")
    assert suite is not None
    assert (
        suite.get("tests"),
        suite.get("failures"),
        suite.get("errors"),
        suite.get("skipped"),
    ) == ("8", "2", "2", "2")


def test_labels_are_escaped_and_characters_xml_cannot_carry_are_replaced() -> None:
    one = objective(description=f"{SCRIPT} \x07bell", reason="a\x00b")
    text = render_junit(build_report(objectives=[one]))
    assert SCRIPT not in text
    case = cases(text)["cache_hit_rate"]
    assert case.get("name") == f"cache_hit_rate: {SCRIPT} \ufffdbell"
