"""Invitations and password resets: one mechanism. An administrator invites a person (a link valid for
``INVITE_DAYS``), or anyone asks for a reset of an address (valid for ``RESET_HOURS``); the link sets the
password once, ends every session of that account, and stops working. The answer to a reset request
never says whether the address has an account: the same words, the same status, whether or not a mail
goes out."""

from __future__ import annotations

import datetime as dt
import json

import msgspec

from .. import clock
from ..auth.capability import new_nonce, nonce_of
from ..auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from ..auth.principal import Principal
from ..db import Database, Tx
from ..errors import Conflict, InvalidInput, NotFound
from ..mail.outbox import LINK, queue_mail
from ..settings import Settings
from ..people.repository import log_admin_event
from . import repository
from .csv_import import ImportPlan, plan_import

INVITE_DAYS = 7
RESET_HOURS = 2


class LinkInfo(msgspec.Struct):
    """What the page that sets a password shows before it is set."""

    email: str
    name: str
    purpose: str
    expires_at: str


def _mail(purpose: str, name: str, until: dt.datetime) -> tuple[str, str]:
    day = until.astimezone(clock.STOCKHOLM).strftime("%Y-%m-%d %H:%M")
    if purpose == "invite":
        return ("Välkommen till Bedside – välj ditt lösenord",
                f"Hej {name}!\n\nDu har fått ett konto i Bedside, där bedömningar, handledning och intyg för "
                f"BT-läkare samlas. Välj ditt lösenord här:\n\n{LINK}\n\nLänken gäller till {day} och kan "
                "användas en gång.\n")
    return ("Återställ ditt lösenord i Bedside",
            f"Hej {name}!\n\nNågon (förhoppningsvis du) bad om ett nytt lösenord till Bedside. Välj det här:\n\n"
            f"{LINK}\n\nLänken gäller till {day} och kan användas en gång. Bad du inte om det kan du strunta i "
            "det här brevet: ditt lösenord är oförändrat.\n")


async def _send_link(tx: Tx, user: dict, purpose: str, now: dt.datetime, created_by: int | None) -> dt.datetime:
    until = now + (dt.timedelta(days=INVITE_DAYS) if purpose == "invite" else dt.timedelta(hours=RESET_HOURS))
    nonce = new_nonce()
    await repository.create_link(tx, user_id=user["id"], purpose=purpose, nonce=nonce, now=clock.iso(now),
                                 expires_at=clock.iso(until), created_by=created_by)
    subject, body = _mail(purpose, user["name"], until)
    await queue_mail(tx, to=user["email"], subject=subject, body=body, kind=f"password_{purpose}", now=now,
                     link=("password", nonce))
    return until


async def request_reset(db: Database, email: str, now: dt.datetime) -> None:
    """A reset link to ``email`` if it is an active account's; nothing otherwise (and nothing said)."""
    user = await repository.active_user_by_email(db, email.strip())
    if user is None:
        return

    async def send(tx: Tx) -> None:
        await _send_link(tx, user, "reset", now, None)
    await db.transaction(send)


async def invite(db: Database, admin: Principal, user_id: int, now: dt.datetime) -> str:
    """An invitation to set a password (a new link ends an earlier one); logged as an admin event."""
    user = await repository.active_user(db, user_id)
    if user is None:
        raise NotFound(f"No active person {user_id}.")

    async def send(tx: Tx) -> str:
        until = await _send_link(tx, user, "invite", now, admin.user_id)
        await log_admin_event(tx, clock.iso(now), admin.user_id, "invite", user_id, json.dumps({"email": user["email"]}))
        return clock.iso(until)
    return await db.transaction(send)


async def _open_link(db: Database | Tx, settings: Settings, token: str, now: dt.datetime) -> dict:
    nonce = nonce_of(settings.secret_key, "password", token)
    link = await repository.link_by_nonce(db, nonce) if nonce else None
    if link is None or not link["active"]:
        raise NotFound("This link is not one of ours, or its account is closed. Ask for a new one.", reason="password_link_unknown")
    if link["used_at"] is not None:
        raise Conflict("This link has been used (or a newer one was sent). Ask for a new one if you need it.",
                       reason="password_link_used")
    if clock.parse(link["expires_at"]) <= now:
        raise Conflict("This link has expired. Ask for a new one.", reason="password_link_expired")
    return link


async def link_info(db: Database, settings: Settings, token: str, now: dt.datetime) -> LinkInfo:
    link = await _open_link(db, settings, token, now)
    return LinkInfo(email=link["email"], name=link["name"], purpose=link["purpose"], expires_at=link["expires_at"])


def check_password(password: str, email: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters.", reason="password_too_short")
    if password.strip().lower() == email.strip().lower() or len(set(password)) < 4:
        raise InvalidInput("Choose a password that is not your e-mail address and not one character repeated.",
                           reason="password_too_simple")


async def set_password(db: Database, settings: Settings, token: str, password: str, now: dt.datetime) -> str:
    """Set the password with a link (once); returns the account's e-mail for the login page."""
    link = await _open_link(db, settings, token, now)
    check_password(password, link["email"])
    hashed = await hash_password(password)

    async def use(tx: Tx) -> bool:
        return await repository.use_link(tx, link["id"], link["user_id"], hashed, clock.iso(now))
    if not await db.transaction(use):
        raise Conflict("This link has been used. Ask for a new one if you need it.", reason="password_link_used")
    return str(link["email"])


async def import_csv(db: Database, admin: Principal, text: str, *, apply: bool, now: dt.datetime) -> ImportPlan:
    """A dry run; or, with ``apply``, the same plan carried out in one transaction (refused whole while any
    row has an error) and logged."""
    async def run(tx: Tx) -> ImportPlan:
        dry = await plan_import(tx, text, apply=False)
        if not apply:
            return dry
        if dry.file_error or dry.rows_with_errors:
            raise Conflict(f"{dry.rows_with_errors} row(s) have errors: fix them and import again; nothing was changed.",
                           reason="import_has_errors", extra={"rows_with_errors": dry.rows_with_errors})
        done = await plan_import(tx, text, apply=True)
        await log_admin_event(tx, clock.iso(now), admin.user_id, "import", None, json.dumps(
            {"rows": done.rows_total, "creates": done.creates, "changes": done.changes}))
        return done
    return await db.transaction(run)
