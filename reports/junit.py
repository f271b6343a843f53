"""``junit.xml``: one test case per objective, for CI systems that read JUnit results.

Mapping (the verdict of a *gating* objective):

============  =========================================================
pass, warn    a passing test case (warn adds ``<system-out>``)
fail          ``<failure message="reason" type="fail">``
inconclusive  ``<error message="reason" type="inconclusive">``: the gate could not
              decide, which is not the same as the service failing
skipped       ``<skipped message="reason">``
============  =========================================================

An objective that only informs (``gating: false``) never fails the CI job: its fail or
inconclusive verdict becomes ``<skipped message="informs only: fail: reason">``, as the
overall verdict ignores it too. The layout satisfies Jenkins' ``junit-10.xsd`` (also what
GitHub, GitLab and Azure reporters read): ``testsuites > testsuite > properties,
testcase*, system-out``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Final
from urllib.parse import urlsplit

from reports.cells import value_cell
from reports.headline import headline, window_note
from reports.headline import summary as one_line_summary
from reports.model import ObjectiveResult, Report, Verdict
from reports.redact import redact_model
from reports.text import target

FILENAME: Final = "junit.xml"
# Characters XML 1.0 cannot carry at all.
_ILLEGAL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _ILLEGAL.sub("\ufffd", text)


def _details(result: ObjectiveResult) -> str:
    lines = [
        result.description,
        f"value: {value_cell(result) or 'none'}",
        f"threshold: {target(result) or 'none'}",
        f"reason: {result.reason}",
        f"query: {result.query}",
    ]
    if result.runbook:
        lines.append(f"what to do: {result.runbook}")
    lines += [
        f"failing slice {s.start.isoformat()} .. {s.end.isoformat()}: {s.reason}"
        for s in result.failing_slices
    ]
    return _clean("\n".join(lines))


def _outcome(result: ObjectiveResult) -> tuple[str, str, str] | None:
    """(element, type, message) for the test case, None when it passes."""
    verdict = result.verdict
    if not result.gating and verdict in (Verdict.FAIL, Verdict.INCONCLUSIVE):
        return "skipped", "informs", f"informs only: {verdict.value}: {result.reason}"
    if verdict == Verdict.FAIL:
        return "failure", "fail", result.reason
    if verdict == Verdict.INCONCLUSIVE:
        return "error", "inconclusive", result.reason
    if verdict == Verdict.SKIPPED:
        return "skipped", "skipped", result.reason
    return None


def _testcase(result: ObjectiveResult, classname: str) -> ET.Element:
    name = _clean(f"{result.id}: {result.description}")
    case = ET.Element("testcase", name=name, classname=classname, time="0")
    outcome = _outcome(result)
    if outcome is not None:
        tag, kind, message = outcome
        child = ET.SubElement(case, tag, message=_clean(message), type=kind)
        child.text = _details(result)
    else:
        out = ET.SubElement(case, "system-out")
        out.text = _clean(f"{result.verdict.value}: {result.reason}\n{_details(result)}")
    return case


def render_junit(report: Report, *, secrets: tuple[str, ...] = ()) -> str:
    """The JUnit XML report (credentials in any string redacted)."""
    report = redact_model(report, secrets)
    classname = f"slo.{report.profile}"
    cases = [_testcase(r, classname) for r in report.objectives]
    tally = {
        tag: sum(1 for c in cases if c.find(tag) is not None)
        for tag in ("failure", "error", "skipped")
    }
    stamp = report.window.end.replace(tzinfo=None, microsecond=0).isoformat()
    host = urlsplit(report.target).hostname if "://" in report.target else None
    root = ET.Element(
        "testsuites",
        name="slo-harness",
        tests=str(len(cases)),
        failures=str(tally["failure"]),
        errors=str(tally["error"]),
        time="0",
    )
    suite = ET.SubElement(
        root,
        "testsuite",
        name=_clean(f"slo {report.profile}"),
        tests=str(len(cases)),
        failures=str(tally["failure"]),
        errors=str(tally["error"]),
        skipped=str(tally["skipped"]),
        time="0",
        timestamp=stamp,
        hostname=host or "localhost",
        id="0",
        package=classname,
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("verdict", report.verdict.value),
        ("exit_code", str(report.exit_code)),
        ("profile", report.profile),
        ("window_start", report.window.start.isoformat()),
        ("window_end", report.window.end.isoformat()),
        ("target", report.target),
        ("source", report.source),
        ("spec", report.spec),
        ("baseline", report.baseline or ""),
        ("headline", headline(report)),
        ("window_note", window_note(report) or ""),
    ):
        ET.SubElement(properties, "property", name=name, value=_clean(value))
    suite.extend(cases)
    summary = ET.SubElement(suite, "system-out")
    summary.text = _clean(
        f"overall verdict: {report.verdict.value} (exit {report.exit_code})\n"
        f"{one_line_summary(report)}"
    )
    ET.SubElement(suite, "system-err").text = ""
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
