"""Why an HTTP source could not be reached, in a few words (``Connection refused``, ``no
answer within 10 s``) instead of the client library's paragraph (urllib3's "Max retries
exceeded with url: ... (Caused by NewConnectionError(...))")."""

from __future__ import annotations

import re

__all__ = ["unreachable_reason"]

_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\"()\[\]]+)")


def unreachable_reason(exc: BaseException, *, timeout: float) -> str | None:
    """The short reason ``exc`` (from requests or httpx) says the server was not reached, or
    None when it was reached (an HTTP error, a bad answer)."""
    name = type(exc).__name__
    if "Timeout" in name:
        return f"no answer within {timeout:g} s"
    if "SSL" in name or "TLS" in name:
        return "the TLS handshake failed (an untrusted certificate? --insecure skips the check)"
    if "ConnectionError" in name or "ConnectError" in name:
        return _os_reason(exc) or "cannot connect"
    return None


def _os_reason(exc: BaseException) -> str | None:
    """The operating system's words for the failure, from the exception chain or its text."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.strerror:
            return current.strerror
        reason = getattr(current, "reason", None)
        todo.extend(
            e
            for e in (current.__cause__, current.__context__, reason, *current.args)
            if isinstance(e, BaseException)
        )
    found = _ERRNO.search(str(exc))
    return found.group(1).strip() if found else None
