"""Audit notes: what a mutation did besides changing the document, for the server's audit trail.

The engine never drops a value a person typed: a value that does not become the field's value is
either a side of a conflict or reported here as ``Superseded``. The server writes every note, also
when the outcome has no new document (a losing edit changes nothing but is still noted).
"""

from __future__ import annotations

from typing import Any

import msgspec

from sync.document import Conflict, ConflictSide

__all__ = [
    "AuditNote", "ConflictOpened", "ConflictResolved", "ConflictSideSet", "Deleted", "StatusChanged",
    "Superseded",
]


class _Note(msgspec.Struct, frozen=True, tag_field="note", forbid_unknown_fields=True):
    pass


class Superseded(_Note, tag="superseded", frozen=True):
    """Two devices of the same person changed ``pointer`` concurrently; the later edit (by ``at``,
    ties by device id) won. ``loser`` may be the incoming edit (then nothing changed) or the value
    that was replaced."""

    pointer: str
    loser: ConflictSide
    winner: ConflictSide


class ConflictOpened(_Note, tag="conflict_opened", frozen=True):
    pointer: str
    conflict: Conflict


class ConflictSideSet(_Note, tag="conflict_side_set", frozen=True):
    """An edit that had not seen the open conflict added or replaced its person's side."""

    pointer: str
    side: ConflictSide


class ConflictResolved(_Note, tag="conflict_resolved", frozen=True):
    """``by``: "resolve" (an explicit choice) or "edit" (an edit made after seeing the conflict)."""

    pointer: str
    value: Any
    by: str
    conflict: Conflict


class StatusChanged(_Note, tag="status_changed", frozen=True):
    """``text``: the reason given on return, or the trainee's reflection on acknowledge."""

    from_status: str
    to_status: str
    text: str | None = None


class Deleted(_Note, tag="deleted", frozen=True):
    """A draft became a tombstone; ``data`` and ``conflicts`` are what it held, for the audit trail."""

    data: dict[str, Any]
    conflicts: dict[str, Conflict]


AuditNote = Superseded | ConflictOpened | ConflictSideSet | ConflictResolved | StatusChanged | Deleted
