"""report.html: self-contained, every chart drawn, labels escaped (no browser needed)."""

from __future__ import annotations

import re

from report_fixture import SCRIPT, build_report

from reports import Report
from reports.html import render_html

# Attributes and CSS that would make a browser fetch something.
FETCHING = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?(?!#|data:)[^"'\s>]+)|url\((?!#|["']?data:)|@import""",
    re.IGNORECASE,
)


def test_the_page_fetches_nothing_every_reference_is_inline(report: Report) -> None:
    page = render_html(report)
    assert FETCHING.findall(page) == []
    assert "default-src 'none'" in page  # and the browser is told to refuse any request


def test_the_fetch_check_finds_an_external_reference() -> None:
    assert FETCHING.findall('<img src="https://example.com/x.png"><link href="s.css">')


def test_every_chart_with_data_is_an_inline_svg_and_every_chart_has_its_title(
    report: Report,
) -> None:
    page = render_html(report)
    with_data = [s for s in report.timeseries if s.has_data]
    assert page.count("<svg") == len(with_data) == 6
    for series in report.timeseries:
        assert f"<h3>{series.title}</h3>" in page


def test_a_chart_without_data_says_so_with_its_note(report: Report) -> None:
    assert "no data: no series for read_replica_queries_total" in render_html(report)


def test_the_verdict_banner_comes_first(report: Report) -> None:
    page = render_html(report)
    banner = page.index('class="banner fail"')
    assert banner < page.index("<table")
    assert '<p class="verdict">FAIL</p>' in page


def test_script_labels_in_text_and_in_chart_legends_are_escaped(report: Report) -> None:
    page = render_html(report)
    assert SCRIPT not in page
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page  # the description
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in page  # the legend inside the SVG


def test_chart_ids_are_unique_across_the_page(report: Report) -> None:
    ids = re.findall(r'\bid="([^"]+)"', render_html(report))
    assert len(ids) == len(set(ids))


def test_a_report_without_time_series_explains_the_missing_charts() -> None:
    page = render_html(build_report(timeseries=[]))
    assert "<svg" not in page
    assert "carries no time series" in page


def test_run_metadata_lists_target_profile_window_and_versions(report: Report) -> None:
    page = render_html(report)
    for text in (
        "http://127.0.0.1:8000",
        "staging",
        "2026-01-01 00:00:00 UTC",
        "slo-harness/report/v1",
        "rendered by",
    ):
        assert text in page


def test_the_header_shows_the_load_the_targets_version_and_the_window_note(
    report: Report,
) -> None:
    page = render_html(report)
    banner = page.split('<header class="banner', 1)[1].split("</header>", 1)[0]
    assert "http://127.0.0.1:8000 · version 1.0.0 (from /openapi.json)" in banner
    assert "shape ramp" in banner and "peak 50 users" in banner
    assert "61234 requests (3 failed) in 3h 10m" in banner
    assert "FAIL for this 3 h window; the 24 h and 48 h criteria need" in banner


def test_the_page_has_a_per_route_table_from_locusts_view(report: Report) -> None:
    routes = render_html(report).split('<section id="routes">', 1)[1].split("</section>")[0]
    assert '<td><code>/models</code></td><td class="num">40000</td>' in routes
    assert '<td class="num neg">3</td>' in routes  # failures stand out
    assert "&lt;script&gt;" in routes and SCRIPT not in routes


def test_a_failing_objective_carries_its_runbook_step(report: Report) -> None:
    why = render_html(report).split('<section class="why">', 1)[1].split("</section>")[0]
    assert "<strong>What to do:</strong> Diagnose: a low cache hit rate" in why
