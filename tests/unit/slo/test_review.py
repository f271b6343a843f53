"""``slo review`` without a server: the attestations file, the trend, day slicing (on an
embedded store holding a week with one bad day), the review section and CLI usage."""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from golden_data import fill_store
from review_data import DAY, END, week

from reports import ObjectiveResult, Report, ReportWindow, Verdict
from slo.cli import main
from slo.errors import SpecError
from slo.evaluate import Evaluation, Window
from slo.review import (
    ReviewJob,
    breakdown,
    day_label,
    day_periods,
    direction,
    parse_attestations,
    review,
    trend,
    ttl_advice,
)
from slo.slis import RawResult, SliDef
from slo.sources import EmbeddedSource, SampleStore
from slo.spec import default_spec_path, load_spec
from slo.timeutil import to_datetime

SPEC = load_spec(default_spec_path())
WEEK = Window(start=END - 7 * DAY, end=END)
GOOD_FILE = """\
zero_emergency_rollbacks:
  state: pass
  by: alice
  date: 2026-02-03
  note: "no rollback since the deploy"
database_costs: {state: fail, by: bob}
"""


# ---- the attestations file ------------------------------------------------------------


def test_a_good_attestations_file_gives_each_state_with_who_and_when() -> None:
    found = parse_attestations(GOOD_FILE, SPEC, name="att.yaml")
    assert set(found) == {"zero_emergency_rollbacks", "database_costs"}
    rollbacks = found["zero_emergency_rollbacks"]
    assert rollbacks.passed and rollbacks.by == "alice"
    assert rollbacks.describe() == (
        "attested pass by alice on 2026-02-03: no rollback since the deploy"
    )
    assert not found["database_costs"].passed
    assert found["database_costs"].describe() == "attested fail by bob"


def test_an_empty_attestations_file_attests_nothing() -> None:
    assert parse_attestations("# nothing yet\n", SPEC, name="att.yaml") == {}


def test_an_unknown_attestation_id_is_an_error_naming_the_file_and_the_key() -> None:
    text = GOOD_FILE + "zero_rollbacks: {state: pass, by: carol}\n"
    with pytest.raises(SpecError) as caught:
        parse_attestations(text, SPEC, name="team/att.yaml")
    message = str(caught.value)
    assert message.startswith("team/att.yaml: zero_rollbacks: expected an attestation id")
    assert "zero_emergency_rollbacks" in message and "'zero_rollbacks'" in message


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("- zero_emergency_rollbacks\n", "att.yaml: ", "expected a mapping of attestation id"),
        ("database_costs: pass\n", "att.yaml: database_costs: ", "expected a mapping with state"),
        ("database_costs: {state: done, by: bob}\n", "database_costs.state: ", "'done'"),
        ("database_costs: {state: pass}\n", "database_costs.by: ", "required key"),
        ("database_costs: {state: pass, by: ''}\n", "database_costs.by: ", "at least 1"),
        ("database_costs: {state: pass, by: b, date: someday}\n", "database_costs.date: ", "date"),
        ("database_costs: {state: pass, by: b, who: c}\n", "database_costs.who: ", "unknown key"),
        ("database_costs: {state: pass\n", "att.yaml: line ", "expected valid YAML"),
    ],
    ids=[
        "not a mapping",
        "entry not a mapping",
        "unknown state",
        "missing by",
        "empty by",
        "bad date",
        "unknown field",
        "broken YAML",
    ],
)
def test_a_malformed_attestations_file_is_an_error_saying_where_and_what(
    text: str, where: str, words: str
) -> None:
    with pytest.raises(SpecError) as caught:
        parse_attestations(text, SPEC, name="att.yaml")
    message = str(caught.value)
    assert where in message and words in message, message


# ---- the trend ------------------------------------------------------------------------


def result(**changes: Any) -> ObjectiveResult:
    base: dict[str, Any] = {
        "id": "cache_hit_rate",
        "description": "Cache hit rate >90%",
        "verdict": Verdict.PASS,
        "reason": "",
        "value": 0.95,
        "threshold": 0.9,
        "comparator": ">",
        "unit": "ratio",
        "gating": True,
        "kind": "ratio",
        "query": "",
    }
    base.update(changes)
    return ObjectiveResult.model_validate(base)


def report_of(*results: ObjectiveResult) -> Report:
    return Report(
        verdict=Verdict.PASS,
        exit_code=0,
        profile="production",
        spec="phase1.yaml",
        source="test",
        target="",
        window=ReportWindow(start=to_datetime(WEEK.start), end=to_datetime(WEEK.end)),
        objectives=list(results),
        generated_at=to_datetime(END),
    )


@pytest.mark.parametrize(
    ("comparator", "threshold", "before", "after", "expected"),
    [
        (">", 0.9, 0.91, 0.95, "better"),
        (">=", 0.7, 0.8, 0.75, "worse"),
        ("<", 0.1, 0.05, 0.04, "better"),
        ("<=", 0.1, 0.05, 0.06, "worse"),
        ("no_increase", None, 0.01, 0.02, "worse"),
        ("==", 0.0, 0.002, 0.001, "better"),
        ("==", 0.0, 0.0, 0.001, "worse"),
        (">", 0.9, 0.93, 0.93, "same"),
        ("improved", None, 0.1, 0.2, None),
    ],
)
def test_the_direction_of_a_change_reads_the_comparator(
    comparator: str, threshold: float | None, before: float, after: float, expected: str | None
) -> None:
    assert direction(result(comparator=comparator, threshold=threshold), before, after) == expected


def test_the_trend_gives_previous_current_and_change_per_objective() -> None:
    previous = report_of(result(value=0.92), result(id="uptime", value=0.0, verdict=Verdict.FAIL))
    current = report_of(
        result(value=0.88, verdict=Verdict.FAIL),
        result(id="uptime", value=0.9995),
        result(id="latency_p95", value=0.05, comparator="<", threshold=0.1, unit="seconds"),
        result(id="replica_query_share", value=math.nan),
    )
    rows = {r.id: r for r in trend(current, previous)}
    hit = rows["cache_hit_rate"]
    assert (hit.previous_value, hit.current_value) == (0.92, 0.88)
    assert hit.change == pytest.approx(-0.04)
    assert hit.change_ratio == pytest.approx(-0.04 / 0.92)
    assert hit.direction == "worse"
    assert (hit.previous_verdict, hit.current_verdict) == (Verdict.PASS, Verdict.FAIL)
    assert rows["uptime"].change == pytest.approx(0.9995)
    assert rows["uptime"].change_ratio is None  # from 0: no relative change
    new = rows["latency_p95"]  # not in the previous review
    assert new.previous_value is None and new.change is None and new.previous_verdict is None
    assert rows["replica_query_share"].current_value is None  # NaN is no figure
    assert rows["replica_query_share"].change is None


# ---- days -----------------------------------------------------------------------------


def test_a_calendar_day_is_named_by_its_date_and_any_other_by_its_edges() -> None:
    assert day_label(END - DAY, END) == "2026-01-07"
    assert day_label(END - DAY + 3600, END + 3600) == "2026-01-07 01:00 → 2026-01-08 01:00"


def test_a_window_is_cut_into_whole_days_from_its_start() -> None:
    periods = day_periods(Window(start=END - 7 * DAY - 3600, end=END))
    assert len(periods) == 7  # the last hour is a remainder, not judged
    assert periods[0].start == to_datetime(END - 7 * DAY - 3600)
    assert [p.end - p.start for p in periods] == [periods[0].end - periods[0].start] * 7
    assert [p.label for p in day_periods(WEEK)][:2] == ["2026-01-01", "2026-01-02"]


class CountingSource:
    """An embedded source that counts its reads."""

    def __init__(self, inner: EmbeddedSource) -> None:
        self.inner = inner
        self.kind = inner.kind
        self.description = inner.description
        self.slice_reads: list[int] = []

    def fetch(self, sli: SliDef, start: float, end: float) -> tuple[RawResult, dict[str, str]]:
        return self.inner.fetch(sli, start, end)

    def fetch_slices(self, sli: SliDef, ends: list[float], size: float) -> list[RawResult]:
        self.slice_reads.append(len(ends))
        return self.inner.fetch_slices(sli, ends, size)


@cache
def _week_store() -> SampleStore:
    store = SampleStore()
    fill_store(store, {"week": week(step=300, bad_day=3, bad_hit_rate=0.6)})
    return store


@pytest.fixture
def source() -> CountingSource:
    return CountingSource(EmbeddedSource(_week_store()))


def evaluation(source: Any, profile: str = "production") -> Evaluation:
    return Evaluation(
        spec=SPEC, spec_label="phase1.yaml", profile=profile, window=WEEK, source=source
    )


def test_each_objective_is_judged_day_by_day_and_the_bad_day_is_named(
    source: CountingSource,
) -> None:
    found = review(ReviewJob(evaluation=evaluation(source)))
    assert found.verdict == Verdict.FAIL
    section = found.review
    assert section is not None
    assert [p.label for p in section.days] == [f"2026-01-0{d}" for d in range(1, 8)]
    by_id = {o.id: o for o in section.objectives}
    hit = by_id["cache_hit_rate"]
    assert hit.measured == "slices"
    assert [d.value for d in hit.days] == pytest.approx([0.95] * 3 + [0.6] + [0.95] * 3)
    assert hit.failing_days == ["2026-01-04"]
    assert section.failing_days() == ["2026-01-04"]
    share = by_id["replica_query_share"]
    assert share.measured == "per_day" and share.target == ">= 70%"
    assert [d.value for d in share.days] == pytest.approx([0.8] * 7)
    assert all(d.verdict == Verdict.PASS for d in share.days)
    assert [d.value for d in by_id["primary_pool_utilization"].days] == pytest.approx([0.1] * 7)


def test_days_cost_one_read_per_sli_whatever_the_number_of_days(
    source: CountingSource,
) -> None:
    report = review(ReviewJob(evaluation=evaluation(source)))
    source.slice_reads.clear()
    profile = SPEC.profiles["production"]
    breakdown(profile.objectives, report, source, WEEK)
    # cache_hit_rate reuses its daily slices; the four others are read once each, for 7 days
    assert source.slice_reads == [7, 7, 7, 7]


def test_attestations_show_who_recorded_them_and_absent_ones_stay_unattested(
    source: CountingSource,
) -> None:
    recorded = parse_attestations(GOOD_FILE, SPEC, name="att.yaml")
    found = review(
        ReviewJob(
            evaluation=evaluation(source, "month1"),
            attestations=recorded,
            attestations_file="att.yaml",
        )
    )
    section = found.review
    assert section is not None
    states = {a.id: a for a in section.attestations}
    assert states["zero_emergency_rollbacks"].state == "pass"
    assert states["zero_emergency_rollbacks"].date == "2026-02-03"
    assert states["database_costs"].state == "fail"
    assert states["user_reported_improvements"].state == "unattested"
    verdicts = {r.id: (r.verdict, r.reason) for r in found.objectives if r.kind == "attestation"}
    assert verdicts["database_costs"] == (Verdict.FAIL, "attested fail by bob")
    assert verdicts["user_reported_improvements"] == (
        Verdict.INCONCLUSIVE,
        "unattested: record it in att.yaml",
    )
    assert found.verdict == Verdict.FAIL  # an attested fail gates
    # A 7-day window cannot judge the 30-day criteria, but every day is still shown.
    assert {o.id: o.measured for o in section.objectives}["cache_hit_rate"] == "per_day"
    assert all(len(o.days) == 7 for o in section.objectives)


def test_a_review_report_survives_json_and_an_older_report_has_no_review(
    source: CountingSource,
) -> None:
    found = review(ReviewJob(evaluation=evaluation(source), previous=report_of(result())))
    again = Report.model_validate_json(found.model_dump_json(by_alias=True))
    assert again.review == found.review
    assert report_of(result()).review is None
    assert Report.model_validate_json(report_of(result()).model_dump_json()).review is None


# ---- the command line -----------------------------------------------------------------


def _args(*extra: str) -> list[str]:
    return ["review", "--profile", "production", "--prometheus-url", "http://127.0.0.1:9", *extra]


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (("--window", "36h"), "--window: expected whole days such as 7d or 30d, got '36h'"),
        (("--window", "12h"), "--window: expected whole days"),
        (("--window", "seven"), "--window: expected a duration"),
        (("--end", "yesterday"), "--end: expected an ISO-8601 time"),
        (("--profile", "nope"), "no profile 'nope'"),
    ],
)
def test_bad_usage_exits_3_with_a_message(
    extra: tuple[str, ...], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_args(*extra)) == 3
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_an_unknown_attestation_in_the_file_exits_3_naming_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "att.yaml"
    path.write_text("zero_rollbacks: {state: pass, by: carol}\n", encoding="utf-8")
    assert main(_args("--attestations", str(path))) == 3
    assert f"{path}: zero_rollbacks: expected an attestation id" in capsys.readouterr().err


def test_a_previous_report_that_is_not_one_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "report.json"
    path.write_text("{}", encoding="utf-8")
    assert main(_args("--previous", str(path))) == 3
    assert f"{path}: expected a report.json (--previous)" in capsys.readouterr().err


def test_review_help_exits_0_and_documents_the_attestations_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["review", "--help"]) == 0
    out = capsys.readouterr().out
    assert "state: pass" in out and "4 data source unreachable" in out


@pytest.mark.parametrize(("days", "step"), [(1, 600), (7, 3600), (14, 7200), (30, 21600)])
def test_review_charts_take_a_step_suited_to_the_window(days: int, step: int) -> None:
    from slo.review import CHARTS
    from slo.timeseries import chart_step

    assert chart_step(Window(start=END - days * DAY, end=END), CHARTS) == step


def test_the_review_keeps_the_cache_ttl_advice_for_its_window(source: CountingSource) -> None:
    found = review(ReviewJob(evaluation=evaluation(source)))
    assert found.review is not None and found.review.cache_ttl is not None
    assert found.review.cache_ttl.lines() == ttl_advice(evaluation(source)).splitlines()
    assert found.review.cache_ttl.reasons  # the figures behind it, or what was missing
