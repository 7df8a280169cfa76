"""Privacy guards: keep patient identity out of stored text."""

from server.privacy.personnummer import (
    IDENTITY_MESSAGE_EN,
    IdentityNumberMatch,
    contains_identity_number,
    find_identity_fields,
    find_identity_numbers,
    identity_error_message,
    redact_identity_numbers,
)

__all__ = [
    "IDENTITY_MESSAGE_EN",
    "IdentityNumberMatch",
    "contains_identity_number",
    "find_identity_fields",
    "find_identity_numbers",
    "identity_error_message",
    "redact_identity_numbers",
]
