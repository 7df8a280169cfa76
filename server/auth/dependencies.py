"""The ``principal`` dependency: who is calling, from the session cookie, with CSRF checked on writes."""

from __future__ import annotations

from litestar import Request
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException

from .principal import Principal
from .sessions import COOKIE_NAME, principal_for_session
from .tokens import csrf_matches

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"


async def optional_principal(request: Request) -> Principal | None:
    """The logged-in user when the request carries a live session (CSRF checked on writes), else None."""
    if not request.cookies.get(COOKIE_NAME):
        return None
    try:
        return await provide_principal(request)
    except NotAuthorizedException:
        return None


async def provide_principal(request: Request) -> Principal:
    state = request.app.state
    token = request.cookies.get(COOKIE_NAME)
    if not token:
        raise NotAuthorizedException("Log in first: this needs a session (POST /api/auth/login).")
    principal = await principal_for_session(state.db, token)
    if principal is None:
        raise NotAuthorizedException("Your session has expired or you have logged out: log in again.")
    if request.method not in SAFE_METHODS and not csrf_matches(
        state.settings.secret_key, token, request.headers.get(CSRF_HEADER)
    ):
        raise PermissionDeniedException(
            "Missing or wrong X-CSRF-Token header: send the csrf_token you got from POST /api/auth/login "
            "or GET /api/auth/session."
        )
    return principal
