"""Reminders to assessors with open requests, on the configured days after the request (or its
renewal), and a notice to the trainee when a request is completed.

Exactly once, also with several server processes on one PostgreSQL: each reminder is claimed with a
compare-and-set ``UPDATE ... WHERE reminders_sent = <seen> RETURNING`` in the same transaction that
queues its e-mail. A second process that read the same row finds the condition false after the first
commits (PostgreSQL re-checks the WHERE on the updated row) and queues nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from ..catalog import Catalog
from ..db import Database, Row, Tx
from ..mail.outbox import queue_mail
from ..settings import Settings
from . import clock
from .links import REQUEST_SELECT
from .messages import outcome_mail, reminder_mail, mail_thread
from .service import form_title, is_anonymous
from .status import LOCKED, request_status


def reminder_due(row: Row, days: tuple[int, ...], now: dt.datetime) -> bool:
    sent = int(row["reminders_sent"])
    if sent >= len(days):
        return False
    return clock.parse(row["reminder_base_at"]) + dt.timedelta(days=days[sent]) <= now


async def run_reminders(db: Database, catalog: Catalog, settings: Settings, now: dt.datetime) -> int:
    """Queue the reminders and completion notices due at ``now``; returns how many mails were queued."""
    stamp = clock.iso(now)
    candidates = await db.fetch(
        f"""{REQUEST_SELECT} WHERE r.withdrawn_at IS NULL AND r.declined_at IS NULL
              AND ((r.assessor_email IS NOT NULL AND r.expires_at > ? AND r.reminders_sent < ?)
                   OR (r.outcome_notified_at IS NULL AND a.status IN ({', '.join('?' for _ in LOCKED)})))""",
        (stamp, len(settings.reminder_days), *LOCKED))
    due = [r for r in candidates
           if (request_status(r, stamp) in ("sent", "opened", "in_progress")
               and r["assessor_email"] and reminder_due(r, settings.reminder_days, now))
           or (r["doc_status"] in LOCKED and r["outcome_notified_at"] is None)]
    if not due:
        return 0

    async def run(tx: Tx) -> int:
        queued = 0
        for r in due:
            if r["doc_status"] in LOCKED:
                claimed = await tx.fetchone(
                    "UPDATE assessment_requests SET outcome_notified_at = ? WHERE id = ? AND outcome_notified_at IS NULL "
                    "RETURNING id", (stamp, r["id"]))
                if claimed and not is_anonymous(catalog, r):  # a 360 rater's answer is never announced
                    mail = outcome_mail(trainee=r["trainee_name"], assessor=r["claimed_name"] or r["assessor_name"],
                                        form_title=form_title(catalog, r), declined=False, reason=None)
                    await queue_mail(tx, to=r["trainee_email"], subject=mail.subject, body=mail.body,
                                     kind="completed", now=now, request_id=r["id"], thread=mail_thread(r["id"]))
                    queued += 1
                continue
            claimed = await tx.fetchone(
                """UPDATE assessment_requests SET reminders_sent = reminders_sent + 1, last_reminded_at = ?
                   WHERE id = ? AND reminders_sent = ? AND reminder_base_at = ? AND withdrawn_at IS NULL
                   RETURNING id""", (stamp, r["id"], r["reminders_sent"], r["reminder_base_at"]))
            if claimed:
                mail = reminder_mail(trainee=r["trainee_name"], assessor=r["assessor_name"],
                                     form_title=form_title(catalog, r), expires=r["expires_at"],
                                     anonymous=is_anonymous(catalog, r))
                await queue_mail(tx, to=r["assessor_email"], subject=mail.subject, body=mail.body, kind="reminder",
                                 now=now, request_id=r["id"], thread=mail_thread(r["id"]), link=("request-link", r["token_nonce"]))
                queued += 1
        return queued

    return await db.transaction(run)


async def remind_now(db: Database, catalog: Catalog, row: Row, now: dt.datetime,
                     also: Callable[[Tx], Awaitable[None]] | None = None) -> None:
    """The "remind" button (the trainee's; a 360 round's main supervisor's): one reminder now, outside
    the schedule; ``also`` runs in the same transaction (the round's event)."""
    if not row["assessor_email"]:
        from ..errors import Conflict

        raise Conflict("A bedside request has no e-mail address to remind; show the QR code again instead.",
                       reason="no_email")

    async def run(tx: Tx) -> None:
        await tx.execute("UPDATE assessment_requests SET last_reminded_at = ? WHERE id = ?", (clock.iso(now), row["id"]))
        mail = reminder_mail(trainee=row["trainee_name"], assessor=row["assessor_name"],
                             form_title=form_title(catalog, row), expires=row["expires_at"],
                             anonymous=is_anonymous(catalog, row))
        await queue_mail(tx, to=row["assessor_email"], subject=mail.subject, body=mail.body, kind="reminder",
                         now=now, request_id=row["id"], thread=mail_thread(row["id"]), link=("request-link", row["token_nonce"]))
        if also is not None:
            await also(tx)

    await db.transaction(run)
