"""Domain errors and how they become HTTP answers: always a 4xx with a message a person can act on."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import MediaType, Request, Response


class DomainError(Exception):
    """A refusal with an HTTP status, an English message and optional details (e.g. field errors)."""

    status_code = 400
    reason = "invalid"

    def __init__(self, message: str, *, extra: Any = None, reason: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra
        if reason is not None:
            self.reason = reason


class InvalidInput(DomainError):
    status_code = 400
    reason = "invalid"


class IdentityNumberFound(DomainError):
    status_code = 400
    reason = "identity_number"


class Forbidden(DomainError):
    status_code = 403
    reason = "forbidden"


class NotFound(DomainError):
    status_code = 404
    reason = "not_found"


class Conflict(DomainError):
    """The request is valid but the record's state does not allow it (a refused transition)."""

    status_code = 409
    reason = "invalid_transition"


def _domain_error_handler(_request: Request, exc: DomainError) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {"status_code": exc.status_code, "reason": exc.reason, "detail": exc.message}
    if exc.extra is not None:
        body["extra"] = exc.extra
    return Response(body, status_code=exc.status_code, media_type=MediaType.JSON)


def _decode_error_handler(_request: Request, exc: msgspec.DecodeError) -> Response[dict[str, Any]]:
    return Response({"status_code": 400, "reason": "invalid", "detail": f"Malformed request body: {exc}"},
                    status_code=400)


def exception_handlers() -> dict[type[Exception], Any]:
    return {DomainError: _domain_error_handler, msgspec.DecodeError: _decode_error_handler}


__all__ = [
    "Conflict", "DomainError", "Forbidden", "IdentityNumberFound", "InvalidInput", "NotFound", "exception_handlers",
]
