"""Request-link tokens: 256-bit values derived from 128 random bits with the server's secret key.

The database keeps the token's SHA-256 (to find the request) and the random nonce, never the token.
Anyone holding only the database cannot make a working link; the server, holding the secret key,
can derive the same link again for a reminder or for the trainee's QR code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from ..auth.tokens import token_hash

__all__ = ["derive_token", "link_url", "new_nonce", "token_hash"]


def new_nonce() -> str:
    """128 random bits, hex."""
    return secrets.token_hex(16)


def derive_token(secret_key: str, nonce: str) -> str:
    mac = hmac.new(secret_key.encode(), b"bedside-request-link:" + bytes.fromhex(nonce), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def link_url(base_url: str, token: str) -> str:
    """The link an assessor opens. The token is in the fragment, so it never reaches server logs."""
    return f"{base_url}/#/svar/{token}"
