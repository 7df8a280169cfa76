"""Signature receipts: an assessor who signed through a link gets an e-mail saying so, with a
"not me" link; one tap marks the assessment as disputed for the trainee's supervisors.

The receipt goes to the e-mail the assessor gave when signing and, when the request was sent by
e-mail to someone else, to that invited address too: whoever signs in another person's name, that
person hears of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from sync.protocol import Mutation, MutationResult, kind_of

from ..assessments import repository
from ..assessments.actor import Actor
from ..auth.capability import new_nonce, nonce_of
from ..catalog import Catalog
from ..db import Database, Row, Tx
from ..errors import NotFound
from ..mail.outbox import queue_mail
from . import clock
from .links import REQUEST_SELECT
from .messages import disputed_mail, receipt_mail, mail_thread
from .service import is_anonymous, form_title


class ReceiptView(msgspec.Struct, kw_only=True):
    """What the "not me" page shows before and after the tap."""

    form_title: str
    trainee_name: str
    assessor_name: str
    signed_at: str | None
    disputed_at: str | None


async def after_link_push(tx: Tx, catalog: Catalog, actor: Actor, applied: list[tuple[Mutation, MutationResult]],
                          now: dt.datetime) -> None:
    """In the sync transaction: when a link holder's signature was applied, queue its receipt."""
    if actor.request_id is None:
        return
    if not any(kind_of(m) == "sign" and r.status == "applied" for m, r in applied):
        return
    row = await tx.fetchone(f"{REQUEST_SELECT} WHERE r.id = ?", (actor.request_id,))
    if row is None:
        return
    nonce = new_nonce()
    await tx.execute("UPDATE assessment_requests SET receipt_nonce = ? WHERE id = ?", (nonce, row["id"]))
    recipients = {e for e in (row["claimed_email"], row["assessor_email"]) if e}
    mail = receipt_mail(assessor=row["claimed_name"] or row["assessor_name"], trainee=row["trainee_name"],
                        form_title=form_title(catalog, row), signed_at=clock.iso(now))
    for to in sorted(recipients):
        await queue_mail(tx, to=to, subject=mail.subject, body=mail.body, kind="receipt", now=now,
                         request_id=row["id"], thread=mail_thread(row["id"]), link=("receipt", nonce))


async def _receipt_row(db: Database | Tx, secret_key: str, token: str) -> Row:
    nonce = nonce_of(secret_key, "receipt", token)
    row = await db.fetchone(f"{REQUEST_SELECT} WHERE r.receipt_nonce = ?", (nonce,)) if nonce else None
    if row is None:
        raise NotFound("This receipt link is not known: check that the whole link was copied.",
                       reason="receipt_unknown")
    return row


def _view(catalog: Catalog, row: Row) -> ReceiptView:
    return ReceiptView(form_title=form_title(catalog, row), trainee_name=row["trainee_name"],
                       assessor_name=row["claimed_name"] or row["assessor_name"], signed_at=row["signed_at"],
                       disputed_at=row["disputed_at"])


async def receipt_info(db: Database, catalog: Catalog, secret_key: str, token: str) -> ReceiptView:
    return _view(catalog, await _receipt_row(db, secret_key, token))


async def dispute(db: Database, catalog: Catalog, secret_key: str, token: str, now: dt.datetime) -> ReceiptView:
    """"It was not me": mark the assessment disputed (once), note it in its audit trail, tell the supervisors."""
    stamp = clock.iso(now)

    async def run(tx: Tx) -> Row:
        row = await _receipt_row(tx, secret_key, token)
        if row["disputed_at"] is not None:
            return row
        await tx.execute("UPDATE assessment_requests SET disputed_at = ?, updated_at = ? WHERE id = ?",
                         (stamp, stamp, row["id"]))
        (seq,) = await repository.next_sequence_numbers(tx, 1)  # supervisors' devices see it at once
        await tx.execute("UPDATE assessments SET seq = ? WHERE id = ?", (seq, row["assessment_id"]))
        await repository.insert_audit_events(tx, [(
            row["assessment_id"], stamp, f"receipt:{row['id']}", row["claimed_name"] or row["assessor_name"],
            "signature_disputed", repository.encode_json({"request_id": row["id"]}))])
        for supervisor in await _supervisors(tx, row, clinical=not is_anonymous(catalog, row)):
            mail = disputed_mail(supervisor=supervisor["name"], trainee=row["trainee_name"],
                                 form_title=form_title(catalog, row), assessor=row["claimed_name"] or row["assessor_name"],
                                 email=row["claimed_email"])
            await queue_mail(tx, to=supervisor["email"], subject=mail.subject, body=mail.body, kind="disputed",
                             now=now, request_id=row["id"], thread=mail_thread(row["id"]))
        refreshed = await tx.fetchone(f"{REQUEST_SELECT} WHERE r.id = ?", (row["id"],))
        assert refreshed is not None
        return refreshed

    return _view(catalog, await db.transaction(run))


async def _supervisors(tx: Tx, row: Row, *, clinical: bool = True) -> list[dict[str, Any]]:
    """The trainee's main supervisors, and (``clinical``: not for a 360 rater, whose name only the main
    supervisor may know) the clinical supervisor of the assessment's placement."""
    return await tx.fetch(
        """SELECT DISTINCT u.name, u.email FROM users u WHERE u.active = 1 AND (
             u.id IN (SELECT main_supervisor_id FROM programmes WHERE trainee_id = ?)
             OR (? = 1 AND u.id IN (SELECT clinical_supervisor_id FROM placements WHERE id = ?)))""",
        (row["trainee_id"], 1 if clinical else 0, row["placement_id"]))
