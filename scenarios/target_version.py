"""The target's version, for the report header, if the target exposes one.

Asked once, before the load, with short timeouts: `/health` (a `version` field, the common
place), then `/version`, then the OpenAPI document (`info.version`, which FastAPI services
such as the reference one publish at `/openapi.json`). The first answer wins and the report
says where it came from; a target that exposes none simply has none in the report.
"""

from __future__ import annotations

from typing import Any, Final

import httpx

from reports import TargetVersion

__all__ = ["PLACES", "probe_version"]

TIMEOUT: Final = 2.0
MAX_LENGTH: Final = 80
#: (path, keys leading to the version in its JSON body)
PLACES: Final = (
    ("/health", ("version",)),
    ("/version", ("version",)),
    ("/openapi.json", ("info", "version")),
)


def _dig(body: Any, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if not isinstance(body, dict):
            return None
        body = body.get(key)
    if isinstance(body, str | int | float) and not isinstance(body, bool):
        text = str(body).strip()
        return text[:MAX_LENGTH] if text else None
    return None


def probe_version(target: str, *, client: httpx.Client | None = None) -> TargetVersion | None:
    """The version `target` reports, or None (nothing exposed, or the target did not
    answer: the version is a courtesy, never a reason to stop)."""
    own = client is None
    http = client or httpx.Client(base_url=target.rstrip("/"), timeout=TIMEOUT)
    try:
        for path, keys in PLACES:
            try:
                response = http.get(path)
                body = response.json() if response.status_code == 200 else None
            except (httpx.HTTPError, ValueError):
                continue
            found = _dig(body, keys)
            if found is not None:
                return TargetVersion(version=found, source=path)
        return None
    finally:
        if own:
            http.close()
