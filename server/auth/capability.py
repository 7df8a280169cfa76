"""Capability tokens: links that act without an account (a request link, the secret of the device
that claimed it, the "not me" link of a signature receipt, a link that sets a password).

A token is ``base64url(nonce ‖ tag)``: 128 random bits and a 128-bit HMAC of them under the server's
secret key and the token's purpose. The database keeps the nonce (and, for a device secret, the
token's SHA-256), never the token: someone holding only the database cannot make a working link,
while the server can derive the same link again for a reminder or a QR code.

Because the tag is checked before anything is looked up, a guessed or altered token is refused
without touching the database, and rate limits can count guesses without ever refusing a genuine
link for someone else's guessing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from typing import Final, Literal

from .tokens import token_hash

__all__ = ["Purpose", "link_url", "make_token", "new_nonce", "nonce_of", "token_hash"]

Purpose = Literal["request-link", "device", "receipt", "password"]
_NONCE_BYTES: Final = 16
_TAG_BYTES: Final = 16
#: where each kind of link opens in the PWA (the token is in the fragment: never in server logs)
_ROUTES: Final[dict[str, str]] = {"request-link": "svar", "receipt": "inte-jag", "password": "losenord"}


def new_nonce() -> str:
    """128 random bits, hex."""
    return secrets.token_hex(_NONCE_BYTES)


def _tag(secret_key: str, purpose: Purpose, nonce: bytes) -> bytes:
    message = b"bedside-" + purpose.encode() + b":" + nonce
    return hmac.new(secret_key.encode(), message, hashlib.sha256).digest()[:_TAG_BYTES]


def make_token(secret_key: str, purpose: Purpose, nonce_hex: str) -> str:
    nonce = bytes.fromhex(nonce_hex)
    return base64.urlsafe_b64encode(nonce + _tag(secret_key, purpose, nonce)).rstrip(b"=").decode()


def nonce_of(secret_key: str, purpose: Purpose, token: str) -> str | None:
    """The nonce (hex) of a token this server made for ``purpose``, or None for anything else."""
    if len(token) != 43:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=")
    except (binascii.Error, ValueError):
        return None
    nonce, tag = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    if len(tag) != _TAG_BYTES or not hmac.compare_digest(tag, _tag(secret_key, purpose, nonce)):
        return None
    return nonce.hex()


def link_url(base_url: str, purpose: Purpose, token: str) -> str:
    """The address a person opens: ``{base}/#/svar/<token>`` for a request, ``#/inte-jag/`` for a receipt."""
    return f"{base_url}/#/{_ROUTES[purpose]}/{token}"
