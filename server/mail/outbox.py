"""The mail queue. Queuing happens in the caller's transaction (so a request and its e-mail are stored
together); delivery happens outside any transaction, after claiming rows so that two server processes
never send the same mail at the same time. A failed delivery stays queued and is retried with backoff.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
import uuid

from ..auth.capability import Purpose, link_url, make_token
from ..db import Database, Row, Tx
from ..db import iso_utc as iso
from ..settings import Settings
from .smtp import Envelope, send_smtp

log = logging.getLogger("bedside.mail")
LINK = "{link}"
CLAIM_SECONDS = 120
BATCH = 20
Sender = Callable[[Settings, Envelope], Awaitable[None]]


async def queue_mail(tx: Tx, *, to: str, subject: str, body: str, kind: str, now: dt.datetime,
                     request_id: str | None = None, link: tuple[Purpose, str] | None = None,
                     thread: str | None = None) -> None:
    """Queue one message. ``{link}`` in ``body`` becomes the capability link ``link`` (purpose, nonce)
    when it is sent: the token itself is never stored. ``thread`` (e.g. ``request:<id>``): a later
    message of the same thread to the same address answers the first one, so mail clients show one
    conversation."""
    purpose, nonce = link if link else (None, None)
    first = await tx.fetchone(
        "SELECT message_id FROM mail_outbox WHERE thread_key = ? AND to_address = ? AND message_id IS NOT NULL "
        "ORDER BY id LIMIT 1", (thread, to)) if thread else None
    await tx.execute(
        """INSERT INTO mail_outbox (request_id, kind, to_address, subject, body, status, attempts,
                                    next_attempt_at, created_at, link_purpose, link_nonce, message_id, thread_key,
                                    in_reply_to)
           VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?, ?, ?)""",
        (request_id, kind, to, subject, body, iso(now), iso(now), purpose, nonce, uuid.uuid4().hex,
         thread, first["message_id"] if first else None))


async def unsent_count(db: Database) -> int:
    """Messages queued and not yet sent (delivered ones are ``sent``; a failed one stays ``queued``)."""
    row = await db.fetchone("SELECT count(*) AS n FROM mail_outbox WHERE status = 'queued'")
    return int(row["n"]) if row else 0


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4 … minutes after each failure, at most an hour."""
    return dt.timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


async def claim_due(db: Database, now: dt.datetime, limit: int = BATCH) -> list[Row]:
    """Take up to ``limit`` due messages for this process for ``CLAIM_SECONDS``. The outer WHERE repeats
    the claim test so that on PostgreSQL a row another process claimed first is skipped."""
    stamp, until = iso(now), iso(now + dt.timedelta(seconds=CLAIM_SECONDS))

    async def claim(tx: Tx) -> list[Row]:
        skip = " SKIP LOCKED" if tx.dialect == "postgres" else ""
        return await tx.fetch(
            f"""UPDATE mail_outbox SET claimed_until = ?
                WHERE status = 'queued' AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
                  AND id IN (SELECT id FROM mail_outbox
                             WHERE status = 'queued' AND next_attempt_at <= ?
                               AND (claimed_until IS NULL OR claimed_until < ?)
                             ORDER BY id LIMIT {int(limit)}{tx.for_update}{skip})
                RETURNING id, request_id, kind, to_address, subject, body, attempts, link_purpose, link_nonce,
                          message_id, in_reply_to""",
            (until, stamp, stamp, stamp, stamp))

    return await db.transaction(claim)


async def _links(db: Database, settings: Settings, rows: list[Row]) -> dict[str, str]:
    """Each mail's link by mail id, derived with the server's key from the purpose and nonce it keeps."""
    return {str(r["id"]): link_url(settings.base_url, r["link_purpose"],
                                   make_token(settings.secret_key, r["link_purpose"], r["link_nonce"]))
            for r in rows if r.get("link_purpose") and r.get("link_nonce")}


def render_body(row: Row, links: dict[str, str]) -> str:
    return str(row["body"]).replace(LINK, links.get(str(row["id"]), ""))


async def deliver_due(db: Database, settings: Settings, now: dt.datetime, send: Sender | None = None) -> int:
    """Send what is due; returns how many went out. In demo mode mail is marked sent without SMTP
    (it is shown on /dev/mail and logged to the console). Without an SMTP host and outside demo mode, mail stays queued."""
    if not settings.mail_demo and not settings.smtp_host and send is None:
        return 0
    rows = await claim_due(db, now)
    if not rows:
        return 0
    links = await _links(db, settings, rows)
    sent: list[int] = []
    failed: list[tuple[str, str, int]] = []
    for row in rows:
        try:
            if settings.mail_demo and settings.log_format == "json":  # a collected log never gets its links
                log.info("Demo mail (not sent) to %s: %s (shown at /dev/mail)", row["to_address"], row["subject"])
            elif settings.mail_demo:  # not sent: shown on /dev/mail (to the admin) and here, on a developer's console
                log.info("Demo mail (not sent) to %s\nSubject: %s\n\n%s", row["to_address"], row["subject"],
                         render_body(row, links))
            else:
                await (send or send_smtp)(settings, Envelope(
                    to=row["to_address"], subject=row["subject"], body=render_body(row, links), sent_at=now,
                    message_id=row["message_id"], in_reply_to=row["in_reply_to"]))
            sent.append(int(row["id"]))
        except Exception as exc:  # noqa: BLE001 - any SMTP or network failure: keep it queued
            log.warning("mail %s to %s not delivered (attempt %s): %s", row["id"], row["to_address"],
                        row["attempts"] + 1, exc)
            attempts = int(row["attempts"]) + 1
            failed.append((f"{type(exc).__name__}: {exc}"[:500], iso(now + backoff(attempts)), int(row["id"])))

    async def record(tx: Tx) -> None:
        if sent:
            await tx.executemany(
                "UPDATE mail_outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, claimed_until = NULL "
                "WHERE id = ?", [(iso(now), i) for i in sent])
        if failed:
            await tx.executemany(
                "UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, "
                "claimed_until = NULL WHERE id = ?", failed)

    await db.transaction(record)
    return len(sent)
