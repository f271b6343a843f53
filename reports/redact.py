"""The one place secrets are redacted: credentials become ``***`` in URLs, errors and reports.

Every package uses this module (``reports`` is the bottom of the ``scenarios -> slo ->
reports`` order, so everybody may import it); nothing else keeps its own list of secret
words. A name is secret-looking when it contains one of :data:`SECRET_WORDS`.

- :func:`redact_url` for a URL ``slo`` knows (a target, a Prometheus URL): the password of
  its userinfo and the values of its secret-looking query parameters.
- :func:`url_secrets` for the secret values such a URL holds (raw and percent-decoded), to
  hide them wherever an error message quotes them.
- :func:`redact_text` for free text (an error, a reason, a label): each literal secret the
  caller names, the password of any ``scheme://user:password@host`` (and the whole user
  part when there is no password: ``https://TOKEN@host``), and secret-looking query
  parameters (``?token=``, ``&password=``...).
- :func:`redact_model` for a report: every renderer draws a copy in which each string went
  through :func:`redact_text`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final, TypeVar
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel

__all__ = [
    "REDACTED",
    "SECRET_WORDS",
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
)

# scheme://userinfo@ where userinfo has no '/', '@' or whitespace; a password follows ':'.
_USERINFO: Final = re.compile(
    r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.\-]*://)(?P<user>[^\s:@/?#]*)(?::(?P<pw>[^\s/?#]*))?@"
)
_SECRET_PARAM: Final = re.compile(
    rf"(?P<name>[?&;][^=&;\s#]*(?:{'|'.join(map(re.escape, SECRET_WORDS))})[^=&;\s#]*=)"
    r"(?P<value>[^&;\s#\"'<>]*)",
    re.IGNORECASE,
)

_M = TypeVar("_M", bound=BaseModel)


def is_secret_name(name: str) -> bool:
    """Whether a parameter called ``name`` looks like it holds a secret (see ``SECRET_WORDS``)."""
    lowered = name.lower()
    return any(word in lowered for word in SECRET_WORDS)


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


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with URL credentials, secret query values and each of ``secrets`` as ``***``."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = _USERINFO.sub(_userinfo, text)
    return _SECRET_PARAM.sub(lambda m: m.group("name") + REDACTED, text)


def _walk(value: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, dict):
        return {_walk(k, secrets): _walk(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_walk(v, secrets) for v in value)
    return value


def redact_model(model: _M, secrets: Iterable[str] = ()) -> _M:
    """A copy of ``model`` (a report) in which every string went through :func:`redact_text`."""
    data = model.model_dump(mode="python", by_alias=True)
    return type(model).model_validate(_walk(data, tuple(secrets)))
