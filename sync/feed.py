"""The change feed: what a pull sends for one document."""

from __future__ import annotations

import copy

from sync.document import Document
from sync.protocol import DocumentChange

__all__ = ["to_change"]


def to_change(doc: Document, seq: int) -> DocumentChange:
    """``seq``: the global change sequence number the server gave the document's last change.
    ``meta`` is copied as is: a server that must hide header fields from some readers filters it."""
    return DocumentChange(
        doc_id=doc.id, seq=seq, version=doc.version, deleted=doc.deleted, form_id=doc.form_id,
        form_version=doc.form_version, status=doc.status, data=copy.deepcopy(doc.data),
        conflicts=dict(doc.conflicts), meta=copy.deepcopy(doc.meta), content_hash=doc.content_hash,
        reflection=doc.reflection, returned_reason=doc.returned_reason,
    )
