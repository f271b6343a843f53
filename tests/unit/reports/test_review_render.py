"""The review section in report.md and report.html: a row per day with the failing days
marked, the attestations, the trend table, the cache TTL advice; labels escaped; absent
from other reports."""

from __future__ import annotations

import json
from datetime import timedelta

from golden import check_golden
from report_fixture import SCRIPT, START, build_report, objective

from reports import (
    AttestationState,
    CacheTtlAdvice,
    PreviousReview,
    Report,
    ReviewDay,
    ReviewObjective,
    ReviewPeriod,
    ReviewSection,
    TrendRow,
    Verdict,
)
from reports.html import render_html
from reports.markdown import render_markdown
from reports.render import render

DAY = timedelta(days=1)
HIT_RATES = [0.95, 0.94, 0.96, 0.6, 0.95]


def review_report() -> Report:
    periods = [
        ReviewPeriod(start=START + i * DAY, end=START + (i + 1) * DAY, label=f"2026-01-0{i + 1}")
        for i in range(len(HIT_RATES))
    ]
    hit_days = [
        ReviewDay(
            start=p.start,
            verdict=Verdict.PASS if v > 0.9 else Verdict.FAIL,
            value=v,
            reason=f"{v * 100:g}% {'>' if v > 0.9 else 'is not >'} 90%",
        )
        for p, v in zip(periods, HIT_RATES, strict=True)
    ]
    latency_days = [
        ReviewDay(start=p.start, verdict=Verdict.PASS, value=0.048, reason="48 ms < 100 ms")
        for p in periods
    ]
    latency_days[1] = ReviewDay(
        start=periods[1].start, verdict=Verdict.INCONCLUSIVE, value=None, reason="no data"
    )
    section = ReviewSection(
        days=periods,
        objectives=[
            ReviewObjective(
                id="cache_hit_rate",
                description="Cache hit rate >90% for 7 days",
                unit="ratio",
                target="> 90%",
                gating=True,
                measured="slices",
                days=hit_days,
                failing_days=["2026-01-04"],
            ),
            ReviewObjective(
                id="latency_p95",
                description="P95 response time <100ms",
                unit="seconds",
                target="< 100 ms",
                gating=True,
                measured="per_day",
                days=latency_days,
            ),
        ],
        attestations=[
            AttestationState(
                id="zero_emergency_rollbacks",
                description="Zero emergency rollbacks",
                state="pass",
                by="alice",
                date="2026-01-05",
                note=f"none {SCRIPT}",
            ),
            AttestationState(
                id="database_costs", description="Database costs stable", state="unattested"
            ),
        ],
        attestations_file="attestations.yaml",
        previous=PreviousReview(
            label="reviews/week52/report.json",
            window_start=START - 5 * DAY,
            window_end=START,
            verdict=Verdict.PASS,
            profile="production",
        ),
        trend=[
            TrendRow(
                id="cache_hit_rate",
                description="Cache hit rate >90% for 7 days",
                unit="ratio",
                previous_value=0.93,
                current_value=0.88,
                change=-0.05,
                change_ratio=-0.05 / 0.93,
                direction="worse",
                previous_verdict=Verdict.PASS,
                current_verdict=Verdict.FAIL,
            ),
            TrendRow(
                id="latency_p95",
                description="P95 response time <100ms",
                unit="seconds",
                previous_value=None,
                current_value=0.048,
                change=None,
                change_ratio=None,
                direction=None,
                previous_verdict=None,
                current_verdict=Verdict.PASS,
            ),
        ],
        cache_ttl=CacheTtlAdvice(
            ttl_seconds=60,
            reasons=[
                "over 5d: 1,000,000 lookups, hit rate 99.00% (target 90%) at a TTL of 300s",
                f"a reason with markup {SCRIPT}",
            ],
        ),
    )
    return build_report(
        window={"start": START, "end": START + len(HIT_RATES) * DAY},
        objectives=[objective(verdict=Verdict.FAIL, value=0.88, reason="1 of 5 1d slices failed")],
        review=section,
    )


def test_the_markdown_review_matches_its_golden_file() -> None:
    check_golden("review.md", render_markdown(review_report()))


def test_the_markdown_has_one_row_per_day_with_the_failing_day_marked() -> None:
    text = render_markdown(review_report())
    assert text.splitlines()[0].startswith("## ❌ SLO review: FAIL")
    rows = [
        line
        for line in text.splitlines()
        if line.startswith("| ") and "2026-01-0" in line.split("|")[1]
    ]
    assert len(rows) == 5
    assert rows[3] == "| ❌ **2026-01-04** | ❌ 60% | ✅ 48 ms |"
    assert rows[1] == "| 2026-01-02 | ✅ 94% | ❔ no value |"
    assert "failing days: 2026-01-04" in text


def test_the_markdown_shows_attestations_and_the_trend() -> None:
    text = render_markdown(review_report())
    assert "Recorded in `attestations.yaml`." in text
    assert (
        "| ✅ | Zero emergency rollbacks<br>`zero_emergency_rollbacks` | **pass** | alice |" in text
    )
    assert "\\<script\\>" in text and SCRIPT not in text
    assert "| 93% | 88% | -5 pts (-5.38%) ↓ worse | pass → fail |" in text
    assert "| n/a | 48 ms | n/a | absent → pass |" in text


def test_the_html_review_marks_failing_days_and_escapes_labels() -> None:
    html = render_html(review_report())
    assert 'id="review-days"' in html and 'id="review-trend"' in html
    assert html.count('<tr class="failing">') == 1
    assert '<span class="pill small fail">fail</span> 2026-01-04</th>' in html
    assert (
        '<td class="cell fail" title="cache_hit_rate on 2026-01-04: fail, 60% is not &gt; 90%">'
        "60%</td>" in html
    )
    assert SCRIPT not in html and "&lt;script&gt;" in html


def test_a_report_without_a_review_renders_no_review_section(report: Report) -> None:
    assert "Day by day" not in render_markdown(report)
    assert "review-days" not in render_html(report)


def test_the_review_section_round_trips_through_report_json() -> None:
    found = review_report()
    again = Report.model_validate_json(render(found, "json"))
    assert again.review == found.review


def test_both_renderings_carry_the_cache_ttl_advice_the_cli_prints() -> None:
    report = review_report()
    assert report.review is not None and report.review.cache_ttl is not None
    lines = report.review.cache_ttl.lines()
    assert lines[0] == "cache TTL: recommended 60s"
    text = render_markdown(report)
    assert "### Cache TTL" in text
    assert "from this window: **cache TTL: recommended 60s**" in text
    assert "- over 5d: 1,000,000 lookups, hit rate 99.00% (target 90%)" in text
    assert SCRIPT not in text
    html = render_html(report)
    assert 'id="review-cache-ttl"' in html
    assert "<strong>cache TTL: recommended 60s</strong>" in html
    assert "<li>over 5d: 1,000,000 lookups" in html and SCRIPT not in html


def test_a_review_written_before_the_advice_existed_renders_without_it() -> None:
    # A report.json from before the field: its review has no "cache_ttl" key at all.
    written = json.loads(render(review_report(), "json"))
    del written["review"]["cache_ttl"]
    again = Report.model_validate_json(json.dumps(written))
    assert again.review is not None and again.review.cache_ttl is None
    assert "Cache TTL" not in render_markdown(again)
    assert "review-cache-ttl" not in render_html(again)
