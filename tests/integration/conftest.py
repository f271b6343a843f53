"""The integration suite's servers: one real stack for the whole session.

Every test in tests/integration is marked `integration`. The `stack` fixture
starts Redis, a PostgreSQL primary and streaming replica, Prometheus and the
service in a short temp dir under /tmp, and stops them at the end, even when
tests fail.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from stack_dirs import new_stack_dir

from reference_app.stack import StackInfo, StackOptions, start_stack, stop_stack

HERE = Path(__file__).parent
#: Modules whose tests run Locust or other load, or time a detection: marked `slow`.
LOAD_MODULES = frozenset(
    {
        "test_demo",
        "test_drills",
        "test_gate",
        "test_github_actions",
        "test_impact",
        "test_service_layers",
        "test_service_load",
        "test_service_memory",
        "test_shapes_smoke",
        "test_slo_coverage",
        "test_slo_watch",
        "test_slo_watch_escalation",
    }
)


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.integration)
        if Path(item.path).stem in LOAD_MODULES:
            # `-m "not slow"` leaves them out. Under `make test` they share the two xdist
            # workers with the rest of the suite: an `xdist_group` that kept them on one
            # worker was silently ignored (pytest-xdist 3.8 renames `item._nodeid`, which
            # pytest 9 no longer reads), so it was removed rather than left claiming it.
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def stack_dir() -> Iterator[Path]:
    """An empty directory for one more stack; whatever a test started there is stopped."""
    path = new_stack_dir("stack-t-")
    yield path
    if (path / "state.json").exists():  # a failed test must not leave servers behind
        stop_stack(path)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def stack() -> Iterator[StackInfo]:
    """A running stack with Redis and the replica on (the guide's "after" picture)."""
    stack_dir = new_stack_dir("stack-")
    info = start_stack(StackOptions(dir=stack_dir, redis=True, replica=True))
    try:
        yield info
    finally:
        stop_stack(stack_dir)
        shutil.rmtree(stack_dir, ignore_errors=True)
