"""Log in, see the current session, log out."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException

from ..client_address import client_address
from ..db import Database
from ..ratelimit import count_hits, limit_key, release_hits, too_many
from ..settings import Settings
from .devices import DEVICE_COOKIE, DEVICE_COOKIE_DAYS, known_device, new_device_token
from .passwords import verify_password
from .principal import Principal
from .sessions import COOKIE_NAME, create_session, delete_session, load_principal
from .tokens import csrf_token

#: failed logins per 15 minutes: per account (from devices that never logged in to it), per client
#: address (all accounts: one wrong password each for many accounts), and per known device
MAX_FAILED_PER_ACCOUNT = 10
MAX_FAILED_PER_ADDRESS = 30
MAX_FAILED_PER_DEVICE = 10
LOGIN_WINDOW_SECONDS = 900


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(max_length=320)]
    password: Annotated[str, msgspec.Meta(max_length=1000)]


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
        """Log in with e-mail and password; sets an HttpOnly session cookie and returns the CSRF token.
        Every attempt is counted before the password is checked (so parallel guesses get no more tries
        than the limit) and released when it was right; a device that has logged in to this account
        before is limited on its own, so guessing elsewhere never locks its owner out."""
        email = data.email.strip().lower()
        row = await db.fetchone("SELECT id, password_hash FROM users WHERE lower(email) = ? AND active = 1", (email,))
        device = known_device(settings.secret_key, request.cookies.get(DEVICE_COOKIE))
        if row is not None and device is not None and device[1] == row["id"]:
            limits = [(limit_key("login-device", device[0]), MAX_FAILED_PER_DEVICE)]
        else:
            address = client_address(request, settings.trusted_proxies)
            limits = [(limit_key("login-account", email), MAX_FAILED_PER_ACCOUNT),
                      (limit_key("login-address", address), MAX_FAILED_PER_ADDRESS)]
        keys = [key for key, _ in limits]
        counts = await count_hits(db, keys, LOGIN_WINDOW_SECONDS)
        if any(count > limit for count, (_, limit) in zip(counts, limits)):
            await release_hits(db, keys, LOGIN_WINDOW_SECONDS)  # refused unchecked: it was no failure
            raise too_many("failed login attempts", LOGIN_WINDOW_SECONDS)
        if row is None or not await verify_password(row["password_hash"], data.password):
            raise NotAuthorizedException("Wrong e-mail or password.")
        await release_hits(db, keys, LOGIN_WINDOW_SECONDS)
        principal = await load_principal(db, row["id"])
        assert principal is not None
        token = await create_session(db, principal.user_id, settings.session_days)
        cookies = [Cookie(
            key=COOKIE_NAME, value=token, httponly=True, samesite="lax", secure=settings.cookie_secure,
            path="/", max_age=settings.session_days * 86400,
        )]
        if device is None or device[1] != principal.user_id:
            cookies.append(Cookie(
                key=DEVICE_COOKIE, value=new_device_token(settings.secret_key, principal.user_id), httponly=True,
                samesite="strict", secure=settings.cookie_secure, path="/", max_age=DEVICE_COOKIE_DAYS * 86400))
        return Response(session_info(principal, settings, token), cookies=cookies)

    @get("/session", operation_id="getSession")
    async def session(self, principal: NamedDependency[Principal], settings: NamedDependency[Settings]) -> SessionInfo:
        """The logged-in user, roles and CSRF token; 401 when not logged in."""
        return session_info(principal, settings, principal.session_token)

    @post("/logout", operation_id="logout", status_code=200)
    async def logout(self, principal: NamedDependency[Principal], db: NamedDependency[Database]) -> Response[dict[str, str]]:
        """End this session."""
        await delete_session(db, principal.session_token)
        return Response({"status": "logged out"}, cookies=[Cookie(key=COOKIE_NAME, value="", max_age=0, path="/")])
