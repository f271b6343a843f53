"""The one place secrets are redacted: credentials become ``***`` in URLs, errors and reports.

Every package uses this module (``reports`` is the bottom of the ``scenarios -> slo ->
reports`` order, so everybody may import it); nothing else keeps its own list of secret
words. Secrets are found by where they stand, never by replacing a short or common string
wherever it occurs (a tenant header ``X-Scope-OrgID: 1`` or a URL user ``e`` must not turn
the schema name into ``slo-harness/report/v***``):

- :func:`redact_url` for a URL ``slo`` knows (a target, a Prometheus URL): the password of
  its userinfo and the values of its secret-looking query parameters.
- :func:`url_secrets` for the secret values such a URL holds (raw and percent-decoded), and
  :func:`header_secrets` for the values of secret-bearing headers (``Authorization``,
  ``Cookie``, ``X-Api-Key``, any name with token, secret, key...): what a source passes as
  ``secrets=`` to hide wherever an error message quotes them.
- :func:`redact_text` for free text (an error, a reason, a label): the password of any
  ``scheme://user:password@host`` (the whole user part when there is no password:
  ``https://TOKEN@host``), secret-looking query parameters (``?token=``), the value after
  a secret header's name (``Authorization: Bearer ***``) or an auth scheme (``Bearer ***``),
  and each literal secret the caller names, where it stands as a whole token and only when
  it is at least :data:`MIN_LITERAL` characters long (shorter ones are only found by
  position).
- :func:`redact_model` for a report: every renderer draws a copy in which each free-text
  string went through :func:`redact_text`; enums, ``Literal`` fields (the schema name),
  numbers, times and mapping keys are never touched, so the copy always validates.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any, Final, Literal, TypeVar
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel

__all__ = [
    "MIN_LITERAL",
    "REDACTED",
    "SECRET_WORDS",
    "header_secrets",
    "is_secret_header",
    "is_secret_name",
    "redact_model",
    "redact_text",
    "redact_url",
    "url_secrets",
]

REDACTED: Final = "***"
# A parameter (or header...) whose name contains one of these, in any case, holds a secret.
SECRET_WORDS: Final = (
    "password",
    "passwd",
    "pwd",
    "token",
    "secret",
    "key",
    "auth",
    "signature",
    "credential",
    "cookie",
    "session",
)
#: A literal secret shorter than this is never searched for in free text: replacing it
#: everywhere would break words and numbers; its usual places are redacted by position.
MIN_LITERAL: Final = 6

_WORDS: Final = "|".join(map(re.escape, SECRET_WORDS))
# scheme://userinfo@ where userinfo has no '/', '@' or whitespace; a password follows ':'.
_USERINFO: Final = re.compile(
    r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.\-]*://)(?P<user>[^\s:@/?#]*)(?::(?P<pw>[^\s/?#]*))?@"
)
_SECRET_PARAM: Final = re.compile(
    rf"(?P<name>[?&;][^=&;\s#]*(?:{_WORDS})[^=&;\s#]*=)(?P<value>[^&;\s#\"'<>]*)",
    re.IGNORECASE,
)
# "Authorization: Bearer x", "'X-Api-Key': 'x'", "Cookie: a=b; c=d" (to the end of the line).
_SECRET_HEADER: Final = re.compile(
    rf"(?P<name>\b(?:(?:proxy-)?authorization|(?:set-)?cookie|x-[\w-]*(?:{_WORDS})[\w-]*)"
    r"['\"]?\s*:\s*['\"]?)"
    r"(?P<scheme>(?:bearer|basic|token|digest|negotiate)\s+)?"
    r"(?P<value>[^\s'\",;]+(?:;\s*[^\s'\",;]+)*)",
    re.IGNORECASE,
)
# "Bearer abc..." anywhere: the scheme as HTTP writes it, then a credential-like token.
_AUTH_SCHEME: Final = re.compile(
    r"(?P<scheme>\b(?:Bearer|Basic|Digest|Negotiate)\s+)(?P<value>[A-Za-z0-9._~+/=\-]{8,})"
)

_M = TypeVar("_M", bound=BaseModel)


def is_secret_name(name: str) -> bool:
    """Whether a parameter called ``name`` looks like it holds a secret (see ``SECRET_WORDS``)."""
    lowered = name.lower()
    return any(word in lowered for word in SECRET_WORDS)


def is_secret_header(name: str) -> bool:
    """Whether an HTTP header called ``name`` carries a credential: ``Authorization``,
    ``Proxy-Authorization``, ``Cookie``, ``X-Api-Key``, ``X-Auth-Token``... (not a tenant
    or routing header such as ``X-Scope-OrgID``)."""
    return is_secret_name(name.strip())


def header_secrets(headers: Mapping[str, str]) -> list[str]:
    """The values of the secret-bearing ``headers``, and for ``Scheme credentials`` values
    (``Bearer abc``) the credentials alone too."""
    found: list[str] = []
    for name, value in headers.items():
        if not is_secret_header(name) or not value.strip():
            continue
        found.append(value.strip())
        scheme, _, credentials = value.strip().partition(" ")
        if credentials.strip() and scheme.isalpha():
            found.append(credentials.strip())
    return found


def redact_url(url: str) -> str:
    """``url`` with its password and secret-looking query parameters replaced by ``***``.

    A user without a password is kept (``https://u@host``); a URL that cannot be parsed
    becomes ``***`` as a whole.
    """
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return REDACTED
    netloc = parts.netloc
    if password is not None:
        userinfo, _, host = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:{REDACTED}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(is_secret_name(name) for name, _ in pairs):
            query = urlencode(
                [(n, REDACTED if is_secret_name(n) else v) for n, v in pairs], safe="*"
            )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def url_secrets(url: str) -> set[str]:
    """The password and secret query values in ``url``, raw and percent-decoded."""
    try:
        parts = urlsplit(url)
        found = [parts.password or ""]
    except ValueError:
        return set()
    for raw in parts.query.split("&"):
        name, _, value = raw.partition("=")
        if is_secret_name(unquote(name)):
            found.append(value)
    return {form for secret in found if secret for form in (secret, unquote(secret))}


def _userinfo(match: re.Match[str]) -> str:
    if match.group("pw") is not None:
        return f"{match.group('scheme')}{match.group('user')}:{REDACTED}@"
    if not match.group("user"):
        return match.group(0)
    return f"{match.group('scheme')}{REDACTED}@"  # a lone user part is often a token


def _header(match: re.Match[str]) -> str:
    return f"{match.group('name')}{match.group('scheme') or ''}{REDACTED}"


def _literal(secret: str) -> re.Pattern[str]:
    """``secret`` where it stands as a whole token: not inside a longer word or number."""
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])")


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with URL credentials, secret query values, secret header values and each
    of ``secrets`` (as a whole token, when at least ``MIN_LITERAL`` long) as ``***``."""
    for secret in sorted({s for s in secrets if len(s) >= MIN_LITERAL}, key=len, reverse=True):
        text = _literal(secret).sub(REDACTED, text)
    text = _USERINFO.sub(_userinfo, text)
    text = _SECRET_PARAM.sub(lambda m: m.group("name") + REDACTED, text)
    text = _SECRET_HEADER.sub(_header, text)
    return _AUTH_SCHEME.sub(lambda m: m.group("scheme") + REDACTED, text)


def _is_literal(annotation: Any) -> bool:
    """``Literal[...]`` or an optional one: a fixed value (the schema name), never redacted."""
    if typing.get_origin(annotation) is Literal:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_literal(arg) for arg in typing.get_args(annotation))
    return False


def _walk(value: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        return value.model_copy(
            update={
                name: _walk(getattr(value, name), secrets)
                for name, info in fields.items()
                if not _is_literal(info.annotation)
            }
        )
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, dict):  # keys are names (labels, figures), values may be text
        return {k: _walk(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_walk(v, secrets) for v in value)
    return value


def redact_model(model: _M, secrets: Iterable[str] = ()) -> _M:
    """A copy of ``model`` (a report) in which every free-text string went through
    :func:`redact_text`; fixed values (enums, ``Literal`` fields), numbers and times are
    kept, so the copy validates as the original did."""
    clean = _walk(model, tuple(secrets))
    return type(model).model_validate(clean.model_dump(mode="python", by_alias=True))
