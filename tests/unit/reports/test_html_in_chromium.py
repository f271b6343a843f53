"""report.html opened in Debian's headless Chromium: it renders, shows the verdict and every
chart, and makes no network request. The screenshot is kept in ``test-artifacts/``."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from report_fixture import build_report

from reports.html import render_html

CHROMIUM = shutil.which("chromium")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
)


def chromium(page: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={profile}",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # nothing could be fetched anyway
        *extra, page.as_uri(),
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def page_requests(netlog: Path) -> list[str]:
    """URLs the *page* asked for (the browser's own update checks have no page origin)."""
    log = json.loads(netlog.read_text())
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    found: list[str] = []
    for event in log["events"]:
        params = event.get("params") or {}
        url = params.get("url", "")
        if event["type"] != start or not url or params.get("initiator") == "not an origin":
            continue
        if not url.startswith(("file:", "data:")):
            found.append(url)
    return found


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render_html(build_report()), encoding="utf-8")
    return path


def test_chromium_renders_the_verdict_and_every_chart(page: Path, tmp_path: Path) -> None:
    dom = chromium(page, tmp_path, "--dump-dom").stdout
    report = build_report()
    assert '<p class="verdict">FAIL</p>' in dom
    assert dom.count("<svg") == sum(1 for s in report.timeseries if s.has_data)
    for series in report.timeseries:
        assert f"<h3>{series.title}</h3>" in dom
    assert "<script" not in dom.lower()


def test_chromium_makes_no_network_request_for_the_page(page: Path, tmp_path: Path) -> None:
    netlog = tmp_path / "netlog.json"
    chromium(page, tmp_path, "--dump-dom", f"--log-net-log={netlog}")
    assert page_requests(netlog) == []


def test_the_request_check_sees_a_page_that_fetches(tmp_path: Path) -> None:
    control = tmp_path / "fetches.html"
    control.write_text('<img src="http://example.invalid/x.png">', encoding="utf-8")
    netlog = tmp_path / "netlog.json"
    chromium(control, tmp_path, "--dump-dom", f"--log-net-log={netlog}")
    assert page_requests(netlog) == ["http://example.invalid/x.png"]


def test_a_screenshot_of_the_page_is_kept_as_a_test_artefact(page: Path, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    shutil.copy(page, ARTIFACTS / "report.html")
    chromium(page, tmp_path, f"--screenshot={shot}", "--window-size=1280,2700", "--hide-scrollbars")
    assert shot.stat().st_size > 50_000  # a rendered page, not a blank one
