"""The catalog version: how one catalog change reaches every service process's cache.

Redis holds ``catalog:version``, an opaque token. Every cache key hashes it in, so a new
token makes every earlier response unreachable at once in Redis (the old keys age out by
their TTL or LRU), and each process clears its in-process layer when it sees the token
change (it polls the key every 0.25 s, see ``reference_app.cache``).

Whoever changes the catalog bumps the version after committing, and after the read replica
has replayed the change (a rebuild from a replica that has not would cache the old rows
under the new version):

    python -m reference_app.catalog_version --redis-url redis://127.0.0.1:6379/0

A missing key (Redis restarted, ``FLUSHDB``) is replaced by a fresh token by the first
process that notices, so a lost version never brings back an old namespace.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from collections.abc import Sequence

__all__ = ["VERSION_KEY", "bump_catalog_version", "main", "new_version"]

# Outside `catalog:v2:*`, so the guide's `redis-cli KEYS "catalog:v2:*"` lists responses only.
VERSION_KEY = "catalog:version"


def new_version() -> str:
    return secrets.token_hex(8)


def bump_catalog_version(redis_url: str, *, timeout: float = 5.0) -> str:
    """Give the catalog a new version in Redis; every process serves fresh data within 1 s."""
    from redis import Redis

    version = new_version()
    with Redis.from_url(redis_url, socket_timeout=timeout, socket_connect_timeout=timeout) as r:
        r.set(VERSION_KEY, version)
    return version


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reference_app.catalog_version",
        description="Bump the catalog version after a catalog change: every service process "
        "drops its cached responses within a second.",
    )
    parser.add_argument("--redis-url", required=True, help="the services' REDIS_URL")
    args = parser.parse_args(argv)
    try:
        version = bump_catalog_version(args.redis_url)
    except Exception as exc:  # the caller needs to know the change is not yet visible
        print(f"catalog version not bumped: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"catalog version is now {version}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
