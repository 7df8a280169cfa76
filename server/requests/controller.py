"""HTTP: the trainee's requests (create, list, QR, remind, renew, withdraw), requests to an assessor
with an account, and what a link holder may do without an account (open, name themselves, decline).
The link holder's form itself travels through ``POST /api/sync`` with the same bearer token."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from ..auth.principal import Principal
from ..catalog import Catalog
from ..db import Database
from ..errors import InvalidInput
from ..ratelimit import enforce
from ..settings import Settings
from . import clock
from .links import REQUEST_SELECT, LinkMissing, bearer_token, resolve_link
from .reminders import remind_now
from .service import (
    RequestCreate,
    RequestView,
    change_request,
    create_request,
    decline,
    link_of,
    own_request,
    set_assessor,
    to_view,
)

REMINDS_PER_DAY = 3


def _wake(request: Request[Any, Any, Any]) -> None:
    job = getattr(request.app.state, "mail_job", None)
    if job is not None:
        job.wake()


class RequestController(Controller):
    path = "/api/requests"
    tags = ["requests"]

    @post("/", operation_id="createRequest", status_code=201)
    async def create(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                     db: NamedDependency[Database], catalog: NamedDependency[Catalog],
                     settings: NamedDependency[Settings], data: JSONBody[RequestCreate]) -> RequestView:
        """Ask a colleague for an assessment: by e-mail (name and address) or at the bedside (QR code).
        Answers with the link and its QR code (SVG), which the phone keeps for offline use."""
        view = await create_request(db, catalog, settings, principal, data, clock.now())
        _wake(request)
        return view

    @get("/", operation_id="listRequests")
    async def list_own(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                       settings: NamedDependency[Settings]) -> list[RequestView]:
        """The caller's own requests, newest first, each with status, link and QR code."""
        now = clock.now()
        rows = await db.fetch(f"{REQUEST_SELECT} WHERE r.trainee_id = ? ORDER BY r.created_at DESC LIMIT 200",
                              (principal.user_id,))
        return [to_view(settings, r, now, with_link=True) for r in rows]

    @get("/to-me", operation_id="listRequestsToMe")
    async def to_me(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                    settings: NamedDependency[Settings]) -> list[RequestView]:
        """Förfrågningar till mig: open requests sent to the caller's e-mail address, with the link to answer."""
        now = clock.now()
        rows = await db.fetch(f"{REQUEST_SELECT} WHERE lower(r.assessor_email) = ? ORDER BY r.created_at DESC "
                              "LIMIT 200", (principal.email.lower(),))
        views = [to_view(settings, r, now, with_link=True) for r in rows]
        return [v for v in views if v.status in ("sent", "opened", "in_progress")]

    @get("/{request_id:str}/qr.svg", operation_id="getRequestQr", media_type="image/svg+xml")
    async def qr(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                 settings: NamedDependency[Settings], request_id: FromPath[str]) -> Response[str]:
        """The request's link as a QR code (SVG), for the assessor's phone camera."""
        from .qr import qr_svg

        row = await own_request(db, principal, request_id)
        return Response(qr_svg(link_of(settings, row)), media_type="image/svg+xml")

    @post("/{request_id:str}/remind", operation_id="remindRequest", status_code=200)
    async def remind(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                     db: NamedDependency[Database], catalog: NamedDependency[Catalog],
                     settings: NamedDependency[Settings], request_id: FromPath[str]) -> RequestView:
        """Send the assessor a reminder now (at most 3 a day)."""
        row = await own_request(db, principal, request_id)
        view = to_view(settings, row, clock.now(), with_link=False)
        if view.status not in ("sent", "opened", "in_progress"):
            raise InvalidInput(f"This request is {view.status}: there is nothing to remind about.")
        await enforce(db, f"remind:{request_id}", limit=REMINDS_PER_DAY, window_seconds=86400,
                      what="reminders for this request")
        await remind_now(db, catalog, row, clock.now())
        _wake(request)
        return to_view(settings, await own_request(db, principal, request_id), clock.now(), with_link=True)

    @post("/{request_id:str}/renew", operation_id="renewRequest", status_code=200)
    async def renew(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                    settings: NamedDependency[Settings], request_id: FromPath[str]) -> RequestView:
        """The link works again for the configured number of days (the same link; reminders start over)."""
        row = await change_request(db, principal, request_id, "renew", settings, clock.now())
        return to_view(settings, row, clock.now(), with_link=True)

    @post("/{request_id:str}/withdraw", operation_id="withdrawRequest", status_code=200)
    async def withdraw(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                       settings: NamedDependency[Settings], request_id: FromPath[str]) -> RequestView:
        """Revoke the link at once; the assessor sees that the request was withdrawn."""
        row = await change_request(db, principal, request_id, "withdraw", settings, clock.now())
        return to_view(settings, row, clock.now(), with_link=False)


class LinkInfo(msgspec.Struct, kw_only=True):
    """What the assessor's phone needs to open the form: whose, which form, which context."""

    request_id: str
    doc_id: str
    form_id: str
    form_version: int
    status: str
    trainee_name: str
    assessor_name: str
    assessor_title: str | None
    assessor_workplace: str | None
    message: str | None
    placement: str | None
    expires_at: str


class AssessorDetails(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    title: str | None = None
    workplace: str | None = None


class DeclineRequest(msgspec.Struct, forbid_unknown_fields=True):
    reason: str | None = None


async def _link(request: Request[Any, Any, Any], db: Database, *, allow_completed: bool = False) -> Any:
    token = bearer_token(request)
    if token is None:
        raise LinkMissing("Send the request link's token as 'Authorization: Bearer <token>'.",
                            reason="link_missing")
    return await resolve_link(db, request, token, allow_completed=allow_completed)


class LinkController(Controller):
    """Endpoints for a request-link holder (no account): ``Authorization: Bearer <token>``."""

    path = "/api/link"
    tags = ["requests"]

    @get("/", operation_id="openLink")
    async def open_link(self, request: Request[Any, Any, Any], db: NamedDependency[Database]) -> LinkInfo:
        """Open the request: marks it opened. After signing it answers ``status: completed`` (thank you)."""
        link = await _link(request, db, allow_completed=True)
        row = link.row
        if row["opened_at"] is None:
            from ..db import Tx

            async def mark(tx: Tx) -> None:
                await tx.execute("UPDATE assessment_requests SET opened_at = ? WHERE id = ? AND opened_at IS NULL",
                                 (clock.iso(clock.now()), row["id"]))

            await db.transaction(mark)
        placement = None
        if row["placement_id"] is not None:
            p = await db.fetchone("SELECT pl.specialty, un.name AS unit FROM placements pl JOIN units un ON "
                                  "un.id = pl.unit_id WHERE pl.id = ?", (row["placement_id"],))
            placement = f"{p['specialty']}, {p['unit']}" if p else None
        return LinkInfo(
            request_id=row["id"], doc_id=row["assessment_id"], form_id=row["form_id"],
            form_version=row["form_version"], status="opened" if link.status == "sent" else link.status,
            trainee_name=row["trainee_name"], assessor_name=row["assessor_name"],
            assessor_title=row["assessor_title"], assessor_workplace=row["assessor_workplace"],
            message=row["message"], placement=placement, expires_at=row["expires_at"])

    @post("/assessor", operation_id="nameLinkAssessor", status_code=200)
    async def name_assessor(self, request: Request[Any, Any, Any], db: NamedDependency[Database],
                            data: JSONBody[AssessorDetails]) -> dict[str, str]:
        """The assessor's name, title and workplace, shown on the assessment."""
        link = await _link(request, db)
        name = data.name.strip()
        if not name or len(name) > 200:
            raise InvalidInput("Give your name (at most 200 characters).")
        await set_assessor(db, link.row, name, (data.title or "").strip()[:200] or None,
                           (data.workplace or "").strip()[:200] or None, clock.now())
        return {"status": "ok"}

    @post("/decline", operation_id="declineLink", status_code=200)
    async def decline_link(self, request: Request[Any, Any, Any], db: NamedDependency[Database],
                           catalog: NamedDependency[Catalog], data: JSONBody[DeclineRequest | None] = None,
                           ) -> dict[str, str]:
        """Say no (with an optional reason): the trainee is told, and the link stops working."""
        link = await _link(request, db)
        reason = (data.reason or "").strip()[:500] or None if data else None
        await decline(db, catalog, link.row, reason, clock.now())
        _wake(request)
        return {"status": "declined"}
