"""Send one message over SMTP with aiosmtplib, with the headers that get automatic mail past a
hospital's spam filter: ``Date``, a ``Message-ID`` on the sender's domain, ``Auto-Submitted`` and,
for a later message of a thread, ``In-Reply-To`` and ``References``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from email.message import EmailMessage
import uuid
from email.utils import format_datetime, parseaddr

import aiosmtplib

from ..settings import Settings

TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class Envelope:
    """One message as the outbox hands it over: plain text, the local part of its own Message-ID (kept
    in the outbox, so a retry is the same message) and of the first message of its thread."""

    to: str
    subject: str
    body: str
    sent_at: dt.datetime
    message_id: str | None = None
    in_reply_to: str | None = None


def sender_domain(mail_from: str) -> str:
    """The domain of the From address (``Bedside <noreply@region.se>`` → ``region.se``)."""
    address = parseaddr(mail_from)[1]
    return address.rpartition("@")[2] or "bedside.invalid"


_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def one_line(text: str) -> str:
    """A header value on one line: a name someone typed with a line break never makes a mail unsendable."""
    return _LINE_BREAKS.sub(" ", text).strip()


def message_id(local: str, mail_from: str) -> str:
    return f"<{local}@{sender_domain(mail_from)}>"


def build_message(settings: Settings, envelope: Envelope) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = envelope.to
    message["Subject"] = one_line(envelope.subject)
    message["Date"] = format_datetime(envelope.sent_at.astimezone(dt.UTC))
    message["Message-ID"] = message_id(envelope.message_id or uuid.uuid4().hex, settings.mail_from)
    message["Auto-Submitted"] = "auto-generated"
    if envelope.in_reply_to:
        message["In-Reply-To"] = message["References"] = message_id(envelope.in_reply_to, settings.mail_from)
    message.set_content(envelope.body)
    return message


async def send_smtp(settings: Settings, envelope: Envelope) -> None:
    """Raises on any failure (connection refused, timeout, rejected recipient): the caller retries later."""
    await aiosmtplib.send(
        build_message(settings, envelope), hostname=settings.smtp_host, port=settings.smtp_port,
        username=settings.smtp_user or None, password=settings.smtp_password or None,
        use_tls=settings.smtp_tls == "tls", start_tls=True if settings.smtp_tls == "starttls" else False,
        timeout=TIMEOUT_SECONDS,
    )
