"""Fuzzed input to the spec loader, the report reader and the duration and time parsers,
through the ``slo`` command: whatever comes in, the answer is exit 0 or exit 3 with one line,
never the internal-error code (5) and never a traceback."""

from __future__ import annotations

import contextlib
import io
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from slo.cli import main
from slo.sources import STATS_VERSION

SPECS = Path(__file__).parent / "specs"
# A one-objective spec: the commands' own work stays small beside the parsing fuzzed.
SMALL = ("--spec", str(SPECS / "good" / "minimal.yaml"), "--profile", "smoke")
# Bounded, so the whole file runs in a few seconds; no example database in the repository.
FUZZ = settings(max_examples=60, deadline=None, database=None)

JSON_LEAF = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
DURATIONS = st.one_of(
    st.text(max_size=12),
    st.from_regex(r"-?\d{1,5}(\.\d{1,3})?(ms|s|m|h|d|w|y)(\d{1,3}(ms|s|m|h))?", fullmatch=True),
)
INSTANTS = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**12), max_value=10**13).map(str),
    st.floats().map(repr),
    st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
        timezones=st.none() | st.just(UTC) | st.builds(
            timezone, st.timedeltas(min_value=timedelta(hours=-23), max_value=timedelta(hours=23))
        ),
    ).map(datetime.isoformat),
)  # fmt: skip


ERROR_LINE = re.compile(r"slo( [a-z]+)?: error: ")


def slo(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def assert_answered(code: int, err: str, *, ok: int | None = 0) -> None:
    """Exit ``ok`` (the input was good), or exit 3 and exactly one line on stderr."""
    assert "Traceback" not in err and "internal error" not in err, err
    if code == ok:
        return
    assert code == 3, (code, err)
    assert len(err.splitlines()) == 1 and ERROR_LINE.match(err), err


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def stats(work: Path) -> Path:
    """Locust statistics that pass the load-test profile."""
    path = work / "stats.json"
    row = {"name": "Aggregated", "num_requests": 600, "num_failures": 0,
           "avg_response_time": 12.0, "total_rps": 150.0}  # fmt: skip
    path.write_text(json.dumps({"version": STATS_VERSION, "stats": [row]}))
    return path


@pytest.fixture(scope="module")
def report_json(work: Path, stats: Path) -> dict[str, Any]:
    """A real report.json (staging judged on client statistics only) to mutate."""
    argv = ["check", "--profile", "staging", "--start", "1767225600", "--end", "1767226200"]
    slo(*argv, "--locust-stats", str(stats), "--report-dir", str(work / "base"))
    found: dict[str, Any] = json.loads((work / "base" / "report.json").read_text())
    return found


def paths_of(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path into a JSON-like document."""
    found = [here]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths_of(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths_of(value, (*here, index))
    return found


def replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A copy of ``document`` with the node at ``path`` replaced by ``value``."""
    if not path:
        return value
    copy = json.loads(json.dumps(document))
    node = copy
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return copy


SPEC = yaml.safe_load((SPECS / "good" / "every_kind.yaml").read_text())
SPEC_PATHS = paths_of(SPEC)


@FUZZ
@given(content=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_spec_file_content_is_ok_or_one_line_of_exit_3(work: Path, content: bytes) -> None:
    spec = work / "spec.yaml"
    spec.write_bytes(content)
    code, _, err = slo("lint", str(spec))
    assert_answered(code, err)


@FUZZ
@given(path=st.sampled_from(SPEC_PATHS), value=JSON_VALUE)
def test_a_spec_with_any_value_anywhere_is_ok_or_one_line_of_exit_3(
    work: Path, path: tuple[Any, ...], value: Any
) -> None:
    spec = work / "mutated.yaml"
    spec.write_text(yaml.safe_dump(replaced(SPEC, path, value)))
    code, out, err = slo("lint", str(spec))
    assert_answered(code, err)
    if code == 0:
        assert len(out.splitlines()) == 1


@FUZZ
@given(content=st.binary(max_size=200))
def test_any_report_file_content_is_one_line_of_exit_3(work: Path, content: bytes) -> None:
    report = work / "bytes.json"
    report.write_bytes(content)
    code, _, err = slo("rules", *SMALL, "--baseline", str(report))
    assert_answered(code, err, ok=None)


@FUZZ
@given(data=st.data())
def test_a_report_with_any_value_anywhere_is_read_or_one_line_of_exit_3(
    work: Path, report_json: dict[str, Any], data: st.DataObject
) -> None:
    path = data.draw(st.sampled_from(paths_of(report_json)))
    value = data.draw(JSON_VALUE)
    report = work / "mutated.json"
    report.write_text(json.dumps(replaced(report_json, path, value)))
    code, _, err = slo("rules", *SMALL, "--baseline", str(report), "-o", "-")
    assert_answered(code, err)


@FUZZ
@given(window=DURATIONS)
def test_any_duration_is_ok_or_one_line_of_exit_3(window: str) -> None:
    code, _, err = slo("explain", *SMALL, "--window", window)
    assert_answered(code, err)


@FUZZ
@given(start=INSTANTS, end=INSTANTS, last=st.none() | DURATIONS)
def test_any_window_is_judged_or_one_line_of_exit_3(
    work: Path, stats: Path, start: str, end: str, last: str | None
) -> None:
    window = ["--last", last] if last is not None else ["--start", start, "--end", end]
    code, _, err = slo(
        "check", "--profile", "load-test", *window, "--locust-stats", str(stats),
        "--report-dir", str(work / "judged"),
    )  # fmt: skip
    assert_answered(code, err)
