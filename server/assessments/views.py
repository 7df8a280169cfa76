"""What a reader gets for one assessment: its state, names, timestamps and the steps open to them."""

from __future__ import annotations

from typing import Any

import msgspec

from sync.document import LOCKED_STATUSES, Conflict, Document

from .. import clock
from ..access import visible_assessments_where
from ..auth.principal import Principal
from ..catalog import Catalog, FormVersion
from ..catalog.feedback import feedback_hints
from ..db import Row
from ..errors import NotFound
from .actor import Actor
from .participants import Reader, TraineeContext, load_trainee_contexts
from .permissions import available_actions
from .repository import VIEW_SELECT, row_to_document
from .restricted import is_partial, partial_data, reader_roles, shown_pointer


SUPERVISING_ROLES = frozenset({"clinical_supervisor", "main_supervisor", "studierektor"})


class SignatureView(msgspec.Struct, kw_only=True):
    """How the signature was made: ``account`` (logged in; the account's name and title) or ``link`` (a
    request link claimed on the assessor's device, with the name, title, workplace and e-mail the
    assessor gave; a receipt went to that e-mail). ``disputed_at``: the receipt's recipient said it was
    not them."""

    method: str
    name: str | None
    title: str | None = None
    workplace: str | None = None
    email: str | None = None
    invited_email: str | None = None
    claimed_at: str | None = None
    disputed_at: str | None = None


class OtherAnswer(msgspec.Struct, kw_only=True):
    """What a second device typed for the same request link after another device had claimed it."""

    received_at: str
    assessor_name: str | None
    assessor_title: str | None
    assessor_workplace: str | None
    assessor_email: str | None
    data: dict[str, Any]
    steps: list[str]


class FeedbackHintView(msgspec.Struct, kw_only=True):
    """Advice on the feedback written so far (the form version's feedback rules): a rule ``code`` and
    the ``field`` (JSON Pointer) it is about. Never stops saving or signing."""

    code: str
    field: str


class AssessmentView(msgspec.Struct, kw_only=True):
    """One assessment as the API and the sync change feed show it."""

    doc_id: str
    seq: int
    version: int
    deleted: bool
    form_id: str
    form_version: int
    form_hash: str
    status: str
    data: dict[str, Any]
    conflicts: dict[str, Conflict]
    trainee_id: int
    trainee_name: str
    assessor_id: int | None
    assessor_name: str | None
    assessor_email: str | None
    placement_id: int | None
    #: the day of the observed activity, and the BT delmål this encounter showed
    observed_on: str | None = None
    delmal: list[str] = []
    #: a handledningssamtal private between its trainee and its supervisor: nobody else reads it
    private: bool = False
    #: the reader sees only part of ``data`` (a restricted form: the clinical supervisor of the
    #: current placement reads the measures at the placement, restricted.py)
    partial: bool = False
    #: the signed document this one follows up (an action plan's follow-up: its plan)
    follows_up: str | None = None
    amends_id: str | None
    reflection: str | None
    content_hash: str | None
    returned_reason: str | None
    created_by: str
    created_at: str
    updated_at: str
    submitted_at: str | None
    signed_at: str | None
    signed_by: str | None
    acknowledged_at: str | None
    countersigned_at: str | None
    countersigned_by: str | None
    permissions: list[str]
    #: for a form that is countersigned: the trainee's HHL (who holds the chain once the trainee
    #: acknowledged), and the name of whoever countersigned
    main_supervisor_name: str | None = None
    countersigner_name: str | None = None
    signature: SignatureView | None = None
    #: the trainee's supervisors only: answers from a second device for the same request link
    other_answers: list[OtherAnswer] = []
    #: for whoever writes the feedback, until it is signed: what the form's feedback rules advise
    feedback_hints: list[FeedbackHintView] = []


def signature_of(row: Row) -> SignatureView | None:
    signer = row["signed_by"]
    if not signer:
        return None
    if not str(signer).startswith("request:"):
        return SignatureView(method="account", name=row["assessor_display"], title=row["account_title"])
    return SignatureView(
        method="link", name=row["signer_name"] or row["assessor_name"], title=row["signer_title"], workplace=row["signer_workplace"],
        email=row["signer_email"], invited_email=row["invited_email"], claimed_at=row["request_claimed_at"],
        disputed_at=row["disputed_at"])


def build_views(rows: list[Row], actor: Actor, catalog: Catalog, contexts: dict[int, TraineeContext],
                other_answers: dict[str, list[OtherAnswer]] | None = None) -> list[AssessmentView]:
    views = []
    today = clock.today()
    for row in rows:
        doc = row_to_document(row)
        form = catalog.get(doc.form_id, doc.form_version)
        ctx = contexts.get(row["trainee_id"])
        roles = reader_roles(actor.roles_on(doc_id=row["id"], trainee_id=row["trainee_id"], assessor_id=row["assessor_id"],
                                            ctx=ctx), form, ctx, actor.principal.user_id if actor.principal else None, today)
        partial = form is not None and is_partial(form, roles)
        data = partial_data(form, roles, doc.data) if partial and form else doc.data
        conflicts = {k: c for k, c in doc.conflicts.items() if shown_pointer(k, data)} if partial else doc.conflicts
        views.append(AssessmentView(
            doc_id=doc.id, seq=row["seq"], version=doc.version, deleted=doc.deleted, form_id=doc.form_id,
            form_version=doc.form_version, form_hash=row["form_hash"], status=doc.status, data=data,
            conflicts=conflicts, partial=partial, trainee_id=row["trainee_id"], trainee_name=row["trainee_name"],
            assessor_id=row["assessor_id"], assessor_name=row["assessor_display"],
            assessor_email=row["assessor_email"], placement_id=row["placement_id"], amends_id=row["amends_id"],
            observed_on=row["observed_on"], delmal=doc.meta.get("delmal", []),
            private=bool(doc.meta.get("private")), follows_up=doc.meta.get("follows_up"),
            reflection=None if partial else doc.reflection, content_hash=doc.content_hash, returned_reason=doc.returned_reason,
            created_by=row["created_by"], created_at=row["created_at"], updated_at=row["updated_at"],
            submitted_at=row["submitted_at"], signed_at=row["signed_at"], signed_by=row["signed_by"],
            acknowledged_at=row["acknowledged_at"], countersigned_at=row["countersigned_at"],
            countersigned_by=row["countersigned_by"],
            main_supervisor_name=row["main_supervisor_name"] if form and form.workflow.countersign else None,
            countersigner_name=row["countersigner_name"],
            permissions=available_actions(doc, form.workflow, roles) if form else [],
            signature=signature_of(row),
            other_answers=(other_answers or {}).get(doc.id, []) if roles & SUPERVISING_ROLES else [],
            feedback_hints=hints_for(form, doc, roles),
        ))
    return views


def hints_for(form: FormVersion | None, doc: Document, roles: frozenset[str]) -> list[FeedbackHintView]:
    """The feedback hints for a reader who fills in the field a hint is about, while the document is
    not signed yet (the same rules the PWA shows as the assessor types)."""
    if form is None or form.feedback_rules is None or doc.status in LOCKED_STATUSES or doc.deleted:
        return []
    return [FeedbackHintView(code=h.code, field=h.field) for h in feedback_hints(form.feedback_rules.content, doc.data)
            if roles.intersection(form.owners_of(h.field))]


async def views_for(tx: Reader, rows: list[Row], actor: Actor, catalog: Catalog,
                    known: dict[int, TraineeContext] | None = None) -> list[AssessmentView]:
    """``known``: trainee contexts this request has read already (see ``load_trainee_contexts``)."""
    contexts = await load_trainee_contexts(tx, {r["trainee_id"] for r in rows}, known)
    return build_views(rows, actor, catalog, contexts, await _other_answers(tx, rows, actor))


async def visible_view(db: Reader, principal: Principal, catalog: Catalog, doc_id: str) -> AssessmentView:
    """The one assessment ``GET /api/assessments/{id}`` answers: ``doc_id`` as ``principal`` may read it
    (``access.visible_assessments_where``), or NotFound, whether it does not exist or is not theirs."""
    where, params = visible_assessments_where(principal, anonymous_forms(catalog), restricted_forms=restricted_forms(catalog))
    rows = await db.fetch(f"{VIEW_SELECT} WHERE a.id = ? AND {where}", [doc_id, *params])
    views = await views_for(db, rows, Actor.of(principal), catalog)
    if not views:
        raise NotFound(f"Assessment {doc_id} does not exist or is not yours to see.")
    return views[0]


async def visible_views(db: Reader, principal: Principal, catalog: Catalog, doc_ids: list[str]) -> list[AssessmentView]:
    """The assessments among ``doc_ids`` that ``principal`` may read, each cut as they read it (the
    PDFs: a portfolio prints what its maker sees), in the order of ``doc_ids``."""
    if not doc_ids:
        return []
    where, params = visible_assessments_where(principal, anonymous_forms(catalog), restricted_forms=restricted_forms(catalog))
    rows: list[Row] = []
    for start in range(0, len(doc_ids), 400):  # within SQLite's limit on parameters
        chunk = doc_ids[start:start + 400]
        marks = ", ".join("?" for _ in chunk)
        rows += await db.fetch(f"{VIEW_SELECT} WHERE a.id IN ({marks}) AND {where}", [*chunk, *params])
    order = {d: i for i, d in enumerate(doc_ids)}
    return sorted(await views_for(db, rows, Actor.of(principal), catalog), key=lambda v: order[v.doc_id])


_decode_answer_data = msgspec.json.Decoder(dict[str, Any]).decode
_decode_steps = msgspec.json.Decoder(list[str]).decode


async def _other_answers(tx: Reader, rows: list[Row], actor: Actor) -> dict[str, list[OtherAnswer]]:
    """Only read when there are any (rare) and the reader may be a supervisor (never a link holder)."""
    ids = sorted(r["id"] for r in rows if r["other_answers"])
    if not ids or actor.principal is None or not actor.principal.roles & SUPERVISING_ROLES:
        return {}
    marks = ", ".join("?" for _ in ids)
    found: dict[str, list[OtherAnswer]] = {}
    for r in await tx.fetch(f"SELECT * FROM displaced_answers WHERE assessment_id IN ({marks}) ORDER BY id", ids):
        found.setdefault(r["assessment_id"], []).append(OtherAnswer(
            received_at=r["received_at"], assessor_name=r["assessor_name"], assessor_title=r["assessor_title"],
            assessor_workplace=r["assessor_workplace"], assessor_email=r["assessor_email"],
            data=_decode_answer_data(r["data"]), steps=_decode_steps(r["steps"])))
    return found


def restricted_forms(catalog: Catalog) -> tuple[str, ...]:
    """Forms only the people around the trainee read (action plans): ``access._restricted_readers``."""
    return tuple(sorted({f.form_id for f in catalog.forms() if f.workflow.restricted}))


def anonymous_forms(catalog: Catalog) -> tuple[str, ...]:
    """Forms whose single answers the trainee never sees (360 rater answers)."""
    return tuple(sorted({f.form_id for f in catalog.forms() if f.workflow.anonymous_to_trainee}))
