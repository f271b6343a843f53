"""Prometheus (or a Prometheus-compatible backend) as a data source.

Instant queries are pinned to the window's end with ``@``; per-slice checks use one range
query per named query. Timeouts are always set; every failure becomes a ``SourceError``
naming the URL with credentials redacted. So does a partial answer: a store that says it
could not read everything (VictoriaMetrics' ``"isPartial": true``, a Thanos warning) is
never judged as if its answer were whole.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from reports import header_secrets, redact_text, redact_url, url_secrets
from slo.errors import SourceError, UsageError
from slo.query import OverTime, Query, RawSample, render_query
from slo.sources.base import QuerySource
from slo.sources.unreachable import unreachable_reason
from slo.spec import ResolvedSelector
from slo.timeutil import format_duration

_PARTIAL_MARK = re.compile(rb'"isPartial"\s*:\s*true')


class PartialResponse(Exception):
    """The store answered, and said its answer may lack data."""


def refuse_partial(response: Any, *_: Any, **__: Any) -> None:
    """A ``requests`` response hook: raise :class:`PartialResponse` for an answer its store
    marks partial. VictoriaMetrics (cluster) says ``"isPartial": true``; Thanos, with
    partial responses on, adds a warning naming the store it could not read. A warning
    of PromQL's own (``PromQL warning: ...``, ``PromQL info: ...``) is about the query, not
    missing data, and is let through."""
    if not response.ok or "json" not in response.headers.get("Content-Type", ""):
        return
    # The client parses the body too: parse it here only when it may carry a mark (a
    # 30-day range answer runs to megabytes; VictoriaMetrics always says isPartial: false).
    content = response.content
    if b'"warnings"' not in content and not _PARTIAL_MARK.search(content):
        return
    try:
        body = response.json()
    except ValueError:
        return  # the client reports a body it cannot read
    if not isinstance(body, dict):
        return
    if body.get("isPartial") is True:
        raise PartialResponse("the store marked its answer partial (isPartial: true)")
    warnings = body.get("warnings") or []
    partial = [w for w in warnings if isinstance(w, str) and not w.startswith("PromQL ")]
    if partial:
        more = f" (and {len(partial) - 1} more)" if len(partial) > 1 else ""
        raise PartialResponse(f"the store warned that data may be missing: {partial[0]}{more}")


def read_secret_file(path: str, what: str, option: str) -> str:
    """The stripped text of a credential file; UsageError (exit 3) naming ``option`` when it
    cannot be read. Credentials come from files so that they never sit on a command line."""
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise UsageError(f"{option}: cannot read the {what} in {path} ({exc.strerror})") from None


def read_basic_auth(path: str, option: str) -> tuple[str, str]:
    """``USER:PASSWORD`` from the file at ``path``; the text is never echoed."""
    user, sep, password = read_secret_file(path, "USER:PASSWORD", option).partition(":")
    if not sep:
        raise UsageError(
            f"{option}: {path}: expected USER:PASSWORD on one line, got no colon "
            "(not shown: it may hold a secret)"
        )
    return user, password


def parse_headers(values: list[str] | None, option: str = "--header") -> dict[str, str]:
    """``['Name: value', ...]`` as request headers; UsageError (exit 3) naming ``option``
    for one without a colon or a name. The values are never echoed: one may be a secret."""
    headers: dict[str, str] = {}
    for header in values or ():
        name, sep, value = header.partition(":")
        if not sep:
            raise UsageError(
                f"{option}: expected 'NAME: VALUE', got text without a colon "
                "(not shown: it may hold a secret)"
            )
        if not name.strip():
            raise UsageError(f"{option}: expected 'NAME: VALUE', got no name before the colon")
        headers[name.strip()] = value.strip()
    return headers


@dataclass(frozen=True, kw_only=True)
class PrometheusConfig:
    """How to reach Prometheus; built once at the edge (CLI) and passed in."""

    url: str
    timeout: float = 10.0
    headers: dict[str, str] = field(default_factory=dict)
    basic_auth: tuple[str, str] | None = None
    bearer_token: str | None = None
    verify_tls: bool = True

    def secrets(self) -> list[str]:
        """Every credential this config holds: secret-bearing header values (not a tenant
        header such as X-Scope-OrgID), the password, the token, the URL's password and
        secret query values. A lone URL user is redacted where it stands, by position."""
        found = header_secrets(self.headers)
        if self.basic_auth is not None:
            found.append(self.basic_auth[1])
        if self.bearer_token:
            found.append(self.bearer_token)
        return [*found, *sorted(url_secrets(self.url))]


def _client(config: PrometheusConfig) -> Any:
    import requests
    from prometheus_api_client import PrometheusConnect
    from urllib3.util.retry import Retry

    parts = urlsplit(config.url)
    auth = config.basic_auth
    if auth is None and parts.username is not None:  # credentials given in the URL
        auth = (parts.username, parts.password or "")
    clean = urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))
    headers = dict(config.headers)
    if config.bearer_token:
        headers["Authorization"] = f"Bearer {config.bearer_token}"
    retry = Retry(total=2, backoff_factor=0.1, status_forcelist=(502, 503), raise_on_status=False)
    session = requests.Session()
    session.verify = config.verify_tls
    session.hooks["response"].append(refuse_partial)
    return PrometheusConnect(
        url=clean.rstrip("/"),
        headers=headers or None,
        disable_ssl=not config.verify_tls,
        retry=retry,
        auth=auth,
        timeout=config.timeout,
        session=session,
    )


def _samples(result: list[dict[str, Any]]) -> list[RawSample]:
    return [RawSample(labels=dict(r.get("metric", {})), value=float(r["value"][1])) for r in result]


class PrometheusSource(QuerySource):
    """Runs an SLI's named queries against Prometheus."""

    kind = "prometheus"

    def __init__(self, config: PrometheusConfig, *, client_factory: Callable[..., Any] = _client):
        self.config = config
        self.description = redact_url(config.url)
        self._client = client_factory(config)

    def _fail(self, query: str, exc: Exception) -> SourceError:
        if isinstance(exc, PartialResponse):  # the reason first: a long query is cut
            text = (
                f"Prometheus at {self.description} gave a partial answer, not judged as "
                f"whole: {exc}; turn partial responses off on the store "
                f"(docs/long-term-stores.md); query {query!r}"
            )
            return SourceError(redact_text(text, self.config.secrets())[:400])
        reason = unreachable_reason(exc, timeout=self.config.timeout)
        if reason is not None:
            return SourceError(f"Prometheus at {self.description} unreachable: {reason}")
        detail = redact_text(f"{type(exc).__name__}: {exc}", self.config.secrets())
        return SourceError(f"Prometheus at {self.description} failed on {query!r}: {detail}"[:400])

    def instant(self, query: str, at: float | None = None) -> list[RawSample]:
        params: dict[str, str] = {"timeout": f"{self.config.timeout:g}s"}
        if at is not None:
            params["time"] = f"{at:.3f}"
        try:
            return _samples(self._client.custom_query(query, params=params))
        except Exception as exc:  # the client raises requests' and its own errors
            raise self._fail(query, exc) from None

    def range(
        self, query: str, *, start: float, end: float, step: float
    ) -> dict[float, list[RawSample]]:
        """Values at ``start, start+step, ... end``, grouped by evaluation time."""
        try:
            result = self._client.custom_query_range(
                query,
                start_time=datetime.fromtimestamp(start, tz=UTC),
                end_time=datetime.fromtimestamp(end, tz=UTC),
                step=format_duration(step),
                params={
                    "timeout": f"{self.config.timeout:g}s",
                    # The client rounds start and end to whole seconds, which moves every
                    # slice of a window that starts mid-second: sent exactly instead.
                    "start": f"{start:.3f}",
                    "end": f"{end:.3f}",
                    # VictoriaMetrics answers 50+ point ranges from a response cache aligned
                    # to the step, losing slices that are not (Prometheus ignores it).
                    "nocache": "1",
                },
            )
        except Exception as exc:
            raise self._fail(query, exc) from None
        by_time: dict[float, list[RawSample]] = {}
        for series in result:
            labels = dict(series.get("metric", {}))
            for ts, value in series.get("values", []):
                by_time.setdefault(float(ts), []).append(
                    RawSample(labels=labels, value=float(value))
                )
        return by_time

    def read(self, query: Query, start: float, end: float) -> list[RawSample]:
        """The answer to ``query`` over [start, end], pinned to ``end``."""
        return self.instant(render_query(query, window=format_duration(end - start), at=end))

    def read_slices(self, query: Query, ends: list[float], size: float) -> list[list[RawSample]]:
        """All slices' answers from one range query stepping by ``size``."""
        if not ends:
            return []
        rendered = render_query(query, window=format_duration(size))
        found = self.range(rendered, start=ends[0], end=ends[-1], step=size)
        return [_nearest(found, end) for end in ends]

    def series(self, selector: ResolvedSelector, start: float, end: float) -> list[dict[str, str]]:
        """Label sets of the series matching ``selector`` with samples in the window."""
        last = OverTime(selector=selector, aggregation="last")
        return [dict(s.labels) for s in self.read(last, end - max(end - start, 1.0), end)]


def _nearest(found: dict[float, list[RawSample]], ts: float) -> list[RawSample]:
    for key, samples in found.items():
        if math.isclose(key, ts, abs_tol=1e-3):
            return samples
    return []
