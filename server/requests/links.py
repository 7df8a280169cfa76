"""What a bearer token (``Authorization: Bearer <token>``) of the request flow may do, and every way
it is refused.

Two tokens, two powers:

- the **request link** (what the e-mail carries, or the trainee's phone shows as a QR code) only
  *opens* the request: read what is asked, claim it on this device, decline it;
- the **device secret**, which the first device to claim the link receives, *answers* it: that
  device acts as the assessor of exactly one assessment (``Actor.link_holder``).

So holding the QR is not being the assessor. The trainee's own login never acts through either: a
request carrying her session is refused. Unknown, withdrawn, declined and expired links are refused
with a message that says which and what to do; once the assessment is signed nothing changes any
more. A token is checked against its tag before any lookup (``server.auth.capability``): guesses are
counted per client address and refused without touching the request table, so guessing from a
hospital's address never blocks a colleague's genuine link.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from litestar import Request

from sync.protocol import Create, Delete, Mutation

from ..assessments.actor import Actor
from ..auth.capability import nonce_of, token_hash
from ..auth.devices import DEVICE_COOKIE, known_device
from ..auth.sessions import COOKIE_NAME, principal_for_session
from ..client_address import client_address
from ..db import Database, Row
from ..errors import DomainError, Forbidden, NotFound
from ..ratelimit import count_hits, limit_key, too_many
from . import clock
from .status import request_status

MAX_GUESSES = 20
GUESS_WINDOW_SECONDS = 900
MAX_USES = 600
USE_WINDOW_SECONDS = 60
#: the assessor's name before they give it (a bedside request names nobody)
BEDSIDE_NAME = "Bedömare vid patienten"

REQUEST_SELECT = """SELECT r.*, a.status AS doc_status, a.version AS doc_version, a.form_id, a.form_version,
       a.placement_id, a.signed_at, t.name AS trainee_name, t.email AS trainee_email
FROM assessment_requests r JOIN assessments a ON a.id = r.assessment_id JOIN users t ON t.id = r.trainee_id"""


class LinkGone(DomainError):
    status_code = 410


class LinkMissing(DomainError):
    status_code = 401


class LinkClaimed(DomainError):
    """Another device (or account) opened this request first."""

    status_code = 409
    reason = "link_claimed"


TokenKind = Literal["request-link", "device"]


@dataclass(frozen=True)
class Link:
    row: Row
    status: str
    #: which token was shown: the request link, or the secret of the device that claimed it
    kind: TokenKind

    @property
    def claimed(self) -> bool:
        return self.row["claimed_at"] is not None

    @property
    def actor(self) -> Actor:
        return Actor.link_holder(self.row["id"], self.row["claimed_name"] or self.row["assessor_name"],
                                 self.row["assessment_id"], missing_for_signature(self.row))


def missing_for_signature(row: Row) -> tuple[str, ...]:
    """What the assessor has not yet said about themselves (not what the trainee typed for them);
    a signature needs all four."""
    given = {"name": row["claimed_name"], "title": row["assessor_title"], "workplace": row["assessor_workplace"],
             "e-mail": row["claimed_email"]}
    return tuple(k for k, v in given.items() if not v)


def bearer_token(request: Request[Any, Any, Any]) -> str | None:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def resolve_link(db: Database, request: Request[Any, Any, Any], token: str, *,
                       now: dt.datetime | None = None, allow_completed: bool = False,
                       allow_closed: bool = False) -> Link:
    """The request behind ``token``, or a refusal (404 unknown, 410 withdrawn/declined/expired/used,
    403 the trainee's own session, 429). ``allow_closed``: any status (to keep what was typed)."""
    secret_key = request.app.state.settings.secret_key
    kind: TokenKind = "request-link"
    nonce = nonce_of(secret_key, "request-link", token)
    if nonce is None:
        kind, nonce = "device", nonce_of(secret_key, "device", token)
    if nonce is None:
        await _count_guess(db, request)
        raise NotFound("This link is not known: check that the whole link was copied, or ask the trainee to send "
                       "the request again.", reason="link_unknown")
    column = "r.token_nonce" if kind == "request-link" else "r.claim_nonce"
    row = await db.fetchone(f"{REQUEST_SELECT} WHERE {column} = ?", (nonce,))
    if row is None or (kind == "device" and row["claim_secret_hash"] != token_hash(token)):
        raise NotFound("This link is no longer known: ask the trainee to send the request again.",
                       reason="link_unknown")
    # counted per token kind: hammering the shown link never blocks the device that answers
    (uses,) = await count_hits(db, [f"link-use:{kind}:{row['id']}"], USE_WINDOW_SECONDS)
    if uses > MAX_USES:
        raise too_many("requests with this link", USE_WINDOW_SECONDS)
    await _refuse_trainee_session(db, request, row)
    status = request_status(row, clock.iso(now or clock.now()))
    if allow_closed:
        return Link(row, status, kind)
    if status == "completed" and not allow_completed:
        raise LinkGone("This assessment is already signed, so the link cannot change it any more. Thank you! "
                       "Ask the trainee for a new request if something needs correcting.", reason="link_used")
    if status == "withdrawn":
        raise LinkGone("The trainee has withdrawn this request, so the link no longer works. Nothing more is "
                       "needed from you.", reason="link_withdrawn")
    if status == "declined":
        raise LinkGone("You declined this request, so the link no longer works. Ask the trainee for a new "
                       "request if you want to do the assessment after all.", reason="link_declined")
    if status == "expired" and row["round_id"]:  # a 360 round closed: the trainee never renews it
        raise LinkGone(f"The 360 round closed on {row['expires_at'][:10]}. If you still want to answer, contact "
                       "the trainee's main supervisor (huvudhandledare), who can extend it.", reason="round_link_closed")
    if status == "expired":
        raise LinkGone(f"This link expired on {row['expires_at'][:10]}. Ask the trainee to renew the request; "
                       "the same link then works again.", reason="link_expired")
    return Link(row, status, kind)


async def _count_guess(db: Database, request: Request[Any, Any, Any]) -> None:
    """A token this server never made: counted per client address, atomically; over the limit, 429."""
    address = client_address(request, request.app.state.settings.trusted_proxies)
    (guesses,) = await count_hits(db, [limit_key("link-guess", address)], GUESS_WINDOW_SECONDS)
    if guesses > MAX_GUESSES:
        raise too_many("attempts with unknown links", GUESS_WINDOW_SECONDS)


async def _refuse_trainee_session(db: Database, request: Request[Any, Any, Any], row: Row) -> None:
    """No path lets the trainee's own login or device act on her own request: not her phone that
    shows the QR code (logged in, or logged out but once logged in there: its device cookie), not
    her laptop that opens the e-mail link."""
    device = known_device(request.app.state.settings.secret_key, request.cookies.get(DEVICE_COOKIE))
    own_device = device is not None and device[1] == row["trainee_id"]
    session = request.cookies.get(COOKIE_NAME)
    principal = await principal_for_session(db, session) if session else None
    if own_device or (principal is not None and principal.user_id == row["trainee_id"]):
        raise Forbidden("This is your own request: show the QR code (or send the link) to the colleague who "
                        "assesses you. You cannot answer it yourself.", reason="own_request")


def require_device(link: Link) -> None:
    """Answering (sync, naming oneself) needs the claiming device's secret, not the shown link."""
    if link.kind == "device":
        return
    if link.claimed:
        raise LinkClaimed("This request was already opened on another device, and only that device can answer "
                          "it. If that was not you, tell the trainee.")
    raise Forbidden("Open the request on the phone that fills it in first (POST /api/link/claim); then use "
                    "the device secret it returns.", reason="claim_first")


def check_link_mutations(actor: Actor, mutations: list[Mutation]) -> None:
    """A link answers its one assessment: no other document, no new one, no deleting the trainee's draft."""
    if actor.request_doc_id is None:
        return
    for m in mutations:
        if m.doc_id != actor.request_doc_id:
            raise Forbidden(f"This link answers one assessment only ({actor.request_doc_id}); it cannot read or "
                            "change another.", reason="link_scope")
        if isinstance(m, Create | Delete):
            raise Forbidden("A request link can fill in, submit and sign its assessment, not create or delete one.",
                            reason="link_scope")
