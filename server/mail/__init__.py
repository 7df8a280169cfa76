"""Outgoing e-mail: a queue in the database, delivered by SMTP (or shown on /dev/mail in demo mode)."""

from .outbox import deliver_due, queue_mail

__all__ = ["deliver_due", "queue_mail"]
