"""Outgoing e-mail: a queue in the database, delivered by SMTP (or shown on /dev/mail in demo mode)."""

from typing import Any

from .outbox import deliver_due, queue_mail

__all__ = ["deliver_due", "queue_mail", "wake_mail_job"]


def wake_mail_job(request: Any) -> None:
    """Mail was just queued: the app's mail job sends it now rather than at its next round."""
    job = getattr(request.app.state, "mail_job", None)
    if job is not None:
        job.wake()
