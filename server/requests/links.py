"""What a request link (``Authorization: Bearer <token>``) may do, and every way it is refused.

A link holder acts as the assessor of exactly one assessment (``Actor.link_holder``). Unknown,
withdrawn, declined and expired links are refused with a message that says which and what to do;
once the assessment is signed the link cannot change anything any more (single use for submission).
Failed lookups are counted per client address in the database, so guessing trips a rate limit that
every server process shares.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Request

from sync.protocol import Create, Delete, Mutation

from ..assessments.actor import Actor
from ..db import Database, Row
from ..errors import DomainError, Forbidden, NotFound
from ..ratelimit import count_hit, current_count, too_many
from . import clock
from .status import LOCKED, request_status
from .tokens import token_hash

MAX_FAILED = 20
FAILED_WINDOW_SECONDS = 900
MAX_USES = 600
USE_WINDOW_SECONDS = 60

REQUEST_SELECT = """SELECT r.*, a.status AS doc_status, a.version AS doc_version, a.form_id, a.form_version,
       a.placement_id, t.name AS trainee_name, t.email AS trainee_email
FROM assessment_requests r JOIN assessments a ON a.id = r.assessment_id JOIN users t ON t.id = r.trainee_id"""


class LinkGone(DomainError):
    status_code = 410


class LinkMissing(DomainError):
    status_code = 401


@dataclass(frozen=True)
class Link:
    row: Row
    status: str

    @property
    def actor(self) -> Actor:
        return Actor.link_holder(self.row["id"], self.row["assessor_name"], self.row["assessment_id"])


def bearer_token(request: Request[Any, Any, Any]) -> str | None:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _client(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


async def resolve_link(db: Database, request: Request[Any, Any, Any], token: str, *,
                       now: dt.datetime | None = None, allow_completed: bool = False) -> Link:
    """The request behind ``token``, or a refusal (404 unknown, 410 withdrawn/declined/expired/used, 429)."""
    fail_key = f"link-failed:{_client(request)}"
    if await current_count(db, fail_key, FAILED_WINDOW_SECONDS) >= MAX_FAILED:
        raise too_many("attempts with unknown links", FAILED_WINDOW_SECONDS)
    row = await db.fetchone(f"{REQUEST_SELECT} WHERE r.token_hash = ?", (token_hash(token),))
    if row is None:
        await count_hit(db, fail_key, FAILED_WINDOW_SECONDS)
        raise NotFound("This link is not known: check that the whole link was copied, or ask the trainee to send "
                       "the request again.", reason="link_unknown")
    if await count_hit(db, f"link-use:{row['id']}", USE_WINDOW_SECONDS) > MAX_USES:
        raise too_many("requests with this link", USE_WINDOW_SECONDS)
    status = request_status(row, clock.iso(now or clock.now()))
    if status == "completed" and not allow_completed:
        raise LinkGone("This assessment is already signed, so the link cannot change it any more. Thank you! "
                       "Ask the trainee for a new request if something needs correcting.", reason="link_used")
    if status == "withdrawn":
        raise LinkGone("The trainee has withdrawn this request, so the link no longer works. Nothing more is "
                       "needed from you.", reason="link_withdrawn")
    if status == "declined":
        raise LinkGone("You declined this request, so the link no longer works. Ask the trainee for a new "
                       "request if you want to do the assessment after all.", reason="link_declined")
    if status == "expired":
        raise LinkGone(f"This link expired on {row['expires_at'][:10]}. Ask the trainee to renew the request; "
                       "the same link then works again.", reason="link_expired")
    return Link(row, status)


def check_link_mutations(actor: Actor, mutations: list[Mutation]) -> None:
    """A link answers its one assessment: no other document, no new one, no deleting the trainee's draft."""
    if actor.request_doc_id is None:
        return
    for m in mutations:
        if m.doc_id != actor.request_doc_id:
            raise Forbidden(f"This link answers one assessment only ({actor.request_doc_id}); it cannot read or "
                            f"change assessment {m.doc_id}.", reason="link_scope")
        if isinstance(m, Create | Delete):
            raise Forbidden("A request link can fill in, submit and sign its assessment, not create or delete one.",
                            reason="link_scope")


def is_locked(status: str) -> bool:
    return status in LOCKED
