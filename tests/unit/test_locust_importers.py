"""The modules `make test` keeps out of its xdist run (tests/conftest.py) are exactly the
ones that import Locust in-process, and the Makefile runs each of them afterwards."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
# tests/conftest.py by path: other conftest modules may already be imported as "conftest"
_spec = importlib.util.spec_from_file_location("tests_root_conftest", TESTS / "conftest.py")
assert _spec is not None and _spec.loader is not None
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
LOCUST_IMPORTERS: tuple[str, ...] = _root.LOCUST_IMPORTERS

# A top-level import of Locust, or of a scenarios module that imports it.
LOCUST = re.compile(r"^(import locust|from locust[ .]|from scenarios\.gate import)", re.M)


def test_every_module_importing_locust_is_kept_out_of_the_xdist_run() -> None:
    found = sorted(
        str(p.relative_to(TESTS))
        for p in TESTS.rglob("test_*.py")
        if p.name != Path(__file__).name and LOCUST.search(p.read_text(encoding="utf-8"))
    )
    assert found == sorted(LOCUST_IMPORTERS)


def test_the_makefile_runs_them_after_the_parallel_run() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    listed = re.search(r"^LOCUST_IMPORTERS := (.+)$", makefile, re.M)
    assert listed is not None
    assert sorted(listed.group(1).split()) == sorted(f"tests/{p}" for p in LOCUST_IMPORTERS)
    # in a process of their own: patching after ssl is imported (the drills import it) breaks
    assert "\t$(PY) -m pytest $(PYTEST_ARGS) $(LOCUST_IMPORTERS)\n" in makefile


def test_the_makefile_runs_the_drills_two_at_a_time_after_the_parallel_run() -> None:
    # README: "Then the drills' short forms, two at a time"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile[makefile.index("\ntest: ") :].split("\n\n")[0]
    parallel = "\t$(PY) -m pytest -n 2 --ignore=$(DRILL_TESTS) $(PYTEST_ARGS)\n"
    drills = "\t$(PY) -m pytest -n 2 $(PYTEST_ARGS) $(DRILL_TESTS)\n"
    assert parallel in recipe and drills in recipe
    assert recipe.index(parallel) < recipe.index(drills)
    assert "DRILL_TESTS := tests/integration/test_drills.py" in makefile
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Then the drills' short forms, two at a time" in readme


PYTEST_COLLECT = (sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider")


def test_not_slow_leaves_out_the_load_tests_and_keeps_the_others() -> None:
    # README: "the tests that run load or time a detection ... (marked `slow`:
    # `-m "not slow"` leaves them out)"
    modules = ["tests/integration/test_impact.py", "tests/integration/test_slo_golden.py"]
    found = {}
    for marks in ([], ["-m", "not slow"]):
        done = subprocess.run(
            [*PYTEST_COLLECT, *marks, *modules],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            check=False,
        )
        ids = [line for line in done.stdout.splitlines() if "::" in line]
        found[" ".join(marks)] = {line.split("::")[0] for line in ids}
    assert found[""] == set(modules)
    assert found["-m not slow"] == {"tests/integration/test_slo_golden.py"}
