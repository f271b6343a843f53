"""Durations and instants: what a user may write, and the one-line reason when it is not."""

from __future__ import annotations

import pytest

from slo.timeutil import parse_duration, parse_instant


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("10m", 600),
        ("48h", 172_800),
        ("7d", 604_800),
        ("1h30m", 5_400),
        ("1d12h", 129_600),
        ("1w2d3h4m5s6ms", 788_645.006),
        ("1.5h", 5_400),
        ("250ms", 0.25),
        (" 5m ", 300),
    ],
)
def test_durations_as_prometheus_and_locust_write_them_are_accepted(
    text: str, seconds: float
) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("0s", "expected a positive duration, got '0s'"),
        ("0m", "expected a positive duration, got '0m'"),
        ("-5m", "expected a positive duration, got '-5m'"),
        ("30m1h", "units largest first, each once (1h30m), got '30m1h'"),
        ("1h1h", "units largest first"),
        ("1m30", "expected a duration such as 10m, 1h30m or 7d, got '1m30'"),
        ("ten minutes", "expected a duration such as"),
        ("", "expected a duration such as"),
        ("0.0001ms", "at least 1ms"),
        ("40000d", "at most 100 years"),
        ("9" * 400 + "s", "at most 100 years, got '999"),
    ],
)
def test_a_duration_that_is_not_one_says_why(text: str, words: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_duration(text)
    message = str(caught.value)
    assert words in message
    assert len(message) < 160  # the input is quoted, cut when long


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("2026-01-01T00:00:00Z", 1_767_225_600),
        ("2026-01-01T01:00:00+01:00", 1_767_225_600),
        ("2026-01-01T00:00:00", 1_767_225_600),
        ("1767225600", 1_767_225_600),
        ("0", 0),
    ],
)
def test_instants_are_iso_8601_or_unix_seconds(text: str, seconds: float) -> None:
    assert parse_instant(text) == seconds


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("nan", "between 1970 and the year 9999"),
        ("inf", "between 1970 and the year 9999"),
        ("1e400", "between 1970 and the year 9999"),
        ("-1", "between 1970 and the year 9999"),
        ("1969-12-31T23:59:59Z", "between 1970 and the year 9999"),
        ("0001-01-01T00:00:00+14:00", "between 1970 and the year 9999"),
        ("yesterday", "expected an ISO-8601 time (2026-02-03T10:00:00Z) or unix seconds"),
    ],
)
def test_an_instant_outside_what_a_report_can_hold_is_refused(text: str, words: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_instant(text)
    assert words in str(caught.value)
