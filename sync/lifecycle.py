"""The status machine and its locks. Who may take a step is the server's check; this is what the
document's state allows.

    draft --submit--> submitted --sign--> signed --acknowledge--> acknowledged --countersign--> countersigned
      ^                   |                                        (only forms that require it)
      +-----return--------+
    draft --delete--> tombstone
"""

from __future__ import annotations

from typing import Final

from sync.document import ACKNOWLEDGED, COUNTERSIGNED, DRAFT, LOCKED_STATUSES, SIGNED, SUBMITTED, Document
from sync.errors import Rejection

__all__ = ["STEPS", "check_content_change", "check_step"]

STEPS: Final = {
    "submit": (DRAFT, SUBMITTED),
    "return": (SUBMITTED, DRAFT),
    "sign": (SUBMITTED, SIGNED),
    "acknowledge": (SIGNED, ACKNOWLEDGED),
    "countersign": (ACKNOWLEDGED, COUNTERSIGNED),
}
"""kind → (required status, new status)."""

_NEEDS_NO_CONFLICTS: Final = frozenset({"submit", "sign"})


def check_content_change(doc: Document, what: str) -> None:
    """Edits, resolves and deletes change content: drafts only."""
    if doc.status in LOCKED_STATUSES:
        raise Rejection("locked", f"the document is {doc.status}; {what} is not allowed (amend it instead)")
    if doc.status != DRAFT:
        raise Rejection("not_editable", f"the document is {doc.status}; return it to draft first")


def check_step(doc: Document, kind: str, *, requires_countersign: bool) -> str:
    """The new status for a status step, or a Rejection."""
    required, target = STEPS[kind]
    if doc.status != required:
        raise Rejection("invalid_transition", f"cannot {kind} a document that is {doc.status}")
    if kind == "countersign" and not requires_countersign:
        raise Rejection("invalid_transition", "this form does not take a countersignature")
    if kind in _NEEDS_NO_CONFLICTS and doc.conflicts:
        fields = ", ".join(sorted(doc.conflicts))
        raise Rejection("open_conflicts", f"resolve the conflicting fields first: {fields}")
    return target
