"""The headline counts what was judged; a window shorter than the profile's stated
durations says so in every format; exit codes do not change."""

from __future__ import annotations

import json
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from report_fixture import START, build_report, objective

from reports import (
    Report,
    ReportWindow,
    StatedDuration,
    Verdict,
    headline,
    render_json,
    window_note,
)
from reports.render import FORMATS, render

STAGING = [
    StatedDuration(seconds=86400, stated_by="profile staging: for 24 Hours"),
    StatedDuration(seconds=172800, stated_by="no_timeout_errors_48h: sustained over 48h"),
]


def _gated_59s_run() -> Report:
    """A 59 s gated staging run: 5 objectives passed, 2 skipped (no baseline, 48 h)."""
    passed = [objective(id=f"objective_{i}") for i in range(5)]
    skipped = [
        objective(id="error_rate_increase", verdict=Verdict.SKIPPED, reason="no baseline"),
        objective(id="no_timeout_errors_48h", verdict=Verdict.SKIPPED, reason="needs 48h"),
    ]
    return build_report(
        verdict=Verdict.PASS,
        exit_code=0,
        objectives=passed + skipped,
        window=ReportWindow(start=START, end=START + timedelta(seconds=59)),
        stated_durations=STAGING,
    )


def test_the_headline_counts_what_was_judged_not_what_was_listed() -> None:
    assert headline(_gated_59s_run()) == (
        "5 of 7 gating objectives judged, all met; "
        "2 not judged: error_rate_increase, no_timeout_errors_48h"
    )


def test_a_short_window_says_the_verdict_holds_for_it_only() -> None:
    assert window_note(_gated_59s_run()) == (
        "PASS for this 59 s window; the 24 h and 48 h criteria need "
        "`slo check --last 48h` or `slo review`"
    )


def test_a_window_as_long_as_every_stated_duration_needs_no_note() -> None:
    whole = ReportWindow(start=START, end=START + timedelta(hours=48))
    assert window_note(_gated_59s_run().model_copy(update={"window": whole})) is None


def test_the_exit_code_is_the_verdicts_whatever_the_headline_says() -> None:
    report = _gated_59s_run()
    assert (report.verdict, report.exit_code) == (Verdict.PASS, 0)
    assert json.loads(render_json(report))["exit_code"] == 0


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"verdict": Verdict.FAIL, "reason": "70% is not > 90%"},
            "1 of 2 gating objectives judged, 1 failed: cache_hit_rate; 1 not judged: skipped",
        ),
        (
            {"verdict": Verdict.INCONCLUSIVE, "reason": "no data"},
            "0 of 2 gating objectives judged, none could be judged; "
            "1 could not be judged: cache_hit_rate; 1 not judged: skipped",
        ),
        (
            {"verdict": Verdict.WARN, "reason": "near"},
            "1 of 2 gating objectives judged, all met (1 at the warn level: cache_hit_rate); "
            "1 not judged: skipped",
        ),
    ],
)
def test_the_headline_names_failures_warnings_and_what_could_not_be_judged(
    changes: dict[str, object], expected: str
) -> None:
    verdict = changes["verdict"]
    overall = verdict if verdict in (Verdict.FAIL, Verdict.INCONCLUSIVE) else Verdict.PASS
    report = build_report(
        verdict=overall,
        objectives=[
            objective(**changes),
            objective(id="skipped", verdict=Verdict.SKIPPED, reason="no baseline"),
        ],
    )
    assert headline(report) == expected


def test_only_the_first_ids_are_named_and_the_rest_counted() -> None:
    many = [objective(id=f"o{i}", verdict=Verdict.SKIPPED, reason="x") for i in range(8)]
    report = build_report(verdict=Verdict.PASS, objectives=[objective(), *many])
    assert headline(report).endswith("8 not judged: o0, o1, o2, o3, o4 and 3 more")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_carries_the_headline_and_the_window_note(fmt: str) -> None:
    text = render(_gated_59s_run(), fmt)
    if fmt == "json":
        summary = json.loads(text)["summary"]
        assert summary.startswith("PASS: 5 of 7 gating objectives judged, all met; 2 not judged")
        assert summary.endswith(
            "PASS for this 59 s window; the 24 h and 48 h criteria need "
            "`slo check --last 48h` or `slo review`"
        )
    elif fmt == "junit":
        properties = {p.get("name"): p.get("value") for p in ET.fromstring(text).iter("property")}
        assert properties["headline"].startswith("5 of 7 gating objectives judged, all met")
        assert properties["window_note"].startswith("PASS for this 59 s window; the 24 h")
    else:
        assert "5 of 7 gating objectives judged, all met" in text
        assert "PASS for this 59 s window; the 24 h and 48 h criteria need" in text
        assert "slo check --last 48h" in text.replace("\\", "")
