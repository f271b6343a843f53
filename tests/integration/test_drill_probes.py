"""The drills' own probes and faults against a real stack (no replica: the primary takes
every read): the uncached-page probes ask each page once, so each is a database read;
the catalog lock holds its tables, and ends early once the files it waits for exist."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from reference_app.stack import StackOptions, start_stack

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `examples` is a folder of the repository, not installed
    sys.path.insert(0, str(ROOT))

from examples.drills.database import lock_catalog  # noqa: E402
from examples.drills.probes import db_reads_during, reads_again  # noqa: E402


def test_every_uncached_page_the_probe_sends_is_one_primary_read(stack_dir: Path) -> None:
    info = start_stack(StackOptions(dir=stack_dir, redis=True, replica=False))
    # 3 x 200 pages drawn from 2900 offsets: drawn with repeats, about one probe in two
    # would ask a page twice; and the later probes meet pages the earlier ones cached
    # (about 13 and 26 expected), which they skip for others
    skipped = 0
    for _ in range(3):
        found = db_reads_during(info.service_url, seconds=0.5, requests=200)
        assert found["statuses"] == {"200": 200}
        assert found["primary_reads"] == 200, found
        assert found["replica_reads"] == 0
        skipped += found["cached_pages_skipped"]
    assert skipped > 0


def test_the_catalog_lock_blocks_reads_and_ends_once_its_files_exist(
    stack_dir: Path, tmp_path: Path
) -> None:
    info = start_stack(StackOptions(dir=stack_dir, redis=True, replica=False))
    done = tmp_path / "watch-over"
    held: dict[str, object] = {}

    def lock() -> None:
        held.update(lock_catalog(str(stack_dir), 20, until_files=[str(done)]))

    locker = threading.Thread(target=lock)
    locker.start()
    try:
        time.sleep(1.0)
        # a page no cache holds waits on the lock and ends at the service's 5 s deadline
        blocked = httpx.get(f"{info.service_url}/models?limit=7&offset=2901", timeout=10)
        assert blocked.status_code == 504
    finally:
        done.touch()
        locker.join(timeout=10)
    assert not locker.is_alive()
    assert held["released_early"] is True
    assert isinstance(held["held_s"], float) and held["held_s"] < 10, held
    # released: the primary serves uncached pages again at once
    assert reads_again(info.service_url, timeout_s=10)["again"] is True


def test_a_lock_without_files_is_held_for_its_seconds(stack_dir: Path) -> None:
    start_stack(StackOptions(dir=stack_dir, redis=False, replica=False))
    held = lock_catalog(str(stack_dir), 1.5)
    assert held["released_early"] is False
    assert 1.5 <= held["held_s"] < 3.0, held


def test_a_lock_longer_than_a_drill_may_hold_is_refused(stack_dir: Path) -> None:
    with pytest.raises(ValueError, match="a fault lasts between 0 and"):
        lock_catalog(str(stack_dir), 10_000)
