"""Query and path parameter parsing: one place decides what a valid request is.

Parsing produces a canonical ``ListQuery`` (integers parsed, slugs
lower-cased, defaults filled in), so equivalent URLs — parameters in another
order, ``limit=010``, ``gateway=Groq`` — map to one cache key, and different
responses never do.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from reference_app.errors import InvalidParameter

__all__ = [
    "LIST_PARAMETERS",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "ListQuery",
    "check_path_slug",
    "parse_list_query",
]

LIST_PARAMETERS = ("limit", "offset", "gateway", "provider")
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000_000
MAX_SLUG_LENGTH = 128
_INTEGER = re.compile(r"[0-9]{1,12}")
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+-]*")
_CACHE_KEY_VERSION = "v2"


def _shown(value: str, limit: int = 40) -> str:
    """A user-supplied value, quoted and cut short, safe to put in an error message."""
    return repr(value if len(value) <= limit else value[:limit] + "...")


@dataclass(frozen=True, kw_only=True, slots=True)
class ListQuery:
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    gateway: str = "all"
    provider: str | None = None

    def cache_key(self, version: str = "") -> str:
        """``catalog:v2:{gateway}:{hash}``; the hash covers every field of the query and the
        catalog version (``reference_app.catalog_version``)."""
        fields = {
            "version": version,
            "endpoint": "models.list",
            "limit": self.limit,
            "offset": self.offset,
            "gateway": self.gateway,
            "provider": self.provider,
        }
        canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        return f"catalog:{_CACHE_KEY_VERSION}:{self.gateway}:{digest}"


def _integer(name: str, raw: str, *, minimum: int, maximum: int) -> int:
    if _INTEGER.fullmatch(raw) is not None:
        value = int(raw)
        if minimum <= value <= maximum:
            return value
    raise InvalidParameter(
        f"{name}: expected an integer from {minimum} to {maximum}, got {_shown(raw)}",
        parameter=name,
    )


def _slug(name: str, raw: str, *, known: Collection[str], what: str) -> str:
    value = raw.lower()
    if value in known:
        return value
    if len(raw) > MAX_SLUG_LENGTH or _SLUG.fullmatch(raw) is None:
        raise InvalidParameter(
            f"{name}: expected a {what} slug (letters, digits, '.', '_', ':', '+', '-', "
            f"at most {MAX_SLUG_LENGTH} characters), got {_shown(raw)}",
            parameter=name,
        )
    raise InvalidParameter(
        f"{name}: unknown {what} {_shown(raw)}; valid values: {', '.join(sorted(known))}",
        parameter=name,
    )


def parse_list_query(
    items: Iterable[tuple[str, str]], *, gateways: Collection[str], providers: Collection[str]
) -> ListQuery:
    """Validate ``/models`` query parameters; raise ``InvalidParameter`` naming the culprit."""
    pairs = list(items)
    counts = Counter(name for name, _ in pairs)
    unknown = sorted(name for name in counts if name not in LIST_PARAMETERS)
    if unknown:
        names = ", ".join(_shown(name) for name in unknown[:5])
        raise InvalidParameter(
            f"unknown query parameter(s) {names}; accepted: {', '.join(LIST_PARAMETERS)}",
            parameter=unknown[0][:MAX_SLUG_LENGTH],
        )
    repeated = sorted(name for name, count in counts.items() if count > 1)
    if repeated:
        raise InvalidParameter(
            f"{repeated[0]}: given {counts[repeated[0]]} times; give it at most once",
            parameter=repeated[0],
        )
    raw = dict(pairs)
    query = ListQuery()
    limit = query.limit
    offset = query.offset
    gateway = query.gateway
    provider = query.provider
    if "limit" in raw:
        limit = _integer("limit", raw["limit"], minimum=1, maximum=MAX_LIMIT)
    if "offset" in raw:
        offset = _integer("offset", raw["offset"], minimum=0, maximum=MAX_OFFSET)
    if "gateway" in raw:
        gateway = _slug("gateway", raw["gateway"], known={"all", *gateways}, what="gateway")
    if "provider" in raw:
        provider = _slug("provider", raw["provider"], known=providers, what="provider")
    return ListQuery(limit=limit, offset=offset, gateway=gateway, provider=provider)


def check_path_slug(name: str, raw: str) -> str:
    """A path segment that can name a provider or a model; 400 when it cannot."""
    if len(raw) > MAX_SLUG_LENGTH or _SLUG.fullmatch(raw) is None:
        raise InvalidParameter(
            f"{name}: expected a slug (letters, digits, '.', '_', ':', '+', '-', "
            f"at most {MAX_SLUG_LENGTH} characters), got {_shown(raw)}",
            parameter=name,
        )
    return raw
