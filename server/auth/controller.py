"""Log in, see the current session, log out."""

from __future__ import annotations

import msgspec
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException

from ..db import Database
from ..ratelimit import count_hit, current_count, too_many
from ..settings import Settings
from .passwords import verify_password
from .principal import Principal
from .sessions import COOKIE_NAME, create_session, delete_session, load_principal
from .tokens import csrf_token


MAX_FAILED_LOGINS = 10
LOGIN_WINDOW_SECONDS = 900


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: str
    password: str


class SessionInfo(msgspec.Struct):
    user_id: int
    name: str
    email: str
    roles: list[str]
    csrf_token: str


def session_info(principal: NamedDependency[Principal], settings: NamedDependency[Settings], token: str) -> SessionInfo:
    return SessionInfo(
        user_id=principal.user_id, name=principal.name, email=principal.email,
        roles=sorted(principal.roles), csrf_token=csrf_token(settings.secret_key, token),
    )


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/login", operation_id="login", status_code=200)
    async def login(self, request: Request, data: JSONBody[LoginRequest], db: NamedDependency[Database], settings: NamedDependency[Settings]) -> Response[SessionInfo]:
        """Log in with e-mail and password; sets an HttpOnly session cookie and returns the CSRF token."""
        email = data.email.strip().lower()
        client = request.client.host if request.client else "unknown"
        key = f"failed-login:{client}:{email}"
        if await current_count(db, key, LOGIN_WINDOW_SECONDS) >= MAX_FAILED_LOGINS:
            raise too_many("failed login attempts", LOGIN_WINDOW_SECONDS)
        row = await db.fetchone("SELECT id, password_hash FROM users WHERE lower(email) = ? AND active = 1", (email,))
        if row is None or not await verify_password(row["password_hash"], data.password):
            await count_hit(db, key, LOGIN_WINDOW_SECONDS)
            raise NotAuthorizedException("Wrong e-mail or password.")
        principal = await load_principal(db, row["id"])
        assert principal is not None
        token = await create_session(db, principal.user_id, settings.session_days)
        cookie = Cookie(
            key=COOKIE_NAME, value=token, httponly=True, samesite="lax", secure=settings.cookie_secure,
            path="/", max_age=settings.session_days * 86400,
        )
        return Response(session_info(principal, settings, token), cookies=[cookie])

    @get("/session", operation_id="getSession")
    async def session(self, principal: NamedDependency[Principal], settings: NamedDependency[Settings]) -> SessionInfo:
        """The logged-in user, roles and CSRF token; 401 when not logged in."""
        return session_info(principal, settings, principal.session_token)

    @post("/logout", operation_id="logout", status_code=200)
    async def logout(self, principal: NamedDependency[Principal], db: NamedDependency[Database]) -> Response[dict[str, str]]:
        """End this session."""
        await delete_session(db, principal.session_token)
        return Response({"status": "logged out"}, cookies=[Cookie(key=COOKIE_NAME, value="", max_age=0, path="/")])
