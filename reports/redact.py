"""Secrets never reach a report: credentials in URLs are replaced by ``***`` at render time.

``slo`` redacts the URLs it knows (``slo.sources.embedded.redact_url``), but a report also
carries free text (reasons, labels, targets, baseline paths) that may quote a connection
string. Every renderer therefore draws a copy of the report in which each string went
through :func:`redact_text`: the password of any ``scheme://user:password@host`` (and the
whole user part when there is no password: ``https://TOKEN@host``), secret-looking query
parameters (``?token=``, ``&password=``...), and any literal secret the caller names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final, TypeVar

from pydantic import BaseModel

REDACTED: Final = "***"

# scheme://userinfo@ where userinfo has no '/', '@' or whitespace; a password follows ':'.
_USERINFO: Final = re.compile(
    r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.\-]*://)(?P<user>[^\s:@/?#]*)(?::(?P<pw>[^\s/?#]*))?@"
)
_SECRET_WORDS: Final = "password|passwd|pwd|token|secret|key|auth|signature|credential"  # noqa: S105
_SECRET_PARAM: Final = re.compile(
    rf"(?P<name>[?&;][^=&;\s#]*(?:{_SECRET_WORDS})[^=&;\s#]*=)(?P<value>[^&;\s#\"'<>]*)",
    re.IGNORECASE,
)

_M = TypeVar("_M", bound=BaseModel)


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
