"""Random ids that never look like a personnummer.

About one random UUID in ten thousand holds a run of ten digits that is a valid personnummer (a
plausible date and a right check digit), which the guard on every client-sent string rightly
refuses. Ids this system makes itself are drawn again until they hold none; the PWA does the same
(``pwa/js/personnummer.js``), and so should any other client.
"""

from __future__ import annotations

import uuid

from .personnummer import contains_identity_number

__all__ = ["new_id"]


def new_id() -> str:
    """A random UUID (version 4, canonical lower-case text) without an identity number in it."""
    while True:
        candidate = str(uuid.uuid4())
        if not contains_identity_number(candidate):
            return candidate
