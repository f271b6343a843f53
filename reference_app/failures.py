"""What went wrong, said without the exception's own text.

Health and monitoring endpoints answer anyone who can reach the service, so they name
the kind of failure and where to look, never the raw message: a driver's message can
carry host names, user names, SQL or a DSN. The full text goes to the service log.
"""

from __future__ import annotations

import asyncpg

__all__ = ["describe_failure"]

_SEE_LOG = "; the service log has the details"


def describe_failure(exc: BaseException, *, details: str = _SEE_LOG) -> str:
    """A short, safe description of ``exc``: what kind of failure, and what to check;
    ``details`` says where the full text went (the service log by default)."""
    if isinstance(exc, TimeoutError):
        what = "no answer in time (server hung, overloaded or unreachable)"
    elif isinstance(exc, ConnectionRefusedError):
        what = "connection refused (server down or wrong port)"
    elif isinstance(exc, asyncpg.InvalidAuthorizationSpecificationError):
        what = "authentication failed (check the user and password of the URL)"
    elif isinstance(exc, asyncpg.CannotConnectNowError):
        what = "the server is starting up or shutting down"
    elif isinstance(exc, asyncpg.PostgresConnectionError | asyncpg.InterfaceError):
        what = "the connection failed or was lost"
    elif isinstance(exc, asyncpg.PostgresError):
        # The SQLSTATE code is documented and carries no data.
        what = f"the server refused the query (SQLSTATE {exc.sqlstate})"
    elif isinstance(exc, OSError):
        what = "network error (host unreachable or name not resolved)"
    else:
        what = f"unexpected {type(exc).__name__}"
    return what + details
