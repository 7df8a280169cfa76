"""Known devices: a browser that once logged in to an account keeps a signed cookie saying so.

Failed logins are limited per account and per address; a known device is limited on its own and
not by those, so nobody can lock a colleague out of her own phone by guessing her password
elsewhere (OWASP's "device cookie" defence against lockout).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

DEVICE_COOKIE = "bedside_device"
DEVICE_COOKIE_DAYS = 365


def _tag(secret_key: str, body: bytes) -> bytes:
    return hmac.new(secret_key.encode(), b"bedside-known-device:" + body, hashlib.sha256).digest()[:16]


def new_device_token(secret_key: str, user_id: int) -> str:
    body = user_id.to_bytes(4, "big") + secrets.token_bytes(12)
    return base64.urlsafe_b64encode(body + _tag(secret_key, body)).rstrip(b"=").decode()


def known_device(secret_key: str, token: str | None) -> tuple[str, int] | None:
    """``(device id, user id)`` of a genuine device cookie, else None."""
    if not token or len(token) > 64:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    body, tag = raw[:16], raw[16:]
    if len(body) != 16 or not hmac.compare_digest(tag, _tag(secret_key, body)):
        return None
    return body.hex(), int.from_bytes(body[:4], "big")
