"""`make demo`: the guide's Step 3 against a fresh stack, which is stopped afterwards."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from reference_app.demo import run_checks
from reference_app.stack import StackInfo, spawn_service


def test_the_demo_passes_every_check_and_stops_its_stack(stack_dir: Path) -> None:
    demo = subprocess.run(
        [sys.executable, "-m", "reference_app.demo", "--stack-dir", str(stack_dir)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "[FAIL]" not in demo.stdout
    assert "X-Cache: MISS" in demo.stdout
    assert "X-Cache: HIT" in demo.stdout
    assert 'catalog_cache_hits_total{gateway="all"} 1' in demo.stdout
    assert "Result: 9 of 9 checks passed." in demo.stdout
    assert not (stack_dir / "state.json").exists()
    assert not (stack_dir / "data").exists()


def test_a_check_that_fails_is_reported_as_failed(
    stack: StackInfo, capsys: pytest.CaptureFixture[str]
) -> None:
    with spawn_service(stack, {"REDIS_URL": None}) as uncached:
        checks = run_checks(dataclasses.replace(stack, service_url=uncached.url))
    failed = {c.name for c in checks if not c.passed}
    assert "1st GET /models?limit=10 is a cache MISS" in failed
    assert "2nd GET /models?limit=10 is a cache HIT" in failed
    assert "[FAIL] 2nd GET /models?limit=10 is a cache HIT" in capsys.readouterr().out
