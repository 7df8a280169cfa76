"""HTTP: the trainee's requests (create, list, QR, remind, renew, withdraw), requests to an assessor
with an account, what a request link opens without an account (read, claim on this device, decline),
what the claiming device may do (name itself, answer through ``POST /api/sync``), and the signature
receipt's "not me"."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from ..auth.dependencies import optional_principal
from ..auth.principal import Principal
from ..catalog import Catalog
from ..db import Database, Row, Tx
from ..errors import Conflict
from ..mail import wake_mail_job
from ..ratelimit import enforce
from ..settings import Settings
from . import clock
from .claims import AssessorDetails, ClaimAnswer, ClaimRequest, DisplacedAnswerIn, claim, keep_displaced, set_details
from .links import REQUEST_SELECT, Link, LinkMissing, bearer_token, missing_for_signature, require_device, resolve_link
from .receipts import ReceiptView, dispute, receipt_info
from .reminders import remind_now
from .service import (
    RequestCreate,
    RequestView,
    change_request,
    create_request,
    decline,
    is_anonymous,
    own_request,
    shown_link,
    to_view,
)
from .status import OPEN, request_status

REMINDS_PER_DAY = 3



class RequestController(Controller):
    path = "/api/requests"
    tags = ["requests"]

    @post("/", operation_id="createRequest", status_code=201)
    async def create(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                     db: NamedDependency[Database], catalog: NamedDependency[Catalog],
                     settings: NamedDependency[Settings], data: JSONBody[RequestCreate]) -> RequestView:
        """Ask a colleague for an assessment: by e-mail (the link goes to the assessor's address only) or
        at the bedside (the answer carries the link and its QR code, for the trainee's phone to show)."""
        view = await create_request(db, catalog, settings, principal, data, clock.now())
        wake_mail_job(request)
        return view

    @get("/", operation_id="listRequests")
    async def list_own(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                       catalog: NamedDependency[Catalog], settings: NamedDependency[Settings]) -> list[RequestView]:
        """The caller's own requests, newest first, with status; a QR code only for an open, unclaimed
        bedside request."""
        now = clock.now()
        rows = await db.fetch(f"{REQUEST_SELECT} WHERE r.trainee_id = ? AND r.round_id IS NULL ORDER BY r.created_at DESC LIMIT 200",
                              (principal.user_id,))
        return [to_view(settings, catalog, r, now) for r in rows]

    @get("/to-me", operation_id="listRequestsToMe")
    async def to_me(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                    catalog: NamedDependency[Catalog], settings: NamedDependency[Settings]) -> list[RequestView]:
        """Förfrågningar till mig: open requests sent to the caller's e-mail address (answer them from
        the assessment list, or open the e-mailed link while logged in)."""
        now = clock.now()
        rows = await db.fetch(f"{REQUEST_SELECT} WHERE lower(r.assessor_email) = ? AND r.trainee_id <> ? "
                              "ORDER BY r.created_at DESC LIMIT 200", (principal.email.lower(), principal.user_id))
        views = [to_view(settings, catalog, r, now, for_trainee=False) for r in rows]
        return [v for v in views if v.status in OPEN]

    @get("/{request_id:str}/qr.svg", operation_id="getRequestQr", media_type="image/svg+xml")
    async def qr(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                 settings: NamedDependency[Settings], request_id: FromPath[str]) -> Response[str]:
        """An open bedside request's link as a QR code (SVG), until a device claims it."""
        from .qr import qr_svg

        row = await own_request(db, principal, request_id)
        link = shown_link(settings, row, request_status(row, clock.iso(clock.now())))
        if link is None:
            raise Conflict("There is no QR code to show: the request went by e-mail, was opened on the assessor's "
                           "device already, or is closed.", reason="no_qr")
        return Response(qr_svg(link), media_type="image/svg+xml")

    @post("/{request_id:str}/remind", operation_id="remindRequest", status_code=200)
    async def remind(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                     db: NamedDependency[Database], catalog: NamedDependency[Catalog],
                     settings: NamedDependency[Settings], request_id: FromPath[str]) -> RequestView:
        """Send the assessor a reminder now (at most 3 a day)."""
        row = await own_request(db, principal, request_id)
        view = to_view(settings, catalog, row, clock.now())
        if view.status not in OPEN:
            raise Conflict(f"This request is {view.status}: there is nothing to remind about.", reason="request_closed")
        await enforce(db, f"remind:{row['id']}", limit=REMINDS_PER_DAY, window_seconds=86400,
                      what="reminders for this request")
        # a 360 rater who answered or declined is not reminded, and the trainee cannot tell the difference
        if request_status(row, clock.iso(clock.now())) in OPEN:
            await remind_now(db, catalog, row, clock.now())
        wake_mail_job(request)
        return to_view(settings, catalog, await own_request(db, principal, request_id), clock.now())

    @post("/{request_id:str}/renew", operation_id="renewRequest", status_code=200)
    async def renew(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                    catalog: NamedDependency[Catalog], settings: NamedDependency[Settings],
                    request_id: FromPath[str]) -> RequestView:
        """The link works again for the configured number of days (the same link; reminders start over)."""
        row = await change_request(db, catalog, principal, request_id, "renew", settings, clock.now())
        return to_view(settings, catalog, row, clock.now())

    @post("/{request_id:str}/withdraw", operation_id="withdrawRequest", status_code=200)
    async def withdraw(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                       catalog: NamedDependency[Catalog], settings: NamedDependency[Settings],
                       request_id: FromPath[str]) -> RequestView:
        """Revoke the link at once; the assessor sees that the request was withdrawn."""
        row = await change_request(db, catalog, principal, request_id, "withdraw", settings, clock.now())
        return to_view(settings, catalog, row, clock.now())


class LinkInfo(msgspec.Struct, kw_only=True):
    """What the assessor's phone needs to open the form: whose, which form (``form_title``, Swedish and
    English), which context (``placement``: specialty and unit; ``specialty`` and ``unit`` apart), the trainee's message
    and until when the link works (``expires_at``); ``anonymous``: a 360 rater's answer, never shown to
    the trainee with the rater's name. Nothing else of the trainee (no e-mail, no id). ``claimed``:
    a device (or account) holds the request; ``held_here``: the caller is that device, and then also
    what it said about the assessor, what a signature still needs, and whether another device tried
    to claim it (``claim_refusals``, ``last_claim_refused_at``)."""

    request_id: str
    doc_id: str
    form_id: str
    form_version: int
    form_title: dict[str, str]
    anonymous: bool
    status: str
    trainee_name: str
    message: str | None
    placement: str | None
    specialty: str | None
    unit: str | None
    expires_at: str
    claimed: bool
    held_here: bool
    assessor_name: str | None = None
    assessor_title: str | None = None
    assessor_workplace: str | None = None
    assessor_email: str | None = None
    missing_for_signature: list[str] = []
    claim_refusals: int = 0
    last_claim_refused_at: str | None = None


class DeclineRequest(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=500)] | None = None


async def _link(request: Request[Any, Any, Any], db: Database, *, allow_completed: bool = False,
                allow_closed: bool = False) -> Link:
    token = bearer_token(request)
    if token is None:
        raise LinkMissing("Send the request link's token as 'Authorization: Bearer <token>'.",
                          reason="link_missing")
    return await resolve_link(db, request, token, allow_completed=allow_completed, allow_closed=allow_closed)


def _form_title(catalog: Catalog, row: Row) -> dict[str, str]:
    form = catalog.get(row["form_id"], row["form_version"])
    title = form.title if form else None
    if isinstance(title, dict):
        return {k: str(v) for k, v in title.items() if k in ("sv", "en")}
    return {"sv": str(title or row["form_id"])}


def _link_info(link: Link, catalog: Catalog, place: Row | None) -> LinkInfo:
    row = link.row
    here = link.kind == "device"
    status = request_status(row, clock.iso(clock.now()))
    info = LinkInfo(
        request_id=row["id"], doc_id=row["assessment_id"], form_id=row["form_id"], form_version=row["form_version"],
        form_title=_form_title(catalog, row), anonymous=is_anonymous(catalog, row),
        status="opened" if status == "sent" else status, trainee_name=row["trainee_name"], message=row["message"],
        placement=f"{place['specialty']}, {place['unit']}" if place else None,
        specialty=str(place["specialty"]) if place else None, unit=str(place["unit"]) if place else None,
        expires_at=row["expires_at"], claimed=row["claimed_at"] is not None,
        held_here=here)
    if here:
        info.assessor_name, info.assessor_title = row["claimed_name"], row["assessor_title"]
        info.assessor_workplace, info.assessor_email = row["assessor_workplace"], row["claimed_email"]
        info.missing_for_signature = list(missing_for_signature(row))
        info.claim_refusals, info.last_claim_refused_at = row["claim_refusals"], row["last_claim_refused_at"]
    return info


class LinkController(Controller):
    """Endpoints for the assessor without an account: ``Authorization: Bearer <token>`` with the request
    link's token (open, claim, decline) or the claiming device's secret (everything else)."""

    path = "/api/link"
    tags = ["requests"]

    @get("/", operation_id="openLink")
    async def open_link(self, request: Request[Any, Any, Any], db: NamedDependency[Database],
                        catalog: NamedDependency[Catalog]) -> LinkInfo:
        """What is asked (the form, the placement and unit, the trainee's message), by whom, until when.
        Marks the request opened. After signing it answers ``status: completed``."""
        link = await _link(request, db, allow_completed=True)
        row = link.row
        if row["opened_at"] is None:
            async def mark(tx: Tx) -> None:
                await tx.execute("UPDATE assessment_requests SET opened_at = ? WHERE id = ? AND opened_at IS NULL",
                                 (clock.iso(clock.now()), row["id"]))

            await db.transaction(mark)
        place = None
        if row["placement_id"] is not None:
            place = await db.fetchone("SELECT pl.specialty, un.name AS unit FROM placements pl JOIN units un ON "
                                      "un.id = pl.unit_id WHERE pl.id = ?", (row["placement_id"],))
        return _link_info(link, catalog, place)

    @post("/claim", operation_id="claimLink", status_code=200)
    async def claim_link(self, request: Request[Any, Any, Any], db: NamedDependency[Database],
                         settings: NamedDependency[Settings], data: JSONBody[ClaimRequest]) -> ClaimAnswer:
        """Take the request on this device (send a ``device_key`` it made; the answer's ``secret`` is the
        bearer token from now on) or, logged in, to your own account. Only the first device gets it;
        another is refused with ``link_claimed``. Claiming again from the same device is harmless."""
        link = await _link(request, db)
        principal = await optional_principal(request)
        return await claim(db, settings.secret_key, link, principal, data, clock.now())

    @post("/assessor", operation_id="nameLinkAssessor", status_code=200)
    async def name_assessor(self, request: Request[Any, Any, Any], db: NamedDependency[Database],
                            data: JSONBody[AssessorDetails]) -> dict[str, Any]:
        """The claiming device says who the assessor is (name, title, workplace, e-mail; a signature
        needs all four). Answers what is still missing."""
        link = await _link(request, db)
        require_device(link)
        missing = await set_details(db, link, data, clock.now())
        return {"status": "ok", "missing_for_signature": missing}

    @post("/displaced", operation_id="keepDisplacedAnswer", status_code=200)
    async def displaced(self, request: Request[Any, Any, Any], db: NamedDependency[Database],
                        data: JSONBody[DisplacedAnswerIn]) -> dict[str, str]:
        """A phone that filled in the form offline but lost the claim to another device sends what it had:
        kept and shown to the trainee's supervisors beside the answer that counts. Taken also once the
        request is signed, withdrawn or expired: what someone typed is never lost."""
        link = await _link(request, db, allow_closed=True)
        await keep_displaced(db, link, data, clock.now())
        return {"status": "kept"}

    @post("/decline", operation_id="declineLink", status_code=200)
    async def decline_link(self, request: Request[Any, Any, Any], db: NamedDependency[Database],
                           catalog: NamedDependency[Catalog], data: JSONBody[DeclineRequest | None] = None,
                           ) -> dict[str, str]:
        """Say no (with an optional reason): the trainee is told, and the link stops working. Once a
        device holds the request, only that device can decline it."""
        link = await _link(request, db)
        if link.claimed:
            require_device(link)
        reason = ((data.reason or "").strip() or None) if data else None
        await decline(db, catalog, link.row, reason, clock.now())
        wake_mail_job(request)
        return {"status": "declined"}


def _receipt_token(request: Request[Any, Any, Any]) -> str:
    token = bearer_token(request)
    if token is None:
        raise LinkMissing("Send the receipt link's token as 'Authorization: Bearer <token>'.", reason="link_missing")
    return token


class ReceiptController(Controller):
    """The signature receipt's link: ``Authorization: Bearer <token from the receipt e-mail>``."""

    path = "/api/receipt"
    tags = ["requests"]

    @get("/", operation_id="getReceipt")
    async def info(self, request: Request[Any, Any, Any], db: NamedDependency[Database],
                   catalog: NamedDependency[Catalog], settings: NamedDependency[Settings]) -> ReceiptView:
        """What was signed in the recipient's name, and whether it is already disputed."""
        return await receipt_info(db, catalog, settings.secret_key, _receipt_token(request))

    @post("/dispute", operation_id="disputeSignature", status_code=200)
    async def dispute_signature(self, request: Request[Any, Any, Any], db: NamedDependency[Database],
                                catalog: NamedDependency[Catalog], settings: NamedDependency[Settings]) -> ReceiptView:
        """"It was not me": the assessment is marked disputed for the trainee's supervisors (once)."""
        view = await dispute(db, catalog, settings.secret_key, _receipt_token(request), clock.now())
        wake_mail_job(request)
        return view

