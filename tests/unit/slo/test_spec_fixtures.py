"""Spec fixtures: every good one loads; every bad one fails for the reason in its name."""

from __future__ import annotations

from pathlib import Path

import pytest

from slo.errors import SpecError
from slo.spec import load_spec
from slo.timeutil import parse_duration

SPECS = Path(__file__).parent / "specs"

# bad file stem -> (document path, words the message must contain)
BAD_REASONS = {
    "unknown_version": ("version", "expected 'slo-harness/v1', got 'slo-harness/v9'"),
    "missing_version": ("version", "expected 'slo-harness/v1', got nothing"),
    "unknown_key": ("profiles.p.objectives[0].colour", "unknown key"),
    "threshold_not_a_number": ("profiles.p.objectives[0].threshold", "got 'ninety'"),
    "missing_threshold": ("profiles.p.objectives[0]", "expected comparator and threshold"),
    "unknown_comparator": ("profiles.p.objectives[0].comparator", "got '=>'"),
    "duplicate_ids": ("profiles.p", "expected unique ids, got 'cache_hit_rate' twice"),
    "unknown_metric": ("profiles.p.objectives[0].sli.numerator[0].metric", "got 'cache_hitz'"),
    "label_not_of_metric": ("profiles.p.objectives[0].sli.numerator[0].match", "got 'path'"),
    "unknown_sli_kind": ("profiles.p.objectives[0].sli", "expected kind to be one of"),
    "quantile_out_of_range": ("profiles.p.objectives[0].sli.quantile", "got 95"),
    "bad_duration": ("profiles.p.objectives[0].sustained.min_window", "expected a duration"),
    "unknown_unit": ("profiles.p.objectives[0].unit", "got 'percent'"),
    "baseline_and_sustained": ("profiles.p.objectives[0]", "either a baseline or a sustained"),
    "invalid_yaml": ("line 3, column 1", "expected valid YAML"),
    "unit_mismatch": (
        "profiles.p.objectives[0]",
        "expected unit seconds for a quantile SLI, got 'milliseconds'",
    ),
    "invalid_regex": (
        "profiles.p.objectives[0].sli.numerator[0].match_re.status",
        "expected a regular expression, got '5..('",
    ),
    "not_a_mapping": ("", "expected a mapping with a 'version' key, got list"),
    "consecutive_longer_than_window": (
        "profiles.p.objectives[0].sustained",
        "expected min_window (3m) to hold 5 slice(s) of 1m",
    ),
    "slice_longer_than_window": (
        "profiles.p.objectives[0].sustained",
        "expected min_window (10m) to hold 1 slice(s) of 1h",
    ),
    "consecutive_with_warn": ("profiles.p.objectives[0]", "no warn level on a consecutive"),
    "better_without_improved": (
        "profiles.p.objectives[0].baseline",
        "expected better only with comparison improved",
    ),
    "expected_absence_not_zero": (
        "profiles.p.objectives[0]",
        "expected comparator '==' and threshold 0 with on_missing: expected",
    ),
    "increase_unit_mismatch": (
        "profiles.p.objectives[0]",
        "expected unit requests_per_second for a increase SLI, got 'count'",
    ),
    "unknown_comparison": ("profiles.p.objectives[0].baseline.comparison", "got 'better'"),
    # Numbers by unit: ratios in [0, 1], latencies positive, counts whole; never NaN,
    # infinity or a boolean read as 1.
    "ratio_threshold_as_percent": (
        "profiles.p.objectives[0].threshold",
        "expected a ratio in [0, 1] (0.9 means 90%) for unit ratio, got 90",
    ),
    "warn_outside_ratio": ("profiles.p.objectives[0].warn", "a ratio in [0, 1]"),
    "ratio_tolerance_as_percent": (
        "profiles.p.objectives[0].baseline",
        "expected a tolerance in [0, 1] for unit ratio",
    ),
    "threshold_nan": ("profiles.p.objectives[0].threshold", "expected a finite number, got nan"),
    "threshold_infinite": (
        "profiles.p.objectives[0].threshold",
        "expected a finite number, got inf",
    ),
    "threshold_boolean": (
        "profiles.p.objectives[0].threshold",
        "expected a valid number, got True",
    ),
    "latency_threshold_zero": (
        "profiles.p.objectives[0].threshold",
        "expected a positive number of seconds",
    ),
    "count_threshold_fraction": (
        "profiles.p.objectives[0].threshold",
        "expected a whole number >= 0 for unit count, got 2.5",
    ),
    "min_requests_boolean": (
        "profiles.p.objectives[0].min_requests",
        "expected a valid integer, got True",
    ),
    "duration_units_out_of_order": (
        "profiles.p.objectives[0].sustained.min_window",
        "units largest first, each once (1h30m), got '1h7d'",
    ),
    "zero_slice": ("profiles.p.objectives[0].sustained.slice", "expected a positive duration"),
}


@pytest.mark.parametrize("path", sorted((SPECS / "good").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_good_spec_loads(path: Path) -> None:
    assert load_spec(path).profiles


def test_every_bad_spec_has_a_stated_reason() -> None:
    assert {p.stem for p in (SPECS / "bad").glob("*.yaml")} == set(BAD_REASONS)


@pytest.mark.parametrize("stem", sorted(BAD_REASONS))
def test_each_bad_spec_fails_for_the_reason_in_its_name(stem: str) -> None:
    path = SPECS / "bad" / f"{stem}.yaml"
    where, words = BAD_REASONS[stem]
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert caught.value.file == str(path)
    assert caught.value.path == where
    assert words in caught.value.problem


def test_exponent_numbers_and_compound_durations_load_as_written() -> None:
    spec = load_spec(SPECS / "good" / "yaml_numbers_and_compound_durations.yaml")
    objective = spec.profiles["p"].objectives[0]
    assert objective.threshold == 0.001
    assert objective.sustained is not None
    assert parse_duration(objective.sustained.slice) == 5400
    assert parse_duration(objective.sustained.min_window) == 36 * 3600


def test_a_spec_that_is_not_utf8_is_a_spec_error_naming_the_file(tmp_path: Path) -> None:
    latin1 = tmp_path / "criteria.yaml"
    latin1.write_bytes("version: slo-harness/v1\nname: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(SpecError) as caught:
        load_spec(latin1)
    assert str(caught.value) == f"{latin1}: expected UTF-8 text, got byte 0xe9 at offset 33"


def test_an_odd_key_is_quoted_in_the_path_so_the_message_stays_one_line(tmp_path: Path) -> None:
    spec = tmp_path / "odd.yaml"
    spec.write_text(
        'version: slo-harness/v1\nname: odd\nprofiles:\n  "two\\nlines": {description: 1}\n'
    )
    with pytest.raises(SpecError) as caught:
        load_spec(spec)
    assert caught.value.path == "profiles['two\\nlines'].description"
    assert "\n" not in str(caught.value)


def test_an_unreadable_spec_file_is_a_spec_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"absent\.yaml: cannot read the file"):
        load_spec(tmp_path / "absent.yaml")
