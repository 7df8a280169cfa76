"""The sync wire protocol: one POST carries a client's pending mutations (push) and answers with
their results plus the documents changed since the client's checkpoint (pull).

Mutation ids are numbered 1, 2, 3, ... per ``client_id``; the server applies them exactly once and
in order. ``at`` is the device's wall clock in epoch milliseconds (UTC). Documents are identified by
UUIDs made on the device.

Result reasons (``MutationResult.reason``, an open set of strings):

- from the engine: ``gap`` (an earlier mutation id is missing: resend from it, in order), ``locked``
  (signed or later), ``not_editable`` (submitted), ``deleted`` (tombstone), ``not_found``,
  ``exists`` (create of an existing id), ``open_conflicts`` (submit/sign while a conflict is open),
  ``no_conflict`` (resolve of a field without an open conflict), ``invalid_transition`` (the status
  does not allow this step), ``invalid`` (a malformed mutation: bad pointer, object value, shape
  change, base_version newer than the document);
- from the server: ``invalid`` (schema), ``identity_number`` (a personnummer in free text),
  ``forbidden`` (role), ``not_your_field`` (a field the form leaves to another participant), and more
  (see the README).
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

import msgspec
from msgspec import Meta

from sync.document import Conflict
from sync.limits import MAX_DEPTH, MAX_SAFE_INT

__all__ = [
    "Acknowledge", "Countersign", "Create", "Delete", "DocumentChange", "Edit", "InvalidRequest", "SetMeta",
    "MAX_BODY_BYTES", "MAX_MUTATIONS", "Mutation", "MutationResult", "REASONS", "Resolve", "Return",
    "ResultStatus", "Sign", "Submit", "SyncRequest", "SyncResponse", "decode_request",
    "kind_of",
]

MAX_MUTATIONS: Final = 100
MAX_BODY_BYTES: Final = 512 * 1024

REASONS: Final = (
    "gap", "locked", "not_editable", "deleted", "not_found", "exists", "open_conflicts", "no_conflict",
    "invalid_transition", "invalid", "identity_number", "forbidden",
)

MutationId = Annotated[int, Meta(ge=1, le=MAX_SAFE_INT)]
EpochMs = Annotated[int, Meta(ge=0, le=MAX_SAFE_INT)]
Version = Annotated[int, Meta(ge=0, le=2**31 - 1)]
#: a UUID made on the device, in its canonical lower-case form
DocId = Annotated[str, Meta(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
#: a device's id: a UUID or another short token of letters, digits, '-' and '_'
ClientId = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
FormId = Annotated[str, Meta(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")]
Text = Annotated[str, Meta(max_length=20_000)]
Fields = dict[str, Any]


class _Mutation(msgspec.Struct, frozen=True, kw_only=True, tag_field="kind", forbid_unknown_fields=True):
    id: MutationId
    doc_id: DocId
    at: EpochMs


class Create(_Mutation, tag="create", frozen=True):
    """``meta`` is interpreted by the server: trainee_id, assessor_id, assessor_name, assessor_email,
    placement_id, amends (the signed document this one corrects)."""

    form_id: FormId
    form_version: Version
    data: dict[str, Any] = {}
    meta: dict[str, Any] = {}


class Edit(_Mutation, tag="edit", frozen=True):
    """``fields``: leaf pointer → new value (null clears). ``base_version``: the document version the
    device had when the person edited (1 right after the device's own create)."""

    base_version: Version
    fields: Fields


class Resolve(_Mutation, tag="resolve", frozen=True):
    """Close the open conflicts on these fields with the chosen values."""

    fields: Fields


class SetMeta(_Mutation, tag="set_meta", frozen=True):
    """Change the assessment's header, not its form data: the date of the observed activity
    (``observed_on``), its ``placement_id``, the BT delmål it gives evidence for (``delmal``). The
    server says which keys exist and who may set them; drafts only."""

    meta: dict[str, Any]


class Submit(_Mutation, tag="submit", frozen=True):
    pass


class Return(_Mutation, tag="return", frozen=True):
    """Send a submitted document back to draft."""

    reason: Text


class Sign(_Mutation, tag="sign", frozen=True):
    pass


class Acknowledge(_Mutation, tag="acknowledge", frozen=True):
    reflection: Text | None = None


class Countersign(_Mutation, tag="countersign", frozen=True):
    pass


class Delete(_Mutation, tag="delete", frozen=True):
    pass


Mutation = Create | Edit | Resolve | SetMeta | Submit | Return | Sign | Acknowledge | Countersign | Delete


def kind_of(mutation: Mutation) -> str:
    """The ``kind`` tag ("create", "edit", ..., "return") of a mutation."""
    return str(type(mutation).__struct_config__.tag)


class SyncRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``since``: the checkpoint of the last pull the client fully applied (0 at first)."""

    client_id: ClientId
    since: Annotated[int, Meta(ge=0, le=MAX_SAFE_INT)]
    mutations: Annotated[list[Mutation], Meta(max_length=MAX_MUTATIONS)] = []


ResultStatus = Literal["applied", "duplicate", "conflict", "rejected"]


class MutationResult(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``conflict``: applied, but at least one field is now in conflict (the person's value is a side).
    ``duplicate``: processed before; ``reason`` is set if and only if that first answer was a
    rejection. ``version``: the document's version after this mutation (None if there is none)."""

    id: int
    status: ResultStatus
    doc_id: str
    version: int | None = None
    reason: str | None = None
    message: str | None = None


class DocumentChange(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """The current state of one document as the change feed carries it. ``seq`` is the global change
    sequence of its last change; a tombstone has ``deleted`` and empty data."""

    doc_id: str
    seq: int
    version: int
    deleted: bool
    form_id: str
    form_version: int
    status: str
    data: dict[str, Any]
    conflicts: dict[str, Conflict]
    meta: dict[str, Any] = {}
    content_hash: str | None = None
    reflection: Text | None = None
    returned_reason: str | None = None


class SyncResponse(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``results`` in the order of the request's mutations. ``checkpoint``: send it as ``since`` next
    time; when ``has_more``, pull again at once (the page was full)."""

    results: list[MutationResult]
    changes: list[DocumentChange]
    checkpoint: int
    has_more: bool = False


class InvalidRequest(ValueError):
    """A request body that is too large or does not match the protocol (answer HTTP 400/413)."""

    def __init__(self, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


_request_decoder = msgspec.json.Decoder(SyncRequest)


def decode_request(body: bytes) -> SyncRequest:
    if len(body) > MAX_BODY_BYTES:
        raise InvalidRequest(f"request body is larger than {MAX_BODY_BYTES} bytes", too_large=True)
    try:
        return _request_decoder.decode(body)
    except msgspec.ValidationError as exc:
        raise InvalidRequest(str(exc)) from exc
    except msgspec.DecodeError as exc:
        raise InvalidRequest(f"malformed JSON: {exc}") from exc
    except RecursionError:
        raise InvalidRequest("the JSON nests too deeply (a document may nest at most "
                             f"{MAX_DEPTH} levels)") from None
