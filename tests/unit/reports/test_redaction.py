"""Secrets in URLs never reach a report, whatever field carries them and whichever format."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_fixture import build_report, objective

from reports import RawSeries, Report, TimeSeries, redact_model, redact_text
from reports.render import FORMATS, render, write_all

SECRETS = ("s3cretpw", "tok3n", "pgpass", "qtok", "labelpw", "bearer-xyz", "p@ss")


def leaky_report() -> Report:
    return build_report(
        target="redis://:s3cretpw@redis.internal:6379/0",
        source="prometheus https://alice:tok3n@prom.example.com",
        baseline="postgresql://u:pgpass@db.internal:5432/catalog",
        objectives=[
            objective(
                reason="could not reach postgresql://u:pgpass@db.internal/catalog "
                "(sent Authorization: Bearer bearer-xyz)",
                query="https://prom.example.com/api/v1/query?query=up&access_token=qtok",
                raw={
                    "numerator_0": [
                        RawSeries(labels={"instance": "https://bob:labelpw@x"}, value=1)
                    ]
                },
            ),
            objective(id="second", description="redis://:p@ss@cache:6379 as a label"),
        ],
        timeseries=[
            TimeSeries(
                id="cache_hit_rate",
                title="hit rate from https://alice:tok3n@prom.example.com",
                unit="ratio",
                note="not read: Prometheus at https://alice:tok3n@prom.example.com failed",
            )
        ],
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_secret_reaches_any_format(fmt: str) -> None:
    text = render(leaky_report(), fmt, secrets=["bearer-xyz"])
    assert [s for s in SECRETS if s in text] == []
    assert "redis.internal" in text  # the rest of the URL is kept: it says where


def test_write_all_writes_no_secret_to_disk(tmp_path: Path) -> None:
    written = write_all(leaky_report(), tmp_path, secrets=["bearer-xyz"])
    assert sorted(p.name for p in written.values()) == [
        "junit.xml", "report.html", "report.json", "report.md",
    ]  # fmt: skip
    for path in written.values():
        text = path.read_text()
        assert [s for s in SECRETS if s in text] == [], path.name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("redis://:pw@localhost:6379/0", "redis://:***@localhost:6379/0"),
        ("postgresql://u:pw@h:5432/db", "postgresql://u:***@h:5432/db"),
        ("https://user:token@prom:9090/x", "https://user:***@prom:9090/x"),
        ("https://TOKEN@prom", "https://***@prom"),
        ("redis://:p@ss@h/0", "redis://:***@h/0"),
        ("http://h/x?a=1&api_key=abc&b=2", "http://h/x?a=1&api_key=***&b=2"),
        ("http://h/x?password=abc", "http://h/x?password=***"),
        ("http://127.0.0.1:9090", "http://127.0.0.1:9090"),
        ('sum(increase(x{le="0.1"}[5m]))', 'sum(increase(x{le="0.1"}[5m]))'),
    ],
)
def test_redact_text_hides_credentials_and_keeps_the_rest(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_named_secrets_are_redacted_anywhere() -> None:
    assert redact_text("header X-Key: abc123 sent", ["abc123"]) == "header X-Key: *** sent"


def test_redacting_a_report_keeps_its_numbers() -> None:
    report = leaky_report()
    clean = redact_model(report)
    assert clean.objectives[0].value == report.objectives[0].value
    assert clean.window == report.window
    assert clean.target == "redis://:***@redis.internal:6379/0"
