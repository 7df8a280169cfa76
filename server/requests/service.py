"""Create, list and change requests. A request and its draft assessment (external assessor: name and
e-mail instead of a user id) are made in one transaction through the assessment service, together
with the e-mail to the assessor, so nothing half-made is ever stored."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import msgspec

from sync.protocol import Create, MutationResult

from ..assessments.actor import Actor
from ..assessments.service import apply_batch, now_ms
from ..assessments.validation import identity_number_field
from ..auth.principal import ASSESSING_ROLES, Principal
from ..catalog import Catalog
from ..db import Database, Row, Tx
from ..errors import Conflict, DomainError, Forbidden, IdentityNumberFound, InvalidInput, NotFound
from ..mail.outbox import queue_mail
from ..privacy import identity_error_message
from ..settings import Settings
from . import clock
from .links import REQUEST_SELECT
from .messages import outcome_mail, request_mail
from .qr import qr_svg
from .status import request_status
from .tokens import derive_token, link_url, new_nonce, token_hash

BEDSIDE_NAME = "Bedömare vid patienten"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_REFUSALS: dict[str, type[DomainError]] = {"forbidden": Forbidden, "not_found": NotFound,
                                           "identity_number": IdentityNumberFound}


class RequestCreate(msgspec.Struct, forbid_unknown_fields=True):
    """``channel``: ``email`` (the assessor gets a link by e-mail) or ``bedside`` (a QR code on the
    trainee's phone). ``id`` and ``assessment_id`` may be made on the device (UUIDs)."""

    form_id: str
    channel: str = "email"
    assessor_name: str | None = None
    assessor_email: str | None = None
    placement_id: int | None = None
    message: str | None = None
    id: str | None = None
    assessment_id: str | None = None


class RequestView(msgspec.Struct, kw_only=True):
    id: str
    assessment_id: str
    form_id: str
    form_version: int
    channel: str
    status: str
    assessor_name: str
    assessor_email: str | None
    message: str | None
    decline_reason: str | None
    created_at: str
    expires_at: str
    opened_at: str | None
    reminders_sent: int
    last_reminded_at: str | None
    trainee_name: str
    link: str | None = None
    qr_svg: str | None = None


def _uuid(given: str | None, name: str) -> str:
    if given is None:
        return str(uuid.uuid4())
    try:
        return str(uuid.UUID(given))
    except ValueError:
        raise InvalidInput(f"{name} must be a UUID, not {given!r}.") from None


def link_of(settings: Settings, row: Row) -> str:
    return link_url(settings.base_url, derive_token(settings.secret_key, row["token_nonce"]))


def to_view(settings: Settings, row: Row, now: dt.datetime, *, with_link: bool) -> RequestView:
    link = link_of(settings, row) if with_link else None
    return RequestView(
        id=row["id"], assessment_id=row["assessment_id"], form_id=row["form_id"], form_version=row["form_version"],
        channel=row["channel"], status=request_status(row, clock.iso(now)), assessor_name=row["assessor_name"],
        assessor_email=row["assessor_email"], message=row["message"], decline_reason=row["decline_reason"],
        created_at=row["created_at"], expires_at=row["expires_at"], opened_at=row["opened_at"],
        reminders_sent=row["reminders_sent"], last_reminded_at=row["last_reminded_at"],
        trainee_name=row["trainee_name"], link=link, qr_svg=qr_svg(link) if link else None,
    )


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _validate(data: RequestCreate, catalog: Catalog) -> tuple[int, str | None, str | None, str | None]:
    form = catalog.latest(data.form_id)
    if form is None:
        raise InvalidInput(f"Unknown form {data.form_id!r}; GET /api/forms lists the forms.")
    if form.workflow.sign != "assessor" or "trainee" not in form.workflow.start:
        raise InvalidInput(f"A {form.form_id} cannot be requested from a colleague: it is not signed by the assessor.")
    if data.channel not in ("email", "bedside"):
        raise InvalidInput("channel must be 'email' (send a link) or 'bedside' (show a QR code).")
    name, email, message = _clean(data.assessor_name), _clean(data.assessor_email), _clean(data.message)
    if email is not None and not EMAIL.match(email):
        raise InvalidInput(f"{email!r} is not an e-mail address.")
    if data.channel == "email" and (name is None or email is None):
        raise InvalidInput("An e-mail request needs the assessor's name and e-mail address.")
    field = identity_number_field({"message": message, "assessor_name": name})
    if field is not None:
        raise IdentityNumberFound(identity_error_message(field))
    if message is not None and len(message) > 2000:
        raise InvalidInput("The message may be at most 2000 characters.")
    return form.version, name, email, message


async def _colleague_with_email(tx: Tx, email: str) -> int | None:
    """A colleague with an account who can assess, known by this e-mail address."""
    marks = ", ".join("?" for _ in ASSESSING_ROLES)
    row = await tx.fetchone(
        f"""SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id
            WHERE lower(u.email) = ? AND u.active = 1 AND r.role IN ({marks}) LIMIT 1""",
        (email.lower(), *ASSESSING_ROLES))
    return int(row["id"]) if row else None


async def create_request(db: Database, catalog: Catalog, settings: Settings, principal: Principal,
                         data: RequestCreate, now: dt.datetime) -> RequestView:
    if not principal.has("trainee"):
        raise Forbidden("Only a trainee asks for assessments of themselves.")
    version, name, email, message = _validate(data, catalog)
    request_id, doc_id = _uuid(data.id, "id"), _uuid(data.assessment_id, "assessment_id")
    name = name or BEDSIDE_NAME
    meta: dict[str, Any] = {"trainee_id": principal.user_id, "assessor_name": name}
    if email:
        meta["assessor_email"] = email
    if data.placement_id is not None:
        meta["placement_id"] = data.placement_id
    nonce = new_nonce()
    expires = now + dt.timedelta(days=settings.request_token_days)

    async def run(tx: Tx) -> Row:
        colleague = await _colleague_with_email(tx, email) if email else None
        if colleague is not None and colleague != principal.user_id:
            meta["assessor_id"] = colleague  # they see it in their own list; the link works as well
        (result,) = await apply_batch(tx, catalog, Actor.of(principal), [Create(
            id=1, doc_id=doc_id, at=now_ms(), form_id=data.form_id, form_version=version, data={}, meta=meta)],
            device="request", audit_rejections=False)
        _raise_for(result)
        await tx.execute(
            """INSERT INTO assessment_requests (id, assessment_id, trainee_id, channel, assessor_name, assessor_email,
                 message, token_hash, token_nonce, created_at, expires_at, reminder_base_at, reminders_sent, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)""",
            (request_id, doc_id, principal.user_id, data.channel, name, email, message,
             token_hash(derive_token(settings.secret_key, nonce)), nonce, clock.iso(now), clock.iso(expires),
             clock.iso(now), clock.iso(now)))
        row = await tx.fetchone(f"{REQUEST_SELECT} WHERE r.id = ?", (request_id,))
        assert row is not None
        if email:
            mail = request_mail(trainee=principal.name, assessor=name, form_title=_title(catalog, row),
                                message=message, expires=clock.iso(expires))
            await queue_mail(tx, to=email, subject=mail.subject, body=mail.body, kind="request", now=now,
                             request_id=request_id)
        return row

    row = await db.transaction(run)
    return to_view(settings, row, now, with_link=True)


def _raise_for(result: MutationResult) -> None:
    if result.status == "rejected":
        reason = result.reason or "invalid"
        raise _REFUSALS.get(reason, InvalidInput)(result.message or reason, reason=reason)


def _title(catalog: Catalog, row: Row) -> str:
    form = catalog.get(row["form_id"], row["form_version"])
    title = form.title if form else None
    return str(title.get("sv", row["form_id"])) if isinstance(title, dict) else str(title or row["form_id"])


async def own_request(db: Database | Tx, principal: Principal, request_id: str) -> Row:
    row = await db.fetchone(f"{REQUEST_SELECT} WHERE r.id = ?", (request_id,))
    if row is None or row["trainee_id"] != principal.user_id:
        raise NotFound(f"Request {request_id} does not exist or is not yours.")
    return row


async def change_request(db: Database, principal: Principal, request_id: str, action: str, settings: Settings,
                         now: dt.datetime) -> Row:
    """``renew`` (a new expiry, reminders start over), ``withdraw``. Refused once completed or withdrawn."""

    async def run(tx: Tx) -> Row:
        row = await tx.fetchone(f"SELECT id FROM assessment_requests WHERE id = ?{tx.for_update}", (request_id,))
        if row is None:
            raise NotFound(f"Request {request_id} does not exist or is not yours.")
        current = await own_request(tx, principal, request_id)
        status = request_status(current, clock.iso(now))
        if status in ("completed", "withdrawn"):
            raise Conflict(f"This request is {status}; it cannot be changed any more.", reason="request_closed")
        if action == "renew":
            await tx.execute(
                """UPDATE assessment_requests SET expires_at = ?, reminder_base_at = ?, reminders_sent = 0,
                     declined_at = NULL, decline_reason = NULL, outcome_notified_at = NULL, updated_at = ?
                   WHERE id = ?""",
                (clock.iso(now + dt.timedelta(days=settings.request_token_days)), clock.iso(now), clock.iso(now),
                 request_id))
        else:
            await tx.execute("UPDATE assessment_requests SET withdrawn_at = ?, updated_at = ? WHERE id = ?",
                             (clock.iso(now), clock.iso(now), request_id))
        return await own_request(tx, principal, request_id)

    return await db.transaction(run)


async def decline(db: Database, catalog: Catalog, row: Row, reason: str | None, now: dt.datetime) -> None:
    """The assessor declines; the trainee is told at once (with the reason)."""
    if reason and identity_number_field({"reason": reason}):
        raise IdentityNumberFound(identity_error_message("reason"))

    async def run(tx: Tx) -> None:
        await tx.execute(
            "UPDATE assessment_requests SET declined_at = ?, decline_reason = ?, outcome_notified_at = ?, "
            "updated_at = ? WHERE id = ?", (clock.iso(now), reason, clock.iso(now), clock.iso(now), row["id"]))
        mail = outcome_mail(trainee=row["trainee_name"], assessor=row["assessor_name"],
                            form_title=_title(catalog, row), declined=True, reason=reason)
        await queue_mail(tx, to=row["trainee_email"], subject=mail.subject, body=mail.body, kind="declined",
                         now=now, request_id=row["id"])

    await db.transaction(run)


async def set_assessor(db: Database, row: Row, name: str, title: str | None, workplace: str | None,
                       now: dt.datetime) -> None:
    """The assessor says who they are (remembered on their device); the assessment shows the name."""
    if identity_number_field({"name": name, "title": title, "workplace": workplace}):
        raise IdentityNumberFound(identity_error_message("name"))
    from ..assessments import repository

    async def run(tx: Tx) -> None:
        await tx.execute(
            "UPDATE assessment_requests SET assessor_name = ?, assessor_title = ?, assessor_workplace = ?, "
            "updated_at = ? WHERE id = ?", (name, title, workplace, clock.iso(now), row["id"]))
        (seq,) = await repository.next_sequence_numbers(tx, 1)
        await tx.execute("UPDATE assessments SET assessor_name = ?, seq = ?, updated_at = ? WHERE id = ?",
                         (name, seq, clock.iso(now), row["assessment_id"]))
        await repository.insert_audit_events(tx, [(
            row["assessment_id"], clock.iso(now), f"request:{row['id']}", name, "assessor_named",
            repository.encode_json({"name": name, "title": title, "workplace": workplace}))])

    await db.transaction(run)
