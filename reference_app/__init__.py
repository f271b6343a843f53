"""The reference catalog service: the guide's backend on real Redis and PostgreSQL.

``create_app`` builds the FastAPI app from ``Settings``; ``python -m
reference_app`` runs it. The stack launcher lives in ``reference_app.stack``.
Importing this package imports nothing heavy and connects to nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reference_app.main import create_app
    from reference_app.settings import Settings

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    # Lazy, so `python -m reference_app.stack` does not pay for FastAPI and asyncpg.
    if name == "create_app":
        from reference_app.main import create_app

        return create_app
    if name == "Settings":
        from reference_app.settings import Settings

        return Settings
    raise AttributeError(f"module 'reference_app' has no attribute {name!r}")
