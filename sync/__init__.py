"""Bedside's sync engine: pure functions and wire types, no I/O, no web framework.

The server loads state, calls these, and stores what they return:

- ``classify_mutation_ids``: exactly-once and in order, per client;
- ``apply_mutation``: one mutation against one document (per-field three-way merge, conflicts,
  status locks) → new document, result, audit notes;
- ``to_change``: a document as the change feed carries it;
- ``protocol``: ``SyncRequest`` / ``SyncResponse`` and the mutation kinds (msgspec structs).
"""

from sync.audit import (
    AuditNote, ConflictOpened, ConflictResolved, ConflictSideSet, Deleted, StatusChanged, Superseded,
)
from sync.document import (
    ACKNOWLEDGED, COUNTERSIGNED, DRAFT, LOCKED_STATUSES, SIGNED, STATUSES, SUBMITTED, Conflict, ConflictSide,
    Document, FieldMeta, canonical_json, content_hash, same_value,
)
from sync.engine import Outcome, apply_mutation
from sync.feed import to_change
from sync.ordering import Disposition, classify_mutation_ids, duplicate_of, gap_result
from sync.pointer import flatten
from sync.protocol import (
    MAX_BODY_BYTES, MAX_MUTATIONS, REASONS, Acknowledge, Countersign, Create, Delete, DocumentChange, Edit,
    InvalidRequest, Mutation, MutationResult, Resolve, Return, SetMeta, Sign, Submit, SyncRequest, SyncResponse,
    decode_request, kind_of,
)

__all__ = [
    "ACKNOWLEDGED", "COUNTERSIGNED", "DRAFT", "LOCKED_STATUSES", "MAX_BODY_BYTES", "MAX_MUTATIONS", "REASONS",
    "SIGNED", "STATUSES", "SUBMITTED",
    "Acknowledge", "AuditNote", "Conflict", "ConflictOpened", "ConflictResolved", "ConflictSide",
    "ConflictSideSet", "Countersign", "Create", "Delete", "Deleted", "Disposition", "Document",
    "DocumentChange", "Edit", "FieldMeta", "InvalidRequest", "Mutation", "MutationResult", "Outcome",
    "Resolve", "Return", "SetMeta", "Sign", "StatusChanged", "Submit", "Superseded", "SyncRequest", "SyncResponse",
    "apply_mutation", "canonical_json", "classify_mutation_ids", "content_hash", "decode_request",
    "duplicate_of", "flatten", "gap_result", "kind_of", "same_value", "to_change",
]
