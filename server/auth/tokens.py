"""Random tokens, stored only as hashes, and CSRF tokens derived from the session token."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(secret_key: str, session_token: str) -> str:
    """The CSRF token of a session: an HMAC of its token, so every process can check it without state."""
    return hmac.new(secret_key.encode(), b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()


def csrf_matches(secret_key: str, session_token: str, presented: str | None) -> bool:
    """Constant-time; any header text (non-ASCII too) is simply a mismatch."""
    if presented is None:
        return False
    return hmac.compare_digest(csrf_token(secret_key, session_token).encode(), presented.encode("utf-8", "replace"))
