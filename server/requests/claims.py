"""Claiming a request link: the first device that opens it to fill it in holds it.

- **Device claim** (no account): the phone sends a random ``device_key`` it made and keeps; the
  server answers with the device secret derived from it (``server.auth.capability``). The claim is a
  compare-and-set under the row's lock, so of two phones exactly one wins; the same phone claiming
  again (a lost answer, a retry after being offline) gets the same secret back.
- **Account claim**: a colleague who is logged in when opening the link becomes the assessment's
  assessor and answers with her own login.

A later claim from anywhere else is refused with ``link_claimed``, and the holder is told that it
was tried. What a refused phone had typed is not lost: it is kept as a *displaced answer*, shown to
the trainee's supervisors beside the answer that counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec

from sync.engine import check_shape
from sync.errors import Rejection

from ..assessments import repository
from ..auth.capability import make_token, token_hash
from ..auth.principal import ASSESSING_ROLES, Principal
from ..db import Database, Row, Tx
from ..errors import Conflict, Forbidden, InvalidInput
from ..fields import PersonName, ShortText, is_email
from . import clock
from .links import REQUEST_SELECT, Link, LinkClaimed, missing_for_signature
from .status import OPEN, request_status

DeviceKey = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{32}$")]
#: other answers kept per request (phones refused a claim are few; more would be someone's games)
MAX_DISPLACED = 5


class AssessorDetails(msgspec.Struct, forbid_unknown_fields=True):
    """Who the assessor is. A signature needs all four; each may be given as soon as it is known."""

    name: PersonName | None = None
    title: ShortText | None = None
    workplace: ShortText | None = None
    email: Annotated[str, msgspec.Meta(max_length=320)] | None = None


class ClaimRequest(AssessorDetails, forbid_unknown_fields=True):
    """``device_key``: 128 random bits (hex) the phone made and keeps; not needed when logged in."""

    device_key: DeviceKey | None = None


class ClaimAnswer(msgspec.Struct, kw_only=True):
    """``kind``: ``device`` (answer with ``secret`` as the bearer token from now on) or ``account``
    (answer with your own login: the assessment is in your list)."""

    kind: Literal["device", "account"]
    request_id: str
    doc_id: str
    secret: str | None = None
    missing_for_signature: list[str]


class DisplacedAnswerIn(msgspec.Struct, forbid_unknown_fields=True):
    """What a phone had typed for a link that another device claimed first: its form data as it stood,
    and the steps the assessor had taken (``submit``, ``sign``)."""

    device_key: DeviceKey
    data: dict[str, Any]
    steps: Annotated[list[Literal["submit", "sign"]], msgspec.Meta(max_length=2)] = []
    name: PersonName | None = None
    title: ShortText | None = None
    workplace: ShortText | None = None
    email: Annotated[str, msgspec.Meta(max_length=320)] | None = None


def _clean_details(details: AssessorDetails, row: Row) -> dict[str, str | None]:
    def clean(value: str | None) -> str | None:
        return (value or "").strip() or None

    email = clean(details.email)
    if email is not None:
        email = email.lower()
        if not is_email(email):
            raise InvalidInput("email is not an e-mail address; the signature receipt goes there.")
        if email == str(row["trainee_email"]).lower():
            raise Forbidden("That is the trainee's own e-mail address: the assessor gives their own.",
                            reason="own_assessment")
    return {"name": clean(details.name), "title": clean(details.title), "workplace": clean(details.workplace),
            "email": email}


async def _locked_row(tx: Tx, request_id: str) -> Row:
    await tx.fetchone(f"SELECT id FROM assessment_requests WHERE id = ?{tx.for_update}", (request_id,))
    row = await tx.fetchone(f"{REQUEST_SELECT} WHERE r.id = ?", (request_id,))
    assert row is not None
    return row


async def _note_refused_claim(db: Database, request_id: str, device_key: str | None, now: dt.datetime) -> None:
    """Tell the holder that it was tried, and remember the device: only it may hand in a displaced answer."""
    async def run(tx: Tx) -> None:
        await tx.execute("UPDATE assessment_requests SET claim_refusals = claim_refusals + 1, "
                         "last_claim_refused_at = ? WHERE id = ?", (clock.iso(now), request_id))
        if device_key is not None:
            key_hash = token_hash(device_key)
            if not await tx.fetchone("SELECT id FROM refused_claims WHERE request_id = ? AND device_key_hash = ?",
                                     (request_id, key_hash)):
                await tx.execute("INSERT INTO refused_claims (request_id, device_key_hash, at) VALUES (?, ?, ?)",
                                 (request_id, key_hash, clock.iso(now)))

    await db.transaction(run)


def _claimed_message(row: Row) -> str:
    when = (row["claimed_at"] or "")[11:16]
    return (f"This request was already opened on another device{f' at {when} UTC' if when else ''}, and only that "
            "device can answer it. If that was not you, tell the trainee: they can withdraw it and ask again.")


async def claim(db: Database, secret_key: str, link: Link, principal: Principal | None, data: ClaimRequest,
                now: dt.datetime) -> ClaimAnswer:
    """Claim ``link`` for this device (or this logged-in colleague); see the module docstring."""
    if link.kind == "device":
        raise Conflict("This device holds the request already: answer it (POST /api/sync).", reason="claimed_here")
    details = _clean_details(data, link.row)
    if principal is None and data.device_key is None:
        raise InvalidInput("Send device_key: 32 hexadecimal characters the phone made and keeps.")
    if principal is not None and not principal.roles.intersection(ASSESSING_ROLES):
        raise Forbidden("Your account cannot assess. Log out and open the link again to answer without an account.",
                        reason="not_an_assessor")
    stamp = clock.iso(now)

    async def run(tx: Tx) -> Row | None:
        row = await _locked_row(tx, link.row["id"])
        if row["claimed_at"] is None:
            if principal is not None:
                await tx.execute("UPDATE assessment_requests SET claimed_at = ?, claimed_by_user = ?, "
                                 "opened_at = COALESCE(opened_at, ?), updated_at = ? WHERE id = ?",
                                 (stamp, principal.user_id, stamp, stamp, row["id"]))
                await _set_assessor_account(tx, row, principal, stamp)
            else:
                if await tx.fetchone("SELECT id FROM assessment_requests WHERE claim_nonce = ?", (data.device_key,)):
                    raise Conflict("This device_key holds another request already: make a new one for each request.",
                                   reason="device_key_in_use")
                secret = make_token(secret_key, "device", str(data.device_key))
                await tx.execute("UPDATE assessment_requests SET claimed_at = ?, claim_nonce = ?, claim_secret_hash = ?, "
                                 "opened_at = COALESCE(opened_at, ?), updated_at = ? WHERE id = ?",
                                 (stamp, data.device_key, token_hash(secret), stamp, stamp, row["id"]))
                await _release_invited_account(tx, row, stamp)
        elif not (principal is not None and row["claimed_by_user"] == principal.user_id) and not (
                principal is None and row["claim_nonce"] == data.device_key):
            return None  # someone else holds it
        if principal is None:
            await _write_details(tx, row, details, stamp)
        return await _locked_row(tx, row["id"])

    row = await db.transaction(run)
    if row is None:
        await _note_refused_claim(db, link.row["id"], data.device_key, now)
        raise LinkClaimed(_claimed_message(await _current(db, link.row["id"])))
    if principal is not None:
        return ClaimAnswer(kind="account", request_id=row["id"], doc_id=row["assessment_id"], missing_for_signature=[])
    return ClaimAnswer(kind="device", request_id=row["id"], doc_id=row["assessment_id"],
                       secret=make_token(secret_key, "device", str(data.device_key)),
                       missing_for_signature=list(missing_for_signature(row)))


async def _current(db: Database, request_id: str) -> Row:
    row = await db.fetchone(f"{REQUEST_SELECT} WHERE r.id = ?", (request_id,))
    assert row is not None
    return row


async def _set_assessor_account(tx: Tx, row: Row, principal: Principal, stamp: str) -> None:
    (seq,) = await repository.next_sequence_numbers(tx, 1)
    await tx.execute("UPDATE assessments SET assessor_id = ?, assessor_name = NULL, assessor_email = NULL, seq = ?, "
                     "updated_at = ? WHERE id = ?", (principal.user_id, seq, stamp, row["assessment_id"]))
    await repository.insert_audit_events(tx, [(
        row["assessment_id"], stamp, principal.actor, principal.name, "request_claimed",
        repository.encode_json({"request_id": row["id"], "by": "account"}))])


async def _release_invited_account(tx: Tx, row: Row, stamp: str) -> None:
    """A device claimed a link e-mailed to a colleague with an account: the device is the assessor now
    (one assessor, and the signature shows the name given on the device, never the invited account's)."""
    (seq,) = await repository.next_sequence_numbers(tx, 1)
    await tx.execute("UPDATE assessments SET assessor_id = NULL, seq = ?, updated_at = ? WHERE id = ? "
                     "AND assessor_id IS NOT NULL", (seq, stamp, row["assessment_id"]))


async def _write_details(tx: Tx, row: Row, details: dict[str, str | None], stamp: str) -> None:
    """Keep what the assessor said (a value not given keeps the one said before). The request keeps
    the name the trainee typed apart (``assessor_name``): a 360 rater's own words never reach her."""
    given = {k: v for k, v in details.items() if v is not None}
    if not given:
        return
    name = given.get("name", row["claimed_name"])
    await tx.execute(
        "UPDATE assessment_requests SET claimed_name = ?, assessor_title = ?, assessor_workplace = ?, claimed_email = ?, "
        "updated_at = ? WHERE id = ?",
        (name, given.get("title", row["assessor_title"]), given.get("workplace", row["assessor_workplace"]),
         given.get("email", row["claimed_email"]), stamp, row["id"]))
    if name and name != row["claimed_name"]:
        (seq,) = await repository.next_sequence_numbers(tx, 1)
        await tx.execute("UPDATE assessments SET assessor_name = ?, seq = ?, updated_at = ? WHERE id = ?",
                         (name, seq, stamp, row["assessment_id"]))
    await repository.insert_audit_events(tx, [(
        row["assessment_id"], stamp, f"request:{row['id']}", name or row["assessor_name"], "assessor_named",
        repository.encode_json(given))])


async def set_details(db: Database, link: Link, data: AssessorDetails, now: dt.datetime) -> list[str]:
    """The claiming device says (more of) who the assessor is; returns what a signature still needs."""
    details = _clean_details(data, link.row)

    async def run(tx: Tx) -> Row:
        row = await _locked_row(tx, link.row["id"])
        await _write_details(tx, row, details, clock.iso(now))
        return await _locked_row(tx, row["id"])

    return list(missing_for_signature(await db.transaction(run)))


async def keep_displaced(db: Database, link: Link, data: DisplacedAnswerIn, now: dt.datetime) -> None:
    """Keep what a refused phone typed; a resend from the same phone replaces its earlier copy."""
    row = link.row
    open_now = request_status(row, clock.iso(now)) in OPEN
    device_hash = token_hash(data.device_key)
    holder = row["claim_nonce"] == data.device_key
    if holder and open_now:
        raise Conflict("This device holds the request: answer it (POST /api/sync).", reason="claimed_here")
    refused = await db.fetchone("SELECT id FROM refused_claims WHERE request_id = ? AND device_key_hash = ?",
                                (row["id"], device_hash))
    if not holder and refused is None:
        # only a device that tried to claim and was refused (or the holder of a closed request) hands
        # in what it typed: holding the shown link is not enough to plant "other answers"
        raise Conflict("Claim the request on this device first (POST /api/link/claim); a device that was refused "
                       "may then hand in what it typed.", reason="claim_first")
    others = await db.fetchone("SELECT count(*) AS n FROM displaced_answers WHERE request_id = ? AND "
                               "device_key_hash <> ?", (row["id"], device_hash))
    if others is not None and int(others["n"]) >= MAX_DISPLACED:
        raise Conflict(f"At most {MAX_DISPLACED} other answers are kept for one request.", reason="displaced_limit")
    try:
        check_shape(data.data)
    except Rejection as exc:
        raise InvalidInput(f"The answer cannot be kept: {exc.message}.") from None
    details = _clean_details(data, row)

    async def run(tx: Tx) -> None:
        await tx.execute("DELETE FROM displaced_answers WHERE request_id = ? AND device_key_hash = ?",
                         (row["id"], device_hash))
        await tx.execute(
            """INSERT INTO displaced_answers (request_id, assessment_id, device_key_hash, received_at, assessor_name,
                 assessor_title, assessor_workplace, assessor_email, data, steps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (row["id"], row["assessment_id"], device_hash, clock.iso(now), details["name"], details["title"],
             details["workplace"], details["email"], repository.encode_json(data.data),
             repository.encode_json(data.steps)))
        (seq,) = await repository.next_sequence_numbers(tx, 1)  # supervisors' devices see it at once
        await tx.execute("UPDATE assessments SET seq = ? WHERE id = ?", (seq, row["assessment_id"]))

    await db.transaction(run)
