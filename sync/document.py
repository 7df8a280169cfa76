"""A document (one filled assessment form) as the sync engine sees it, and its content hash.

The server stores these fields in its own columns; the engine only reads and returns them. Times
(``at``) are the device's wall clock in milliseconds since the Unix epoch (UTC): integers compare
exactly, whatever the device's time zone.
"""

from __future__ import annotations

import hashlib
from typing import Any, Final

import msgspec

__all__ = [
    "ACKNOWLEDGED", "COUNTERSIGNED", "Conflict", "ConflictSide", "DRAFT", "Document", "FieldMeta",
    "LOCKED_STATUSES", "SIGNED", "STATUSES", "SUBMITTED", "canonical_json", "content_hash", "same_value",
]

DRAFT: Final = "draft"
SUBMITTED: Final = "submitted"
SIGNED: Final = "signed"
ACKNOWLEDGED: Final = "acknowledged"
COUNTERSIGNED: Final = "countersigned"
STATUSES: Final = (DRAFT, SUBMITTED, SIGNED, ACKNOWLEDGED, COUNTERSIGNED)
LOCKED_STATUSES: Final = frozenset({SIGNED, ACKNOWLEDGED, COUNTERSIGNED})
"""Signed and later: content is immutable; corrections are new documents that reference via ``amends``."""


class FieldMeta(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Who last changed a field, from which device, when, and at which document version."""

    version: int
    actor: str
    device: str
    at: int


class ConflictSide(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One person's value in a conflict. ``version``: the document version that recorded it."""

    value: Any
    actor: str
    device: str
    at: int
    version: int


class Conflict(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An open conflict on one field: one side per person. The field keeps showing the value it had
    when the conflict opened (following that person's own later edits) until someone resolves it.
    An edit based on ``opened_at_version`` or later was made by someone who saw the conflict."""

    values: list[ConflictSide]
    opened_at_version: int


class Document(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """``version`` starts at 1 on create and grows by 1 with every change that is applied.

    ``data`` is the form's JSON object; a cleared field is stored as null. ``meta`` is the create
    mutation's free header (trainee_id, assessor_id, placement_id, amends, ...), kept verbatim for
    the server. A tombstone (``deleted``) has empty data and refuses every mutation."""

    id: str
    form_id: str
    form_version: int
    status: str = DRAFT
    version: int = 1
    data: dict[str, Any] = {}
    field_meta: dict[str, FieldMeta] = {}
    conflicts: dict[str, Conflict] = {}
    deleted: bool = False
    meta: dict[str, Any] = {}
    content_hash: str | None = None
    reflection: str | None = None
    returned_reason: str | None = None


_encoder = msgspec.json.Encoder(order="sorted")


def canonical_json(value: Any) -> bytes:
    """UTF-8 JSON with object keys sorted and no whitespace (msgspec's encoding of numbers)."""
    return _encoder.encode(value)


def content_hash(data: dict[str, Any]) -> str:
    """Hex SHA-256 of ``canonical_json(data)``: computed when a document is signed, never again."""
    return hashlib.sha256(canonical_json(data)).hexdigest()


def same_value(a: Any, b: Any) -> bool:
    """JSON equality: unlike ``==``, ``True`` is not ``1`` and ``1`` is not ``1.0``."""
    return a is b or canonical_json(a) == canonical_json(b)
