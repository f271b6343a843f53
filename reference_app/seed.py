"""Create the catalog schema and load the deterministic catalog with COPY.

``python -m reference_app.seed --database-url URL [--models N] [--seed S]``
drops and recreates the tables, so running it twice gives the same database.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg

from reference_app.catalog_data import DEFAULT_MODELS, DEFAULT_SEED, Catalog, generate_catalog

__all__ = ["SCHEMA_SQL", "SeedSummary", "main", "seed_catalog", "seed_catalog_async"]

SCHEMA_SQL = """
DROP TABLE IF EXISTS offerings, models, providers, gateways CASCADE;
CREATE TABLE gateways (
    id integer PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    name text NOT NULL
);
CREATE TABLE providers (
    id integer PRIMARY KEY,
    slug text NOT NULL UNIQUE,
    name text NOT NULL
);
CREATE TABLE models (
    id integer PRIMARY KEY,
    provider_id integer NOT NULL REFERENCES providers (id),
    slug text NOT NULL,
    name text NOT NULL,
    context_length integer NOT NULL,
    capabilities text[] NOT NULL,
    popularity integer NOT NULL,
    UNIQUE (provider_id, slug)
);
CREATE TABLE offerings (
    model_id integer NOT NULL REFERENCES models (id),
    gateway_id integer NOT NULL REFERENCES gateways (id),
    prompt_price numeric(20, 10) NOT NULL,
    completion_price numeric(20, 10) NOT NULL,
    available boolean NOT NULL,
    PRIMARY KEY (model_id, gateway_id)
);
CREATE INDEX offerings_gateway_idx ON offerings (gateway_id);
"""


@dataclass(frozen=True, kw_only=True, slots=True)
class SeedSummary:
    gateways: int
    providers: int
    models: int
    offerings: int
    seconds: float


async def _load(conn: asyncpg.Connection, catalog: Catalog) -> None:
    await conn.execute(SCHEMA_SQL)
    await conn.copy_records_to_table(
        "gateways", records=[(g.id, g.slug, g.name) for g in catalog.gateways]
    )
    await conn.copy_records_to_table(
        "providers", records=[(p.id, p.slug, p.name) for p in catalog.providers]
    )
    await conn.copy_records_to_table(
        "models",
        records=[
            (
                m.id,
                m.provider_id,
                m.slug,
                m.name,
                m.context_length,
                list(m.capabilities),
                m.popularity,
            )
            for m in catalog.models
        ],
    )
    await conn.copy_records_to_table(
        "offerings",
        records=[
            (o.model_id, o.gateway_id, o.prompt_price, o.completion_price, o.available)
            for o in catalog.offerings
        ],
    )
    await conn.execute("ANALYZE gateways, providers, models, offerings")


async def seed_catalog_async(
    dsn: str, *, models: int = DEFAULT_MODELS, seed: int = DEFAULT_SEED
) -> SeedSummary:
    """Drop, recreate and load the catalog tables in one transaction."""
    started = time.perf_counter()
    catalog = generate_catalog(models=models, seed=seed)
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        async with conn.transaction():
            await _load(conn, catalog)
    finally:
        await conn.close()
    return SeedSummary(
        gateways=len(catalog.gateways),
        providers=len(catalog.providers),
        models=len(catalog.models),
        offerings=len(catalog.offerings),
        seconds=time.perf_counter() - started,
    )


def seed_catalog(
    dsn: str, *, models: int = DEFAULT_MODELS, seed: int = DEFAULT_SEED
) -> SeedSummary:
    """Synchronous wrapper of :func:`seed_catalog_async` for launchers and fixtures."""
    return asyncio.run(seed_catalog_async(dsn, models=models, seed=seed))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reference_app.seed",
        description="Create the catalog schema and load the deterministic catalog.",
    )
    parser.add_argument("--database-url", required=True, help="primary DSN, postgresql://...")
    parser.add_argument("--models", type=int, default=DEFAULT_MODELS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if args.models < 1:
        parser.error(f"--models: expected a positive count, got {args.models}")
    try:
        summary = seed_catalog(args.database_url, models=args.models, seed=args.seed)
    except (OSError, asyncpg.PostgresError) as exc:
        where = re.sub(r"(://[^:/@]+:)[^@]+@", r"\1***@", args.database_url)  # no password in logs
        print(f"seed: cannot load the catalog into {where}: {exc}", file=sys.stderr)
        return 1
    print(
        f"seeded {summary.models} models, {summary.offerings} offerings, "
        f"{summary.gateways} gateways, {summary.providers} providers "
        f"in {summary.seconds:.2f}s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
