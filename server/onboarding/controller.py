"""HTTP: "Glömt lösenord" (public), the page that sets a password from a link (public, the token in
the body, never in an address the server logs), and an administrator's invitation."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter

from .. import clock
from ..auth.principal import Principal
from ..client_address import client_address
from ..db import Database
from ..fields import DB_INT_MAX
from ..mail import wake_mail_job
from ..people.controller import require_admin
from ..ratelimit import enforce, limit_key
from ..settings import Settings
from . import service
from .csv_import import ImportPlan

#: reset requests per address and per e-mail in a window: enough for a forgetful person, too few to spam
RESETS_PER_EMAIL = 3
RESETS_PER_ADDRESS = 20
RESET_WINDOW_SECONDS = 3600
#: set-password attempts per client address (a wrong or guessed token is refused before any lookup)
SET_PER_ADDRESS = 30

UserId = Annotated[int, Parameter(ge=1, le=DB_INT_MAX)]
Token = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class ResetRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=320)]


class LinkRequest(msgspec.Struct, forbid_unknown_fields=True):
    token: Token


class SetPassword(msgspec.Struct, forbid_unknown_fields=True):
    token: Token
    password: Annotated[str, msgspec.Meta(max_length=200)]


class Answer(msgspec.Struct):
    detail: str


class PasswordSet(msgspec.Struct):
    email: str


class Invited(msgspec.Struct):
    expires_at: str


class ImportRequest(msgspec.Struct, forbid_unknown_fields=True):
    """The CSV file's text; ``apply: false`` (the default) is a dry run."""

    csv: Annotated[str, msgspec.Meta(max_length=2_000_000)]
    apply: bool = False


RESET_ANSWER = ("If the address belongs to an account, a link to choose a new password is on its way. "
                "It works once, for two hours.")


class OnboardingController(Controller):
    path = "/api"
    tags = ["auth"]

    @post("/auth/password-reset", operation_id="requestPasswordReset", status_code=202)
    async def reset(self, request: Request, db: NamedDependency[Database], settings: NamedDependency[Settings],
                    data: JSONBody[ResetRequest]) -> Answer:
        """"Glömt lösenord": mails a link if the address is an active account's. The answer is the same
        either way (it never says whether an account exists)."""
        address = client_address(request, settings.trusted_proxies)
        await enforce(db, limit_key("reset-address", address), limit=RESETS_PER_ADDRESS,
                      window_seconds=RESET_WINDOW_SECONDS, what="password reset requests")
        await enforce(db, limit_key("reset-email", data.email.strip().lower()), limit=RESETS_PER_EMAIL,
                      window_seconds=RESET_WINDOW_SECONDS, what="password reset requests for this address")
        await service.request_reset(db, data.email, clock.now())
        wake_mail_job(request)  # whether or not a mail was queued: the answer takes the same path
        return Answer(RESET_ANSWER)

    @post("/auth/password-link", operation_id="readPasswordLink", status_code=200)
    async def link(self, request: Request, db: NamedDependency[Database], settings: NamedDependency[Settings],
                   data: JSONBody[LinkRequest]) -> service.LinkInfo:
        """Whose password a link sets, and until when (before the person chooses it)."""
        await enforce(db, limit_key("password-link", client_address(request, settings.trusted_proxies)),
                      limit=SET_PER_ADDRESS, window_seconds=RESET_WINDOW_SECONDS, what="password link attempts")
        return await service.link_info(db, settings, data.token, clock.now())

    @post("/auth/password", operation_id="setPassword", status_code=200)
    async def set_password(self, request: Request, db: NamedDependency[Database], settings: NamedDependency[Settings],
                           data: JSONBody[SetPassword]) -> PasswordSet:
        """Set the password with a link: once, before it expires; every session of the account ends."""
        await enforce(db, limit_key("password-link", client_address(request, settings.trusted_proxies)),
                      limit=SET_PER_ADDRESS, window_seconds=RESET_WINDOW_SECONDS, what="password link attempts")
        return PasswordSet(await service.set_password(db, settings, data.token, data.password, clock.now()))

    @post("/admin/users/{user_id:int}/invite", operation_id="adminInviteUser", status_code=202)
    async def invite(self, request: Request, principal: NamedDependency[Principal], db: NamedDependency[Database],
                     user_id: UserId) -> Invited:
        """Mail a person a link to set her password (valid a week; a new one ends the old one)."""
        await require_admin(principal)
        until = await service.invite(db, principal, user_id, clock.now())
        wake_mail_job(request)
        return Invited(until)

    @post("/admin/import", operation_id="adminImportCsv", status_code=200)
    async def import_csv(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                         data: JSONBody[ImportRequest]) -> ImportPlan:
        """Trainees, programmes and placements from a CSV (a dry run unless ``apply``): per row what is
        created or changed and each error; applied in one transaction, only when no row has an error."""
        await require_admin(principal)
        return await service.import_csv(db, principal, data.csv, apply=data.apply, now=clock.now())
