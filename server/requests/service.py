"""Create, list and change requests. A request and its draft assessment (external assessor: name and
e-mail instead of a user id) are made in one transaction through the assessment service, together
with the e-mail to the assessor, so nothing half-made is ever stored.

Who receives a link: the assessor, by e-mail. The trainee sees a link (and its QR code) only for a
bedside request that no device has claimed yet: she shows it, she never answers it. A 360 rater's
request is e-mail only, and the trainee sees neither its link nor whether that rater answered.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec

from sync.protocol import Create, MutationResult

from ..assessments.actor import Actor
from ..assessments.service import apply_batch, now_ms
from ..auth.capability import link_url, make_token, new_nonce, token_hash
from ..auth.principal import ASSESSING_ROLES, Principal
from ..catalog import Catalog
from ..db import Database, Row, Tx
from ..errors import Conflict, DomainError, Forbidden, IdentityNumberFound, InvalidInput, NotFound
from ..fields import PersonName, RowId, Uuid, is_email
from ..mail.outbox import queue_mail
from ..settings import Settings
from . import clock
from .links import BEDSIDE_NAME, REQUEST_SELECT
from .messages import Mail, mail_thread, outcome_mail, request_mail
from .qr import qr_svg
from .status import OPEN, request_status
from ..privacy.ids import new_id

_REFUSALS: dict[str, type[DomainError]] = {"forbidden": Forbidden, "not_found": NotFound,
                                           "identity_number": IdentityNumberFound, "exists": Conflict,
                                           "own_assessment": Forbidden}
MAX_MESSAGE = 2000


class RequestCreate(msgspec.Struct, forbid_unknown_fields=True):
    """``channel``: ``email`` (the assessor gets a link by e-mail) or ``bedside`` (a QR code on the
    trainee's phone). ``id`` and ``assessment_id`` may be made on the device (UUIDs)."""

    form_id: Annotated[str, msgspec.Meta(max_length=100)]
    channel: Annotated[str, msgspec.Meta(max_length=10)] = "email"
    assessor_name: PersonName | None = None
    assessor_email: Annotated[str, msgspec.Meta(max_length=320)] | None = None
    placement_id: RowId | None = None
    message: Annotated[str, msgspec.Meta(max_length=MAX_MESSAGE)] | None = None
    id: Uuid | None = None
    assessment_id: Uuid | None = None


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
    #: opened and claimed on a device (or by a colleague's account): the QR code is no longer shown
    claimed: bool = False
    link: str | None = None
    qr_svg: str | None = None


def link_of(settings: Settings, row: Row) -> str:
    return link_url(settings.base_url, "request-link", make_token(settings.secret_key, "request-link",
                                                                  row["token_nonce"]))


def is_anonymous(catalog: Catalog, row: Row) -> bool:
    form = catalog.get(row["form_id"], row["form_version"])
    return form is not None and form.workflow.anonymous_to_trainee


def shown_link(settings: Settings, row: Row, status: str) -> str | None:
    """The one link a trainee is handed: an open bedside request's, until a device claims it."""
    if row["channel"] != "bedside" or row["claimed_at"] is not None or status not in OPEN:
        return None
    return link_of(settings, row)


def to_view(settings: Settings, catalog: Catalog, row: Row, now: dt.datetime, *, for_trainee: bool = True) -> RequestView:
    """A request as the trainee (or, ``for_trainee=False``, its assessor) sees it. For a 360 rater's
    request the trainee sees only what she did herself: whom she asked, when, and whether she withdrew
    it; never whether the rater opened, answered, declined or let it expire, nor the rater's own words."""
    status = request_status(row, clock.iso(now))
    if for_trainee and is_anonymous(catalog, row):
        return RequestView(
            id=row["id"], assessment_id=row["assessment_id"], form_id=row["form_id"], form_version=row["form_version"],
            channel=row["channel"], status="withdrawn" if row["withdrawn_at"] else "sent",
            assessor_name=row["assessor_name"], assessor_email=row["assessor_email"], message=row["message"],
            decline_reason=None, created_at=row["created_at"], expires_at=row["expires_at"], opened_at=None,
            reminders_sent=0, last_reminded_at=None, trainee_name=row["trainee_name"])
    link = shown_link(settings, row, status) if for_trainee else None
    return RequestView(
        id=row["id"], assessment_id=row["assessment_id"], form_id=row["form_id"], form_version=row["form_version"],
        channel=row["channel"], status=status, assessor_name=row["claimed_name"] or row["assessor_name"],
        assessor_email=row["assessor_email"], message=row["message"], decline_reason=row["decline_reason"],
        created_at=row["created_at"], expires_at=row["expires_at"], opened_at=row["opened_at"],
        reminders_sent=row["reminders_sent"], last_reminded_at=row["last_reminded_at"],
        trainee_name=row["trainee_name"], claimed=row["claimed_at"] is not None,
        link=link, qr_svg=qr_svg(link) if link else None,
    )


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _validate(data: RequestCreate, catalog: Catalog, principal: Principal) -> tuple[int, str | None, str | None, str | None]:
    form = catalog.latest(data.form_id)
    if form is None:
        raise InvalidInput("Unknown form; GET /api/forms lists the forms.")
    if form.workflow.in_round:
        raise InvalidInput("A 360 rater is asked through the trainee's 360 round (POST /api/rounds), never on "
                           "their own.", reason="round_only")
    if form.workflow.sign != "assessor" or "trainee" not in form.workflow.start:
        raise InvalidInput(f"A {form.form_id} cannot be requested from a colleague: it is not signed by the assessor.")
    if data.channel not in ("email", "bedside"):
        raise InvalidInput("channel must be 'email' (send a link) or 'bedside' (show a QR code).")
    if data.channel == "bedside" and form.workflow.anonymous_to_trainee:
        raise InvalidInput("A 360 rater answers by e-mail link only, so that the answer stays anonymous: use "
                           "channel 'email'.", reason="anonymous_by_email")
    name, email, message = _clean(data.assessor_name), _clean(data.assessor_email), _clean(data.message)
    if email is not None:
        email = email.lower()
        if not is_email(email):
            raise InvalidInput("assessor_email is not an e-mail address.")
        if email == principal.email.lower():
            raise Forbidden("That is your own e-mail address: ask a colleague.", reason="own_assessment")
    if data.channel == "email" and (name is None or email is None):
        raise InvalidInput("An e-mail request needs the assessor's name and e-mail address.")
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
    version, name, email, message = _validate(data, catalog, principal)
    request_id = data.id or new_id()
    doc_id = data.assessment_id or new_id()
    name = name or BEDSIDE_NAME
    meta: dict[str, Any] = {"trainee_id": principal.user_id, "assessor_name": name}
    if email:
        meta["assessor_email"] = email
    if data.placement_id is not None:
        meta["placement_id"] = data.placement_id
    nonce = new_nonce()
    expires = now + dt.timedelta(days=settings.request_token_days)

    async def run(tx: Tx) -> Row:
        if await tx.fetchone("SELECT id FROM assessment_requests WHERE id = ?", (request_id,)):
            raise Conflict("A request with this id exists already: make a new id.", reason="exists")
        colleague = await _colleague_with_email(tx, email) if email else None
        if colleague is not None and colleague != principal.user_id:
            meta["assessor_id"] = colleague  # they see it in their own list; the link works as well
        (result,) = await apply_batch(tx, catalog, Actor.of(principal), [Create(
            id=1, doc_id=doc_id, at=now_ms(), form_id=data.form_id, form_version=version, data={}, meta=meta)],
            device="request", keep_refused=False, for_request=True)
        _raise_for(result)
        await tx.execute(
            """INSERT INTO assessment_requests (id, assessment_id, trainee_id, channel, assessor_name, assessor_email,
                 message, token_hash, token_nonce, created_at, expires_at, reminder_base_at, reminders_sent, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)""",
            (request_id, doc_id, principal.user_id, data.channel, name, email, message,
             token_hash(make_token(settings.secret_key, "request-link", nonce)), nonce, clock.iso(now),
             clock.iso(expires), clock.iso(now), clock.iso(now)))
        row = await tx.fetchone(f"{REQUEST_SELECT} WHERE r.id = ?", (request_id,))
        assert row is not None
        if email:
            mail = request_mail(trainee=principal.name, assessor=name, form_title=form_title(catalog, row),
                                message=message, expires=clock.iso(expires))
            await queue_mail(tx, to=email, subject=mail.subject, body=mail.body, kind="request", now=now,
                             request_id=request_id, thread=mail_thread(request_id), link=("request-link", nonce))
        return row

    row = await db.transaction(run)
    return to_view(settings, catalog, row, now)


async def create_rater_request(tx: Tx, catalog: Catalog, settings: Settings, *, actor: Actor, trainee: Principal,
                               form_id: str, name: str, email: str, round_id: str, expires: dt.datetime,
                               mail: Mail, now: dt.datetime) -> str:
    """A 360 round's request to one rater, in the round's transaction: the request and its draft answer
    (asked in the trainee's name: ``actor`` is whoever sent the round's requests, acting for her) and
    the e-mail with the link, which the round composed. Returns the request's id."""
    form = catalog.latest(form_id)
    if form is None or not form.workflow.anonymous_to_trainee:
        raise InvalidInput(f"{form_id} is not a 360 rater form.")
    request_id, doc_id, nonce = new_id(), new_id(), new_nonce()
    meta: dict[str, Any] = {"trainee_id": trainee.user_id, "assessor_name": name, "assessor_email": email}
    colleague = await _colleague_with_email(tx, email)
    if colleague is not None and colleague != trainee.user_id:
        meta["assessor_id"] = colleague
    (result,) = await apply_batch(tx, catalog, actor, [Create(
        id=1, doc_id=doc_id, at=now_ms(), form_id=form_id, form_version=form.version, data={}, meta=meta)],
        device="request", keep_refused=False, for_request=True)
    _raise_for(result)
    await tx.execute(
        """INSERT INTO assessment_requests (id, assessment_id, trainee_id, channel, assessor_name, assessor_email,
             message, token_hash, token_nonce, created_at, expires_at, reminder_base_at, reminders_sent, updated_at,
             round_id)
           VALUES (?, ?, ?, 'email', ?, ?, NULL, ?, ?, ?, ?, ?, 0, ?, ?)""",
        (request_id, doc_id, trainee.user_id, name, email, token_hash(make_token(settings.secret_key, "request-link", nonce)),
         nonce, clock.iso(now), clock.iso(expires), clock.iso(now), clock.iso(now), round_id))
    await queue_mail(tx, to=email, subject=mail.subject, body=mail.body, kind="round_request", now=now,
                     request_id=request_id, thread=mail_thread(request_id), link=("request-link", nonce))
    return request_id


def _raise_for(result: MutationResult) -> None:
    if result.status == "rejected":
        reason = result.reason or "invalid"
        raise _REFUSALS.get(reason, InvalidInput)(result.message or reason, reason=reason)


def form_title(catalog: Catalog, row: Row) -> str:
    form = catalog.get(row["form_id"], row["form_version"])
    title = form.title if form else None
    return str(title.get("sv", row["form_id"])) if isinstance(title, dict) else str(title or row["form_id"])


async def own_request(db: Database | Tx, principal: Principal, request_id: str) -> Row:
    row = await db.fetchone(f"{REQUEST_SELECT} WHERE r.id = ?", (request_id,))
    # a 360 round's request is the round's (its main supervisor reminds); the trainee never handles it
    if row is None or row["trainee_id"] != principal.user_id or row["round_id"] is not None:
        raise NotFound("This request does not exist or is not yours.")
    return row


async def change_request(db: Database, catalog: Catalog, principal: Principal, request_id: str, action: str,
                         settings: Settings, now: dt.datetime) -> Row:
    """``renew`` (a new expiry, reminders start over), ``withdraw``. Refused once completed or withdrawn.
    A 360 rater's request answers the same whatever the rater did: renewing one that was answered or
    declined changes nothing (it never un-declines), withdrawing one always stops its reminders."""

    async def run(tx: Tx) -> Row:
        row = await tx.fetchone(f"SELECT id FROM assessment_requests WHERE id = ?{tx.for_update}", (request_id,))
        if row is None:
            raise NotFound("This request does not exist or is not yours.")
        current = await own_request(tx, principal, request_id)
        status = request_status(current, clock.iso(now))
        if is_anonymous(catalog, current):
            if current["withdrawn_at"]:
                raise Conflict("This request is withdrawn; it cannot be changed any more.", reason="request_closed")
            if action == "renew" and status in ("completed", "declined"):
                return current
            if action == "withdraw":
                await tx.execute("UPDATE assessment_requests SET withdrawn_at = ?, updated_at = ? WHERE id = ?",
                                 (clock.iso(now), clock.iso(now), request_id))
                return await own_request(tx, principal, request_id)
        elif status in ("completed", "withdrawn"):
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
    """The assessor declines; the trainee is told at once (with the reason), except a 360 rater's
    decline, which the trainee never learns of one by one."""

    async def run(tx: Tx) -> None:
        await tx.execute(
            "UPDATE assessment_requests SET declined_at = ?, decline_reason = ?, outcome_notified_at = ?, "
            "updated_at = ? WHERE id = ?", (clock.iso(now), reason, clock.iso(now), clock.iso(now), row["id"]))
        if is_anonymous(catalog, row):
            return
        mail = outcome_mail(trainee=row["trainee_name"], assessor=row["claimed_name"] or row["assessor_name"],
                            form_title=form_title(catalog, row), declined=True, reason=reason)
        await queue_mail(tx, to=row["trainee_email"], subject=mail.subject, body=mail.body, kind="declined",
                         now=now, request_id=row["id"], thread=mail_thread(row["id"]))

    await db.transaction(run)
