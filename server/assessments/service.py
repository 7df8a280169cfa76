"""Every change to an assessment goes through ``apply_batch``: HTTP endpoints send a batch of one,
the sync endpoint a device's outbox. For each mutation, in order:

1. the caller must be a participant the form's workflow allows for that step (else ``forbidden``,
   or ``not_found`` when they may not even see the assessment), and a field they fill in or change
   must be theirs to fill (its ui section's ``filled_by``, else ``not_your_field``, naming the fields);
2. no personnummer in any text it carries (``identity_number``, naming the field);
3. the pure sync engine applies it (merge, conflicts, locks, tombstones);
4. the result must match the form's JSON Schema for its status (``invalid``, naming the fields).

A refused mutation changes nothing and does not stop the others. What changed is written with a few
set-based statements, each change with a new change-sequence number and an audit event.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo
from typing import Any

import msgspec

from sync import engine
from sync.audit import AuditNote
from sync.document import LOCKED_STATUSES, Document, same_value
from sync.pointer import PointerError, flatten, lookup, parse
from sync.protocol import (
    Create,
    Delete,
    Edit,
    Mutation,
    MutationResult,
    Resolve,
    SetMeta,
    kind_of,
)

from .. import clock
from ..auth.principal import ASSESSING_ROLES
from ..catalog import Catalog, FormVersion
from ..db import Row, Tx, utc_now
from ..privacy import identity_error_message, redact_identity_numbers
from . import repository
from .actor import Actor
from .meta import MetaError, meta_user_id, parse_meta, parse_set_meta
from .participants import TraineeContext, load_trainee_contexts, may_read, participant_roles
from .permissions import allowed_roles, may
from .restricted import reader_roles
from .validation import describe, identity_field_of, schema_errors


STOCKHOLM = ZoneInfo("Europe/Stockholm")


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class _Batch:
    """The in-memory state of one request: documents as they stand after each applied mutation."""

    tx: Tx
    catalog: Catalog
    actor: Actor
    device: str
    rows: dict[str, Row]
    docs: dict[str, Document]
    contexts: dict[int, TraineeContext]
    users: dict[int, Row]
    changed: dict[str, Row] = field(default_factory=dict)
    audit: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)
    #: refused content, kept for its sender (refused_mutations)
    refused: list[tuple[str, str, str, str, str, str, str]] = field(default_factory=list)
    keep_refused: bool = True
    #: the batch makes a request's draft (server.requests): the only way to start a form that is
    #: anonymous to the trainee (a 360 rater's), since its rater is then known only to the request
    for_request: bool = False


class Refused(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


async def apply_batch(
    tx: Tx, catalog: Catalog, actor: Actor, mutations: list[Mutation], *, device: str,
    keep_refused: bool = True, for_request: bool = False, contexts: dict[int, TraineeContext] | None = None,
) -> list[MutationResult]:
    """``keep_refused``: keep what a refused mutation carried for its sender (sync: the device's
    outbox is the only other copy); an HTTP caller gets the refusal at once and still holds it.
    ``contexts``: the request's trainee contexts, read once and shared with its pull."""
    batch = await _load_batch(tx, catalog, actor, mutations, device, contexts)
    batch.keep_refused, batch.for_request = keep_refused, for_request
    results = [_apply_one(batch, m) for m in mutations]
    await _write(batch)
    return results


async def _load_batch(tx: Tx, catalog: Catalog, actor: Actor, mutations: list[Mutation], device: str,
                      known: dict[int, TraineeContext] | None) -> _Batch:
    ids = {m.doc_id for m in mutations}
    ids |= {m.meta[key] for m in mutations if isinstance(m, Create)
            for key in ("amends", "follows_up") if isinstance(m.meta.get(key), str)}
    rows = await repository.load_rows(tx, ids)
    own = {actor.principal.user_id} if actor.principal else set()
    trainees = {r["trainee_id"] for r in rows.values()} | own
    people = set(own)
    for m in mutations:
        if isinstance(m, Create):
            trainee, assessor = meta_user_id(m.meta.get("trainee_id")), meta_user_id(m.meta.get("assessor_id"))
            if trainee is not None:
                trainees.add(trainee)
            people |= {v for v in (trainee, assessor) if v is not None}
    contexts = await load_trainee_contexts(tx, trainees, known)
    users: dict[int, Row] = {}
    if any(isinstance(m, Create) for m in mutations):  # only a create names people to check
        for ctx in contexts.values():  # supervisors may become the assessor (Slutbedömning; IUP, plan: the HHL)
            people |= {s for s in ctx.placements.values() if s is not None} | set(ctx.main_supervisors)
        users = await _load_users(tx, people)
    docs = {i: repository.row_to_document(r) for i, r in rows.items()}
    return _Batch(tx, catalog, actor, device, rows, docs, contexts, users)


async def _load_users(tx: Tx, ids: set[int]) -> dict[int, Row]:
    """Users a batch names (as trainee or assessor), each with the set of their roles."""
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    users: dict[int, Row] = {}
    for r in await tx.fetch(
        f"""SELECT u.id, u.name, u.email, u.active, r.role FROM users u LEFT JOIN user_roles r ON r.user_id = u.id
            WHERE u.id IN ({marks})""", sorted(ids)):
        users.setdefault(r["id"], {"id": r["id"], "name": r["name"], "email": r["email"], "active": r["active"],
                                   "roles": set()})
        if r["role"]:
            users[r["id"]]["roles"].add(r["role"])
    return users


PRIVATE_PARTIES = frozenset({"trainee", "assessor"})


def _roles(batch: _Batch, doc: Document) -> frozenset[str]:
    trainee_id = doc.meta.get("trainee_id")
    assert isinstance(trainee_id, int)
    ctx = batch.contexts.get(trainee_id)
    roles = batch.actor.roles_on(doc_id=doc.id, trainee_id=trainee_id, assessor_id=doc.meta.get("assessor_id"), ctx=ctx)
    p = batch.actor.principal
    roles = reader_roles(roles, batch.catalog.get(doc.form_id, doc.form_version), ctx, p.user_id if p else None,
                         clock.today())
    # a private handledningssamtal has two people; to anyone else it does not exist (access.py)
    return roles & PRIVATE_PARTIES if doc.meta.get("private") else roles


def _form(batch: _Batch, form_id: str, version: int) -> FormVersion:
    form = batch.catalog.get(form_id, version)
    if form is None:
        raise Refused("invalid", f"Unknown form {form_id!r} version {version}; GET /api/forms lists the forms.")
    return form


def _apply_one(batch: _Batch, m: Mutation) -> MutationResult:
    # The identity-number guard comes first, before anything is looked up, authorized or kept: a
    # refused identity number is stored nowhere (not even its document id) and never echoed.
    field_name = identity_field_of(m)
    if field_name is not None:
        return MutationResult(id=m.id, status="rejected", doc_id="" if field_name == "doc_id" else m.doc_id,
                              reason="identity_number", message=identity_error_message(field_name))
    try:
        result = _apply_checked(batch, m)
    except Refused as refusal:
        result = MutationResult(id=m.id, status="rejected", doc_id=m.doc_id, reason=refusal.reason,
                                message=refusal.message)
    if result.message is not None:  # messages are built from field names, but never echo an identity number
        result = msgspec.structs.replace(result, message=redact_identity_numbers(result.message))
    if result.status == "rejected" and batch.keep_refused:
        _keep_refused(batch, m, result)
    return result


def _keep_refused(batch: _Batch, m: Mutation, result: MutationResult) -> None:
    """Keep what a person typed even when the change was refused (nothing typed is lost), for that
    person only: never in the document's audit trail, which belongs to its participants."""
    detail = {"mutation": msgspec.to_builtins(m), "message": result.message}
    batch.refused.append((batch.actor.id, batch.device, m.doc_id, kind_of(m), result.reason or "invalid",
                          utc_now(), repository.encode_json(detail)))


def _apply_checked(batch: _Batch, m: Mutation) -> MutationResult:
    doc = batch.docs.get(m.doc_id)
    if isinstance(m, Create):
        if doc is not None:
            raise Refused("exists", f"Assessment {m.doc_id} already exists.")
        m, roles = _authorize_create(batch, m)
        form = _form(batch, m.form_id, m.form_version)
        _refuse_others_fields(form, roles, _created_fields(batch, m))
    else:
        if doc is None:
            raise Refused("not_found", f"Assessment {m.doc_id} does not exist or is not yours to see.")
        form = _form(batch, doc.form_id, doc.form_version)
        roles = _roles(batch, doc)
        if not may_read(roles, anonymous_to_trainee=form.workflow.anonymous_to_trainee):
            raise Refused("not_found", f"Assessment {m.doc_id} does not exist or is not yours to see.")
        if not allowed_roles(kind_of(m), form.workflow):
            raise Refused("invalid_transition", f"A {form.form_id} assessment has no {kind_of(m)} step.")
        if not may(kind_of(m), form.workflow, roles):
            raise Refused("forbidden", _forbidden_message(kind_of(m), form))
        if isinstance(m, Edit | Resolve):
            _refuse_others_fields(form, roles, _edited_fields(doc, m))
        if isinstance(m, Delete):
            _refuse_deleting_others_part(form, roles, doc)
        if isinstance(m, SetMeta):
            m = _checked_set_meta(batch, m, doc, form, roles)
        if kind_of(m) == "sign" and batch.actor.missing_for_signature:
            missing = ", ".join(batch.actor.missing_for_signature)
            raise Refused("assessor_details_missing",
                          f"Before you sign, say who you are: {missing} (POST /api/link/assessor).")
    outcome = engine.apply_mutation(
        doc, m, actor=batch.actor.id, device=batch.device,
        requires_countersign=form.workflow.countersign is not None,
    )
    new_doc = outcome.document
    if new_doc is not None and outcome.result.status in ("applied", "conflict"):
        errors = schema_errors(form, new_doc)
        if errors:
            raise Refused("invalid", describe(errors))
        _record(batch, m, doc, new_doc, form, outcome.notes)
    elif outcome.notes:
        _record_notes(batch, m, outcome.notes)
    return outcome.result


def _forbidden_message(kind: str, form: FormVersion) -> str:
    who = {
        "sign": form.workflow.sign, "return": form.workflow.sign, "acknowledge": form.workflow.acknowledge,
        "countersign": form.workflow.countersign,
    }.get(kind)
    if kind in ("edit", "resolve", "submit", "delete"):
        who = " or ".join(form.workflow.editors)
    return f"Only the {str(who).replace('_', ' ')} of this assessment may {kind} it."


def _refuse_others_fields(form: FormVersion, roles: frozenset[str], pointers: list[str]) -> None:
    """Refuse (``not_your_field``) a change of a field that none of ``roles`` fills in on this form
    (a section ``filled_by`` others, e.g. a trainee rating herself on a Mini-CEX version 2)."""
    theirs = form.not_fillable_by(roles, pointers)
    if not theirs:
        return
    by_owners: dict[tuple[str, ...], list[str]] = {}
    for pointer in theirs:
        by_owners.setdefault(form.owners_of(pointer), []).append(pointer)
    parts = [f"only the {' or '.join(r.replace('_', ' ') for r in owners) or 'owners of its parts, one by one,'} "
             f"fills in {', '.join(fields)}" for owners, fields in by_owners.items()]
    text = "; ".join(parts)
    raise Refused("not_your_field", f"{text[0].upper()}{text[1:]} on a {form.form_id} (version {form.version}); "
                  "nothing of this change was stored.")


def _refuse_deleting_others_part(form: FormVersion, roles: frozenset[str], doc: Document) -> None:
    """A draft in which someone else has filled in their part (the assessor's ratings on a Mini-CEX
    version 2) is not the trainee's to throw away: never a word lost (``others_part_filled``)."""
    filled = [p for p, v in flatten(doc.data).items() if v not in (None, "", [], {})]
    theirs = form.not_fillable_by(roles, filled)
    if theirs:
        raise Refused("others_part_filled", f"Someone else has filled in their part of this {form.form_id} "
                      f"({', '.join(theirs)}); it is not deleted. Ask them to delete it, or finish it together.")


def _created_fields(batch: _Batch, m: Create) -> list[str]:
    """The fields a create fills in: its values that are not empty; for an amendment, what differs from
    the assessment it corrects (the rest is a copy)."""
    amends = m.meta.get("amends")
    original = batch.docs.get(amends) if isinstance(amends, str) else None
    before = flatten(original.data) if original is not None else {}
    after = flatten(m.data)
    return [p for p in sorted(set(before) | set(after)) if not same_value(before.get(p), after.get(p))]


def _edited_fields(doc: Document, m: Edit | Resolve) -> list[str]:
    """The fields an edit changes (a value that is already there changes nothing), or a resolve decides."""
    if isinstance(m, Resolve):
        return list(m.fields)
    changed = []
    for pointer, value in m.fields.items():
        try:
            found, current = lookup(doc.data, parse(pointer))
        except PointerError:  # the engine refuses it (invalid); it is no one's field
            continue
        if pointer in doc.conflicts or not same_value(current if found else None, value):
            changed.append(pointer)
    return changed


def _authorize_create(batch: _Batch, m: Create) -> tuple[Create, frozenset[str]]:
    """Check who may start this form for whom, fill in what follows from it, and return the mutation
    with its meta normalised (trainee_id, assessor, placement, amends) and the caller's participant
    roles on the new assessment."""
    p = batch.actor.principal
    if p is None:
        raise Refused("forbidden", "A request link is for answering one assessment; it cannot start another.")
    try:
        meta = parse_meta(m.meta)
    except MetaError as exc:
        raise Refused("invalid", str(exc)) from None
    if meta.get("amends"):
        return _authorize_amendment(batch, m, meta)
    form = _form(batch, m.form_id, m.form_version)
    if form.workflow.anonymous_to_trainee and not batch.for_request:
        raise Refused("anonymous_by_email", f"A {form.form_id} answer stays anonymous to the trainee: ask the rater "
                      "through a request by e-mail (POST /api/requests).")
    trainee_id = meta.get("trainee_id")
    if trainee_id is None:
        if not p.has("trainee"):
            raise Refused("invalid", "Say whose assessment this is: meta.trainee_id is required.")
        trainee_id = p.user_id
    ctx = batch.contexts.get(trainee_id)
    if ctx is None or not ctx.is_trainee:
        raise Refused("invalid", f"User {trainee_id} is not a trainee.")
    observed_on = meta.get("observed_on")
    if observed_on is None:  # the device's day; a phone whose clock runs ahead gets today
        observed_on = min(_day_of(m.at), dt.datetime.now(STOCKHOLM).date().isoformat())
    _refuse_future(observed_on)
    _refuse_other_delmal(meta.get("delmal"), form)
    _refuse_private(meta.get("private"), form)
    # the placement it was made in: the one whose period holds the day of the activity, unless named
    placement_id = meta.get("placement_id") or ctx.placement_on(observed_on)
    if placement_id is not None and placement_id not in ctx.placements:
        raise Refused("invalid", f"Placement {placement_id} is not one of this trainee's placements.")
    if placement_id is None and form.workflow.requires_placement:
        raise Refused("invalid", f"A {form.form_id} assessment needs meta.placement_id (which placement it is for).")
    assessor_id = meta.get("assessor_id")
    if form.workflow.assessor_must_be == "clinical_supervisor" and placement_id is not None:
        supervisor = ctx.placements.get(placement_id)
        if supervisor is None:
            raise Refused("invalid", "This placement has no clinical supervisor to sign the assessment.")
        if assessor_id not in (None, supervisor):
            raise Refused("invalid", "The assessor of this form must be the placement's clinical supervisor.")
        assessor_id = supervisor
    if form.workflow.assessor_must_be == "main_supervisor":
        if assessor_id is None and p.user_id in ctx.main_supervisors:
            assessor_id = p.user_id
        elif assessor_id is None and len(ctx.main_supervisors) == 1:  # the trainee writes it with her HHL
            (assessor_id,) = ctx.main_supervisors
        if assessor_id not in ctx.main_supervisors:
            raise Refused("invalid", f"A {form.form_id} is written and signed by the trainee's main supervisor (HHL).")
    _check_follows_up(batch, form, trainee_id, meta.get("follows_up"))
    if form.workflow.assessor_must_be == "supervisor":
        supervisors = ctx.main_supervisors | {s for s in ctx.placements.values() if s is not None}
        if assessor_id is None and p.user_id in supervisors:
            assessor_id = p.user_id
        if assessor_id not in supervisors:
            raise Refused("invalid", f"A {form.form_id} is confirmed by one of the trainee's supervisors (her main "
                          "supervisor or a clinical supervisor of one of her placements): name one as meta.assessor_id.")
    if assessor_id is None and trainee_id != p.user_id and p.roles.intersection(ASSESSING_ROLES):
        assessor_id = p.user_id
    _refuse_self_assessment(batch, trainee_id, assessor_id, meta.get("assessor_email"))
    roles = participant_roles(p, trainee_id=trainee_id, assessor_id=assessor_id, ctx=ctx)
    if "assessor" in roles and not (p.roles.intersection(ASSESSING_ROLES)):
        roles = roles - {"assessor"}
    if not roles.intersection(form.workflow.start):
        allowed = " or ".join(r.replace("_", " ") for r in form.workflow.start)
        raise Refused("forbidden", f"A {form.form_id} assessment can only be started by the {allowed}.")
    if assessor_id is not None:
        user = batch.users.get(assessor_id)
        if user is None or not user["active"] or not (user["roles"].intersection(ASSESSING_ROLES)):
            raise Refused("invalid", f"User {assessor_id} cannot be an assessor.")
        meta.pop("assessor_name", None)
        meta.pop("assessor_email", None)
    elif not meta.get("assessor_name") and form.workflow.sign == "assessor":
        raise Refused("invalid", "Name the assessor: meta.assessor_id, or meta.assessor_name (and assessor_email).")
    meta.update(trainee_id=trainee_id, assessor_id=assessor_id, placement_id=placement_id, observed_on=observed_on)
    return msgspec.structs.replace(m, meta={k: v for k, v in meta.items() if v is not None}), roles


def _day_of(at_ms: int) -> str:
    """The day of a device's timestamp, in Swedish time (where the activity took place)."""
    return dt.datetime.fromtimestamp(at_ms / 1000, STOCKHOLM).date().isoformat()


def _refuse_future(day: str) -> None:
    tomorrow = (dt.datetime.now(STOCKHOLM).date() + dt.timedelta(days=1)).isoformat()
    if day > tomorrow:
        raise Refused("invalid", f"meta.observed_on ({day}) is in the future: give the day of the activity.")


def _refuse_other_delmal(delmal: list[str] | None, form: FormVersion) -> None:
    unknown = sorted(set(delmal or ()) - set(form.workflow.evidence_for))
    if unknown:
        menu = ", ".join(form.workflow.evidence_for) or "none"
        raise Refused("invalid", f"meta.delmal: {', '.join(unknown)} is not evidenced by a {form.form_id} (it can be: {menu}).")


def _check_follows_up(batch: _Batch, form: FormVersion, trainee_id: int, follows_up: str | None) -> None:
    """A follow-up names the signed document it follows up: of a form its workflow lists, of the same
    trainee, visible to the caller; a form that follows up nothing names none."""
    wanted = form.workflow.follows_up
    if not wanted:
        if follows_up is not None:
            raise Refused("invalid", f"meta.follows_up: a {form.form_id} follows up nothing.")
        return
    if follows_up is None:
        raise Refused("invalid", f"A {form.form_id} follows up a signed {' or '.join(wanted)}: name it as meta.follows_up.")
    target = batch.docs.get(follows_up)
    if target is None or target.deleted or target.meta.get("trainee_id") != trainee_id or not _roles(batch, target):
        raise Refused("not_found", f"meta.follows_up: {follows_up} does not exist or is not yours to see.")
    if target.form_id not in wanted or target.status not in LOCKED_STATUSES:
        raise Refused("invalid", f"meta.follows_up: a {form.form_id} follows up a signed {' or '.join(wanted)}.")
    for pointer, value in form.workflow.follows_up_if.items():  # the secondary plan: after "no improvement"
        if target.data.get(pointer.lstrip("/")) != value:
            raise Refused("invalid", f"A {form.form_id} follows up a {target.form_id} whose {pointer} is {value!r}.")


def _refuse_private(private: bool | None, form: FormVersion) -> None:
    """Only the notes of a supervision meeting are private between two people; an assessment is
    evidence its trainee's supervisors must be able to read."""
    if private and form.workflow.purpose != "handledning":
        raise Refused("invalid", f"meta.private: a {form.form_id} is evidence her supervisors read; only the notes "
                      "of a handledningssamtal can be private.")


def _checked_set_meta(batch: _Batch, m: SetMeta, doc: Document, form: FormVersion, roles: frozenset[str]) -> SetMeta:
    """A header change: the placement only by the trainee and only to one of hers; the day not in the
    future; delmål from the form's menu."""
    try:
        fields = parse_set_meta(m.meta)
    except MetaError as exc:
        raise Refused("invalid", str(exc)) from None
    if "placement_id" in fields:
        if "trainee" not in roles:
            raise Refused("forbidden", "Only the trainee moves an assessment to another of her placements.")
        ctx = batch.contexts.get(doc.meta["trainee_id"])
        if ctx is None or fields["placement_id"] not in ctx.placements:
            raise Refused("invalid", f"Placement {fields['placement_id']} is not one of this trainee's placements.")
    if "observed_on" in fields:
        _refuse_future(fields["observed_on"])
    _refuse_other_delmal(fields.get("delmal"), form)
    _refuse_private(fields.get("private"), form)
    if fields.get("private") and not doc.meta.get("private"):
        # whoever reads the trainee's drafts may already hold this one on her phone: closing it now
        # would promise a privacy it no longer has
        raise Refused("private_from_start", "A note is private only from its start: others may already have read "
                      "this one. Start a new handledningssamtal marked private.")
    return msgspec.structs.replace(m, meta=fields)


def _refuse_self_assessment(batch: _Batch, trainee_id: int, assessor_id: int | None, email: str | None) -> None:
    """Nobody assesses themselves: not as the named assessor, not under their own e-mail address."""
    trainee = batch.users.get(trainee_id)
    own_email = (trainee or {}).get("email") or ""
    if assessor_id == trainee_id or (email is not None and own_email and email.lower() == own_email.lower()):
        raise Refused("own_assessment", "A trainee cannot be the assessor of her own assessment: name a colleague.")


def _authorize_amendment(batch: _Batch, m: Create, meta: dict[str, Any]) -> tuple[Create, frozenset[str]]:
    original = batch.docs.get(str(meta["amends"]))
    if original is None:
        raise Refused("not_found", f"Assessment {meta['amends']} (to amend) does not exist or is not yours to see.")
    form = _form(batch, original.form_id, original.form_version)
    roles = _roles(batch, original)
    if not roles:
        raise Refused("not_found", f"Assessment {meta['amends']} (to amend) does not exist or is not yours to see.")
    if original.status not in LOCKED_STATUSES:
        raise Refused("invalid_transition", "Only a signed assessment is amended; edit the draft instead.")
    if not may("amend", form.workflow, roles):
        raise Refused("forbidden", "Only the people who wrote or signed this assessment may amend it.")
    if (m.form_id, m.form_version) != (original.form_id, original.form_version):
        raise Refused("invalid", "An amendment uses the same form and version as the assessment it corrects.")
    new_meta = {k: original.meta[k] for k in (*repository.META_COLUMNS, "delmal", "private", "follows_up") if original.meta.get(k) is not None}
    new_meta["amends"] = original.id
    return msgspec.structs.replace(m, meta=new_meta, data=m.data or dict(original.data)), roles


def _record(batch: _Batch, m: Mutation, before: Document | None, doc: Document, form: FormVersion,
            notes: list[AuditNote]) -> None:
    batch.docs[doc.id] = doc
    now = utc_now()
    previous = batch.changed.get(doc.id) or batch.rows.get(doc.id)
    row: Row = dict(previous) if previous else {
        "created_by": batch.actor.id, "created_at": now, "form_hash": form.content_hash, "seq": 0,
        "submitted_at": None, "signed_at": None, "signed_by": None, "acknowledged_at": None,
        "countersigned_at": None, "countersigned_by": None,
    }
    row.update(
        id=doc.id, form_id=doc.form_id, form_version=doc.form_version, status=doc.status, version=doc.version,
        data=repository.encode_json(doc.data), field_meta=repository.encode_json(doc.field_meta),
        conflicts=repository.encode_json(doc.conflicts), deleted=int(doc.deleted),
        amends_id=doc.meta.get("amends"), reflection=doc.reflection, content_hash=doc.content_hash,
        returned_reason=doc.returned_reason, updated_at=now, **repository.meta_columns(doc.meta),
    )
    if before is None or before.status != doc.status:
        stamp = {"submitted": ("submitted_at", None), "signed": ("signed_at", "signed_by"),
                 "acknowledged": ("acknowledged_at", None), "countersigned": ("countersigned_at", "countersigned_by")}
        at_col, by_col = stamp.get(doc.status, (None, None))
        if at_col:
            row[at_col] = now
        if by_col:
            row[by_col] = batch.actor.id
    batch.changed[doc.id] = row
    detail: dict[str, Any] = {"mutation": msgspec.to_builtins(m), "version": doc.version, "device": batch.device}
    if notes:
        detail["notes"] = msgspec.to_builtins(notes)
    batch.audit.append((doc.id, now, batch.actor.id, batch.actor.name, kind_of(m), repository.encode_json(detail)))


def _record_notes(batch: _Batch, m: Mutation, notes: list[AuditNote]) -> None:
    """A mutation that changed nothing may still carry a value that lost (kept in the audit trail)."""
    detail = {"mutation": msgspec.to_builtins(m), "device": batch.device, "notes": msgspec.to_builtins(notes)}
    batch.audit.append((m.doc_id, utc_now(), batch.actor.id, batch.actor.name, f"{kind_of(m)}_noted",
                        repository.encode_json(detail)))


async def _write(batch: _Batch) -> None:
    if batch.changed:
        seqs = await repository.next_sequence_numbers(batch.tx, len(batch.changed))
        for seq, row in zip(seqs, batch.changed.values()):
            row["seq"] = seq
        await repository.upsert_rows(batch.tx, list(batch.changed.values()))
    await repository.insert_audit_events(batch.tx, batch.audit)
    await repository.insert_refused(batch.tx, batch.refused)
