"""Secrets in URLs never reach a report, whatever field carries them and whichever format."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_fixture import build_report, objective

from reports import RawSeries, Report, TimeSeries, read_json, redact_model, redact_text
from reports.render import FORMATS, render, write_all
from slo.sources import PrometheusConfig

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
    assert redact_text("header X-Key abc123 sent", ["abc123"]) == "header X-Key *** sent"


def test_redacting_a_report_keeps_its_numbers() -> None:
    report = leaky_report()
    clean = redact_model(report)
    assert clean.objectives[0].value == report.objectives[0].value
    assert clean.window == report.window
    assert clean.target == "redis://:***@redis.internal:6379/0"


def _every_string_holds(*words: str) -> Report:
    """A report in which every free-text field holds each of ``words``."""
    text = " ".join(words)
    return build_report(
        target=f"http://127.0.0.1:8000 {text}",
        source=f"prometheus https://e@prom.example.com {text}",
        objectives=[objective(reason=f"93.2% > 90% {text}", description=f"hit rate {text}")],
    )


@pytest.mark.parametrize(
    ("name", "config"),
    [
        (
            "a tenant header",
            PrometheusConfig(url="http://prom:9090", headers={"X-Scope-OrgID": "1"}),
        ),
        ("a URL user name", PrometheusConfig(url="https://e@prom.example.com")),
        ("a one-letter password", PrometheusConfig(url="https://u:e@prom.example.com")),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_short_or_common_credential_never_breaks_a_report(
    name: str, config: PrometheusConfig, fmt: str, tmp_path: Path
) -> None:
    # Before, every header value and URL user was replaced wherever it occurred, so the
    # schema became slo-harness/report/v***, no format validated and the run had no report.
    report = _every_string_holds("v1", "e", "1 of 7")
    text = render(report, fmt, secrets=config.secrets())
    assert "slo-harness/report/v1" in text or fmt == "junit"
    assert "***" not in text.replace("https://***@prom", "")  # only the lone URL user
    written = write_all(report, tmp_path, secrets=config.secrets())
    back = read_json(written["json"])
    assert back.schema_ == "slo-harness/report/v1"
    assert back.verdict == report.verdict
    assert back.objectives[0].reason == "93.2% > 90% v1 e 1 of 7"


def test_a_tenant_header_is_not_a_secret_but_an_api_key_is() -> None:
    config = PrometheusConfig(
        url="http://prom:9090",
        headers={
            "X-Scope-OrgID": "1",
            "Authorization": "Bearer tok-4f9a8c2e",
            "X-Api-Key": "key-77ab31",
            "Cookie": "session=c00kie99",
        },
    )
    assert sorted(config.secrets()) == [
        "Bearer tok-4f9a8c2e", "key-77ab31", "session=c00kie99", "tok-4f9a8c2e",
    ]  # fmt: skip


@pytest.mark.parametrize("fmt", FORMATS)
def test_real_secrets_never_appear_where_they_stand_or_anywhere_else(fmt: str) -> None:
    config = PrometheusConfig(
        url="https://alice:pa55word-x@prom.example.com/?access_token=qtok123",
        headers={"Authorization": "Bearer tok-4f9a8c2e", "X-Scope-OrgID": "tenant-7"},
        basic_auth=("bob", "b0bs-secret"),
    )
    leaked = (
        "sent Authorization: Bearer tok-4f9a8c2e and b0bs-secret; tok-4f9a8c2e again, "
        "to https://alice:pa55word-x@prom.example.com/?access_token=qtok123, "
        "Cookie: session=c00kie99; theme=dark"
    )
    report = build_report(objectives=[objective(reason=leaked)], source=config.url)
    text = render(report, fmt, secrets=config.secrets())
    for secret in ("tok-4f9a8c2e", "b0bs-secret", "pa55word-x", "qtok123", "c00kie99"):
        assert secret not in text, secret
    assert "prom.example.com" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer abc.def-123", "Authorization: Bearer ***"),
        ("{'Authorization': 'Basic dXNlcjpwYXNz'}", "{'Authorization': 'Basic ***'}"),
        ("Proxy-Authorization: Digest x1y2z3", "Proxy-Authorization: Digest ***"),
        ("Cookie: a=b; c=d", "Cookie: ***"),
        ("X-Api-Key: k-1234 then", "X-Api-Key: *** then"),
        ("retried with Bearer eyJhbGciOi", "retried with Bearer ***"),
        ("X-Scope-OrgID: 1", "X-Scope-OrgID: 1"),
        ("basic checks of Bearer tokens", "basic checks of Bearer tokens"),
        ("slo-harness/report/v1", "slo-harness/report/v1"),
    ],
)
def test_secret_headers_are_redacted_by_position(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_a_literal_secret_is_replaced_only_as_a_whole_token_and_only_when_long() -> None:
    assert redact_text("v1 and 1 of 7", ["1"]) == "v1 and 1 of 7"  # too short: by position
    assert redact_text("k-abc123 sent, xk-abc123y kept", ["k-abc123"]) == (
        "*** sent, xk-abc123y kept"
    )


def test_redaction_never_touches_the_schema_or_the_verdicts() -> None:
    report = build_report()
    clean = redact_model(report, ["slo-harness/report/v1", "inconclusive", "staging"])
    assert clean.schema_ == "slo-harness/report/v1"
    assert [o.verdict for o in clean.objectives] == [o.verdict for o in report.objectives]
    assert clean.profile == "***"  # free text is still redacted
