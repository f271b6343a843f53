"""Scrape coverage against a real Prometheus: a window Prometheus was down for in part is
measured as a gap (its samples counted per slice by one range query), a whole window is
not. The verdicts built on it are unit-tested on recordings (tests/unit/slo/test_coverage.py).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reference_app.stack import StackOptions, start_part, start_stack, stop_part
from slo.evaluate.coverage import MIN_COVERAGE, scrape_coverage
from slo.sources import PrometheusConfig, PrometheusSource
from slo.spec import Resolver

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

#: The stack's Prometheus scrapes every second; it is stopped for this long.
DOWN_S = 8.0


def test_a_prometheus_restart_inside_the_window_is_a_gap_and_a_whole_window_is_not(
    stack_dir: Path,
) -> None:
    info = start_stack(StackOptions(dir=stack_dir, redis=False, replica=False))
    source = PrometheusSource(PrometheusConfig(url=info.prometheus_url))
    time.sleep(12.0)  # a whole window of scrapes before the stop
    before = time.time()
    whole = scrape_coverage(source, Resolver(), before - 10.0, before)
    info = stop_part(info, "prometheus")
    stopped = time.time()
    time.sleep(DOWN_S)
    info = start_part(info, "prometheus")
    back = time.time()
    time.sleep(10.0)  # scrapes again after the restart
    end = time.time()
    gap = scrape_coverage(source, Resolver(), stopped - 10.0, end)

    assert whole is not None and whole.fraction == 1.0, whole
    assert gap is not None, "the window holds scrapes on both sides of the stop"
    assert gap.fraction < MIN_COVERAGE, gap
    assert not gap.enough
    # the longest run of empty slices lies within the stop (rounded to whole slices)
    assert gap.slice_seconds <= gap.longest_gap_s <= (back - stopped) + 2 * gap.slice_seconds
