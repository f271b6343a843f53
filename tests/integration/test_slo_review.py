"""``slo review`` over a week backfilled into a real Prometheus (promtool), with one bad day:
the verdict fails, the failing slice and the per-day table name that day, the report files
exist, and a second review against the first shows the trend."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "slo"))

from review_data import END, week
from slo_prometheus import run_prometheus

from slo.cli import main

BAD_DAY = "2026-01-04"  # day index 3 of the week starting 2026-01-01


@pytest.fixture(scope="module")
def prometheus_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="slo-review-") as tmp:
        datasets = {"week": week(end=END, days=7, step=60, bad_day=3, bad_hit_rate=0.6)}
        yield from run_prometheus(Path(tmp), datasets, max_block_duration="168h")


def review(url: str, out: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code = main(
        [
            "review",
            "--profile",
            "production",
            "--window",
            "7d",
            "--end",
            str(END),
            "--prometheus-url",
            url,
            "--report-dir",
            str(out),
            *extra,
        ]
    )
    return code, json.loads((out / "report.json").read_text(encoding="utf-8"))


@pytest.mark.timeout(60)
def test_a_week_with_one_bad_day_fails_and_names_that_day(
    prometheus_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    code, report = review(prometheus_url, tmp_path / "first")

    assert code == 1
    assert report["verdict"] == "fail"
    hit_rate = next(o for o in report["objectives"] if o["id"] == "cache_hit_rate")
    assert hit_rate["verdict"] == "fail"
    assert [s["start"][:10] for s in hit_rate["failing_slices"]] == [BAD_DAY]
    assert len(hit_rate["slices"]) == 7
    others = [o["verdict"] for o in report["objectives"] if o["id"] != "cache_hit_rate"]
    assert others == ["pass"] * 4

    section = report["review"]
    assert len(section["days"]) == 7
    assert section["days"][0]["label"] == "2026-01-01"
    by_id = {o["id"]: o for o in section["objectives"]}
    assert by_id["cache_hit_rate"]["failing_days"] == [BAD_DAY]
    assert by_id["cache_hit_rate"]["measured"] == "slices"
    assert [d["value"] for d in by_id["cache_hit_rate"]["days"]] == pytest.approx(
        [0.95, 0.95, 0.95, 0.6, 0.95, 0.95, 0.95]
    )
    for other in ("latency_p95", "primary_pool_utilization", "replica_query_share", "uptime"):
        assert by_id[other]["measured"] == "per_day"
        assert [d["verdict"] for d in by_id[other]["days"]] == ["pass"] * 7, other
    assert [d["value"] for d in by_id["replica_query_share"]["days"]] == pytest.approx([0.8] * 7)

    charts = {c["id"]: c for c in report["timeseries"]}
    assert charts["cache_hit_rate"]["step_seconds"] == 3600
    assert len(charts["cache_hit_rate"]["lines"]["hit rate"]) == 7 * 24

    files = sorted(p.name for p in (tmp_path / "first").iterdir())
    assert files == ["junit.xml", "report.html", "report.json", "report.md"]
    markdown = (tmp_path / "first" / "report.md").read_text(encoding="utf-8")
    day_rows = [line for line in markdown.splitlines() if line.startswith("| 2026-01-0")]
    assert len(day_rows) == 6  # the bad day's row starts with its mark
    assert f"| ❌ **{BAD_DAY}** | ❌ 60% |" in markdown
    html = (tmp_path / "first" / "report.html").read_text(encoding="utf-8")
    assert 'id="review-days"' in html and f"{BAD_DAY}</th>" in html
    printed = capsys.readouterr().out
    assert f"failing days of cache_hit_rate: {BAD_DAY}" in printed
    # The cache TTL advice the command prints is the one its report files keep.
    advice = section["cache_ttl"]
    head = (
        f"cache TTL: recommended {advice['ttl_seconds']:g}s"
        if advice["ttl_seconds"] is not None
        else "cache TTL: no recommendation"
    )
    assert advice["reasons"], advice
    assert "\n".join([head, *(f"  {r}" for r in advice["reasons"])]) in printed
    assert (
        f'### Cache TTL\n\nThe guide\'s "Optimize cache TTL based on data", '
        f"from this window: **{head}**" in markdown
    )
    assert f"<strong>{head}</strong>" in html
    assert time.monotonic() - started < 30


@pytest.mark.timeout(60)
def test_a_second_review_shows_the_trend_against_the_first(
    prometheus_url: str, tmp_path: Path
) -> None:
    _, first = review(prometheus_url, tmp_path / "first")
    previous = tmp_path / "first" / "report.json"
    # The previous review as it would have been with a worse hit rate.
    first["objectives"][0]["value"] = 0.85
    previous.write_text(json.dumps(first), encoding="utf-8")

    code, second = review(prometheus_url, tmp_path / "second", "--previous", str(previous))

    assert code == 1
    section = second["review"]
    assert section["previous"]["label"] == str(previous)
    rows = {r["id"]: r for r in section["trend"]}
    hit = rows["cache_hit_rate"]
    assert hit["previous_value"] == 0.85
    assert hit["change"] == pytest.approx(hit["current_value"] - 0.85)
    assert hit["direction"] == "better"
    assert rows["uptime"]["direction"] == "same"
    markdown = (tmp_path / "second" / "report.md").read_text(encoding="utf-8")
    assert "### Trend since the previous review" in markdown
    assert "| 85% | 90% | +5 pts (+5.88%) ↑ better | fail → fail |" in markdown


def test_an_unreachable_prometheus_exits_4_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "review",
            "--profile",
            "production",
            "--end",
            str(END),
            "--prometheus-url",
            "http://user:s3cret@127.0.0.1:9",
            "--timeout",
            "2",
            "--report-dir",
            str(tmp_path),
        ]
    )
    err = capsys.readouterr().err
    assert code == 4
    assert "Traceback" not in err and "s3cret" not in err
    assert not (tmp_path / "report.json").exists()
