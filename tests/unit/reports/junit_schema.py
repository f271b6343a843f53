"""A structural check of JUnit XML against Jenkins' ``junit-10.xsd`` (jenkinsci/xunit-plugin),
the schema CI systems read, plus the stricter Ant schema's required suite attributes.

No XSD library is a dependency, so the schema's rules are written out here: which elements
may appear where, their required and allowed attributes, and the time pattern.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

# element -> (allowed children, required attributes, allowed attributes)
RULES: dict[str, tuple[set[str], set[str], set[str]]] = {
    "testsuites": ({"testsuite"}, set(), {"name", "time", "tests", "failures", "errors"}),
    "testsuite": (
        {"testsuite", "properties", "testcase", "system-out", "system-err"},
        {"name", "tests", "failures", "errors"},
        {
            "name",
            "tests",
            "failures",
            "errors",
            "group",
            "time",
            "skipped",
            "timestamp",
            "hostname",
            "id",
            "package",
            "file",
            "log",
            "url",
        },
    ),
    "properties": ({"property"}, set(), set()),
    "property": (set(), {"name", "value"}, {"name", "value"}),
    "testcase": (
        {"skipped", "error", "failure", "system-out", "system-err"},
        {"name"},
        {"name", "time", "classname", "group"},
    ),
    "failure": (set(), set(), {"type", "message"}),
    "error": (set(), set(), {"type", "message"}),
    "skipped": (set(), set(), {"type", "message"}),
    "system-out": (set(), set(), set()),
    "system-err": (set(), set(), set()),
}
SUREFIRE_TIME = re.compile(r"(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?")
# The Ant schema (windyroad JUnit.xsd) also requires these on each suite, timestamp without zone.
ANT_SUITE = {"timestamp", "hostname", "time", "id", "package"}
ANT_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")


def problems(xml_text: str) -> list[str]:
    """Every way ``xml_text`` breaks the schema (empty when it is valid)."""
    root = ET.fromstring(xml_text.encode("utf-8"))
    found: list[str] = []
    if root.tag != "testsuites":
        found.append(f"root is <{root.tag}>, expected <testsuites>")

    def visit(element: ET.Element, path: str) -> None:
        rule = RULES.get(element.tag)
        if rule is None:
            found.append(f"{path}: unknown element")
            return
        children, required, allowed = rule
        attrs = set(element.attrib)
        found.extend(f"{path}: missing @{a}" for a in sorted(required - attrs))
        found.extend(f"{path}: unexpected @{a}" for a in sorted(attrs - allowed))
        time = element.get("time")
        timed = element.tag in ("testsuite", "testsuites") and time is not None
        if timed and not SUREFIRE_TIME.fullmatch(time or ""):
            found.append(f"{path}: @time {time!r} is not a SUREFIRE_TIME")
        if element.tag == "testsuite":
            found.extend(f"{path}: missing @{a} (Ant schema)" for a in sorted(ANT_SUITE - attrs))
            if not ANT_TIMESTAMP.fullmatch(element.get("timestamp", "")):
                found.append(f"{path}: @timestamp must be ISO-8601 without a zone")
        for index, child in enumerate(element):
            where = f"{path}/{child.tag}[{index}]"
            if child.tag not in children:
                found.append(f"{where}: not allowed in <{element.tag}>")
            visit(child, where)

    visit(root, root.tag)
    return found
