"""Send one message over SMTP with aiosmtplib."""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib

from ..settings import Settings

TIMEOUT_SECONDS = 20


async def send_smtp(settings: Settings, to: str, subject: str, body: str) -> None:
    """Raises on any failure (connection refused, timeout, rejected recipient): the caller retries later."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    await aiosmtplib.send(
        message, hostname=settings.smtp_host, port=settings.smtp_port,
        username=settings.smtp_user or None, password=settings.smtp_password or None,
        use_tls=settings.smtp_tls == "tls", start_tls=True if settings.smtp_tls == "starttls" else False,
        timeout=TIMEOUT_SECONDS,
    )
