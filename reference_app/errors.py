"""Errors of the reference catalog service.

Hierarchy::

    ReferenceAppError                 anything this package raises on purpose
    ├── SettingsError                 the environment does not describe a usable service
    └── ApiError                      becomes a JSON error response {"error": {...}}
        ├── InvalidParameter   400    a query or path parameter is malformed or unknown
        ├── NotFound           404    the addressed model does not exist
        ├── InternalError      500    a bug; the body says nothing about internals
        ├── DatabaseUnavailable 503   the primary database does not answer
        └── DeadlineExceeded   504    the request could not finish within its deadline

Every ``ApiError`` carries a stable machine-readable ``code``, a message that
says what was wrong and what is accepted, and, for parameter errors, the name
of the parameter.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "ApiError",
    "DatabaseUnavailable",
    "DeadlineExceeded",
    "InternalError",
    "InvalidParameter",
    "NotFound",
    "ReferenceAppError",
    "SettingsError",
]


class ReferenceAppError(Exception):
    """Base of every error this package raises on purpose."""


class SettingsError(ReferenceAppError):
    """The environment does not describe a usable service."""


class ApiError(ReferenceAppError):
    """An error with an HTTP status and a JSON body."""

    status_code: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"

    def __init_subclass__(cls, *, status_code: int, code: str, **kwargs: Any) -> None:
        # Every kind of API error names its status and code where it is declared.
        super().__init_subclass__(**kwargs)
        cls.status_code = status_code
        cls.code = code

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.parameter = parameter

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.parameter is not None:
            error["parameter"] = self.parameter
        return {"error": error}


class InvalidParameter(ApiError, status_code=400, code="invalid_parameter"): ...


class NotFound(ApiError, status_code=404, code="not_found"): ...


class InternalError(ApiError, status_code=500, code="internal_error"): ...


class DatabaseUnavailable(ApiError, status_code=503, code="database_unavailable"): ...


class DeadlineExceeded(ApiError, status_code=504, code="deadline_exceeded"): ...
