"""Domain errors and how they become HTTP answers: always a 4xx with a message a person can act on.

Every error answer, ours or Litestar's, has one shape, ``{status_code, reason, detail, extra?}``, and
its text passes the personnummer redaction. A server fault stays a 5xx (reason ``server_error``) with
a generic message; the traceback goes to the log, never to the caller."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from .privacy import redact_identity_numbers
from .fields import PATTERN_WORDS

log = logging.getLogger("bedside.errors")


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


def _redact(value: Any) -> Any:
    """Every string in ``value`` (dict keys too) with identity numbers replaced: an error message may
    echo what the caller sent, and a personnummer must not travel back (or into a log) that way."""
    if isinstance(value, str):
        return redact_identity_numbers(value)
    if isinstance(value, dict):
        return {_redact(k): _redact(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_redact(v) for v in value]
    return value


def error_response(status_code: int, reason: str, detail: str, *, extra: Any = None,
                   headers: dict[str, str] | None = None) -> Response[dict[str, Any]]:
    """The one shape of every error answer: ``{status_code, reason, detail, extra?}``, redacted."""
    body: dict[str, Any] = {"status_code": status_code, "reason": reason, "detail": _redact(detail)}
    if extra is not None:
        body["extra"] = _redact(extra)
    return Response(body, status_code=status_code, media_type=MediaType.JSON, headers=headers)


def _domain_error_handler(_request: Request, exc: DomainError) -> Response[dict[str, Any]]:
    return error_response(exc.status_code, exc.reason, exc.message, extra=exc.extra)


def _decode_error_handler(_request: Request, exc: msgspec.DecodeError) -> Response[dict[str, Any]]:
    return error_response(400, "invalid", f"Malformed request body: {exc}")


#: the reason code of an HTTPException that brings none, by status
REASONS: dict[int, str] = {
    400: "invalid", 401: "not_logged_in", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    413: "too_large", 429: "rate_limited",
}
SERVER_ERROR_DETAIL = "Something went wrong on the server. Try again; if it keeps happening, tell the administrator."


def _reason(status_code: int) -> str:
    if status_code in REASONS:
        return REASONS[status_code]
    try:
        return HTTPStatus(status_code).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


def _is_generic(exc: HTTPException) -> bool:
    """Litestar's own wording (the status phrase, or the static files' 404), not a message of ours."""
    detail = exc.detail or ""
    try:
        phrase = HTTPStatus(exc.status_code).phrase
    except ValueError:
        phrase = ""
    return detail in ("", phrase, "Request Entity Too Large") or detail.startswith("no file or directory match")


def _route(request: Request) -> str:
    return f"{request.method} {request.url.path[:200]}"


def _allowed(exc: HTTPException) -> str:
    allow = next((v for k, v in (exc.headers or {}).items() if k.lower() == "allow"), "")
    return ", ".join(m.strip() for m in allow.split(",") if m.strip() and m.strip() != "OPTIONS")


def _actionable(request: Request, exc: HTTPException) -> str:
    """Litestar's generic detail replaced by what the caller can do about it."""
    status, path = exc.status_code, request.url.path
    if status == 413:
        settings = getattr(request.app.state, "settings", None)
        limit = f"{settings.max_body_bytes} bytes" if settings is not None else "the size"
        return (f"The request body is larger than {limit} (the limit for this endpoint); send less, "
                "e.g. split a sync batch.")
    if status == 404:
        if path == "/api" or path.startswith("/api/"):
            return f"No such endpoint: {_route(request)}. The API is described at /schema/openapi.json."
        return f"No such page or file: {path[:200]}."
    if status == 405:
        allowed = _allowed(exc)
        return f"{path[:200]} does not accept {request.method}" + (f"; allowed: {allowed}." if allowed else ".")
    if status == 401:
        return "Log in first: this needs a session (POST /api/auth/login)."
    if status == 403:
        return "You may not do this with the account you are logged in with."
    if status == 429:
        return "Too many requests; wait a minute and try again."
    if status == 400:
        return f"The request to {_route(request)} is not valid; the API is described at /schema/openapi.json."
    return f"The request to {_route(request)} was refused ({exc.detail or status})."


def _in_words(message: str) -> str:
    """msgspec's "Expected `str` matching regex '…'" as what the value must be."""
    for pattern, words in PATTERN_WORDS.items():
        if pattern.replace("\\", "\\\\") in message or pattern in message:
            return f"expected {words}"
    return message


def _validation_detail(request: Request, exc: HTTPException) -> str:
    """Litestar's "Validation failed for POST /x" with the fields named, so the message alone says what to fix."""
    problems = [f"{e.get('key') or e.get('source') or 'body'}: {_in_words(str(e.get('message')))}" for e in exc.extra or []
                if isinstance(e, dict) and e.get("message")]
    if not problems:
        return exc.detail
    return f"Invalid request to {_route(request)}: " + "; ".join(problems) + " (each is listed in extra)."


def _http_exception_handler(request: Request, exc: Exception) -> Response[dict[str, Any]]:
    """Litestar's own errors (routing, body size, validation, auth, rate limits) in our shape; anything
    that is not an HTTPException or is a 5xx is a server error: 500-class, generic detail, logged."""
    if not isinstance(exc, HTTPException) or exc.status_code >= 500:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        log.error("server error on %s", _redact(_route(request)), exc_info=exc)
        return error_response(status, "server_error", SERVER_ERROR_DETAIL,
                              headers=exc.headers if isinstance(exc, HTTPException) else None)
    reason = getattr(exc, "reason", None) or _reason(exc.status_code)
    if isinstance(exc, ValidationException) and exc.detail.startswith("Validation failed for "):
        detail = _validation_detail(request, exc)
    elif _is_generic(exc):
        detail = _actionable(request, exc)
    else:
        detail = exc.detail
    return error_response(exc.status_code, reason, detail, extra=exc.extra, headers=exc.headers)


def exception_handlers() -> dict[int | type[Exception], Any]:
    """DomainError and malformed bodies; every Litestar HTTPException; and (status 500) any other exception."""
    return {
        DomainError: _domain_error_handler,
        msgspec.DecodeError: _decode_error_handler,
        HTTPException: _http_exception_handler,
        HTTP_500_INTERNAL_SERVER_ERROR: _http_exception_handler,
    }


__all__ = [
    "Conflict", "DomainError", "Forbidden", "IdentityNumberFound", "InvalidInput", "NotFound", "error_response",
    "exception_handlers",
]
