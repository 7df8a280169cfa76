"""``apply_mutation``: one mutation against one document's current state, as a pure function.

The server loads the document (or None), checks who may do what, calls this, then stores the new
document (when there is one) with the next change sequence number, the result for exactly-once
replays, and every audit note. Inputs are never modified.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import msgspec

from sync.audit import AuditNote, Deleted, StatusChanged
from sync.document import DRAFT, SIGNED, Document, FieldMeta, canonical_json, content_hash
from sync.errors import Rejection
from sync.limits import MAX_DEPTH, MAX_DOCUMENT_BYTES, nesting_depth
from sync.lifecycle import check_content_change, check_step
from sync.merge import FieldChanges, merge_edit, merge_resolve
from sync.pointer import flatten
from sync.protocol import (
    Acknowledge, Create, Delete, Edit, Mutation, MutationResult, Resolve, ResultStatus, Return, SetMeta, Submit, kind_of,
)

__all__ = ["Outcome", "apply_mutation"]


@dataclass(frozen=True)
class Outcome:
    """``document``: the new state to store, or None when nothing changed (rejected, or applied
    without effect). ``notes`` must reach the audit trail even when ``document`` is None."""

    document: Document | None
    result: MutationResult
    notes: list[AuditNote] = field(default_factory=list)


def apply_mutation(
    doc: Document | None, mutation: Mutation, actor: str, device: str, *, requires_countersign: bool
) -> Outcome:
    """``actor``: the person (user id or external-assessor id); ``device``: the client_id.
    ``requires_countersign``: the form's workflow rule, looked up by the server."""
    try:
        return _apply(doc, mutation, actor, device, requires_countersign)
    except Rejection as exc:
        result = MutationResult(
            id=mutation.id, status="rejected", doc_id=mutation.doc_id,
            version=doc.version if doc is not None else None, reason=exc.reason, message=exc.message,
        )
        return Outcome(None, result)


def _apply(doc: Document | None, m: Mutation, actor: str, device: str, requires_countersign: bool) -> Outcome:
    if doc is not None and doc.deleted:
        raise Rejection("deleted", "the document was deleted")
    if isinstance(m, Create):
        if doc is not None:
            raise Rejection("exists", "a document with this id exists already")
        return _create(m, actor, device)
    if doc is None:
        raise Rejection("not_found", "no document with this id")
    if isinstance(m, Edit):
        check_content_change(doc, "editing")
        merged = merge_edit(doc, m.fields, base_version=m.base_version, actor=actor, device=device, at=m.at)
        return _merged(doc, m, merged)
    if isinstance(m, Resolve):
        check_content_change(doc, "resolving")
        return _merged(doc, m, merge_resolve(doc, m.fields, actor=actor, device=device, at=m.at))
    if isinstance(m, SetMeta):
        check_content_change(doc, "changing the header")
        meta = {**doc.meta, **copy.deepcopy(m.meta)}
        if meta == doc.meta:
            return Outcome(None, MutationResult(id=m.id, status="applied", doc_id=m.doc_id, version=doc.version))
        return _done(m, msgspec.structs.replace(doc, meta=meta, version=doc.version + 1), [])
    if isinstance(m, Delete):
        check_content_change(doc, "deleting")
        tomb = msgspec.structs.replace(
            doc, deleted=True, data={}, field_meta={}, conflicts={}, version=doc.version + 1
        )
        return _done(m, tomb, [Deleted(data=copy.deepcopy(doc.data), conflicts=dict(doc.conflicts))])
    target = check_step(doc, kind_of(m), requires_countersign=requires_countersign)
    changes: dict[str, object] = {"status": target, "version": doc.version + 1}
    text: str | None = None
    if isinstance(m, Submit):
        changes["returned_reason"] = None
    elif isinstance(m, Return):
        changes["returned_reason"] = text = m.reason
    elif isinstance(m, Acknowledge):
        changes["reflection"] = text = m.reflection
    if target == SIGNED:
        changes["content_hash"] = content_hash(doc.data)
    new = msgspec.structs.replace(doc, **changes)
    return _done(m, new, [StatusChanged(from_status=doc.status, to_status=target, text=text)])


def check_shape(data: dict[str, object]) -> None:
    """The document shape rule of ``sync.limits``: at most MAX_DEPTH levels and MAX_DOCUMENT_BYTES."""
    if nesting_depth(data) > MAX_DEPTH:
        raise Rejection("invalid", f"the data nests more than {MAX_DEPTH} levels of objects and arrays")
    size = len(canonical_json(data))
    if size > MAX_DOCUMENT_BYTES:
        raise Rejection("invalid", f"the document would be {size} bytes; at most {MAX_DOCUMENT_BYTES} are allowed")


def _create(m: Create, actor: str, device: str) -> Outcome:
    check_shape(m.data)
    data = copy.deepcopy(m.data)
    meta = FieldMeta(version=1, actor=actor, device=device, at=m.at)
    doc = Document(
        id=m.doc_id, form_id=m.form_id, form_version=m.form_version, status=DRAFT, version=1, data=data,
        field_meta={pointer: meta for pointer in flatten(data)}, meta=copy.deepcopy(m.meta),
    )
    return _done(m, doc, [])


def _merged(doc: Document, m: Mutation, merged: FieldChanges) -> Outcome:
    if not merged.changed:
        result = MutationResult(id=m.id, status="applied", doc_id=m.doc_id, version=doc.version)
        return Outcome(None, result, merged.notes)
    check_shape(merged.data)
    new = msgspec.structs.replace(
        doc, data=merged.data, field_meta=merged.field_meta, conflicts=merged.conflicts, version=merged.version
    )
    status: ResultStatus = "conflict" if merged.conflicted else "applied"
    return Outcome(new, MutationResult(id=m.id, status=status, doc_id=m.doc_id, version=new.version), merged.notes)


def _done(m: Mutation, new: Document, notes: list[AuditNote]) -> Outcome:
    return Outcome(new, MutationResult(id=m.id, status="applied", doc_id=m.doc_id, version=new.version), notes)
