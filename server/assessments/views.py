"""What a reader gets for one assessment: its state, names, timestamps and the steps open to them."""

from __future__ import annotations

from typing import Any

import msgspec

from sync.document import Conflict

from ..catalog import Catalog
from ..db import Row
from .actor import Actor
from .participants import Reader, TraineeContext, load_trainee_contexts
from .permissions import available_actions
from .repository import row_to_document


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


def build_views(rows: list[Row], actor: Actor, catalog: Catalog,
                contexts: dict[int, TraineeContext]) -> list[AssessmentView]:
    views = []
    for row in rows:
        doc = row_to_document(row)
        form = catalog.get(doc.form_id, doc.form_version)
        roles = actor.roles_on(doc_id=row["id"], trainee_id=row["trainee_id"], assessor_id=row["assessor_id"],
                               ctx=contexts.get(row["trainee_id"]))
        views.append(AssessmentView(
            doc_id=doc.id, seq=row["seq"], version=doc.version, deleted=doc.deleted, form_id=doc.form_id,
            form_version=doc.form_version, form_hash=row["form_hash"], status=doc.status, data=doc.data,
            conflicts=doc.conflicts, trainee_id=row["trainee_id"], trainee_name=row["trainee_name"],
            assessor_id=row["assessor_id"], assessor_name=row["assessor_display"],
            assessor_email=row["assessor_email"], placement_id=row["placement_id"], amends_id=row["amends_id"],
            reflection=doc.reflection, content_hash=doc.content_hash, returned_reason=doc.returned_reason,
            created_by=row["created_by"], created_at=row["created_at"], updated_at=row["updated_at"],
            submitted_at=row["submitted_at"], signed_at=row["signed_at"], signed_by=row["signed_by"],
            acknowledged_at=row["acknowledged_at"], countersigned_at=row["countersigned_at"],
            countersigned_by=row["countersigned_by"],
            permissions=available_actions(doc, form.workflow, roles) if form else [],
        ))
    return views


async def views_for(tx: Reader, rows: list[Row], actor: Actor, catalog: Catalog) -> list[AssessmentView]:
    contexts = await load_trainee_contexts(tx, {r["trainee_id"] for r in rows})
    return build_views(rows, actor, catalog, contexts)


def anonymous_forms(catalog: Catalog) -> tuple[str, ...]:
    """Forms whose single answers the trainee never sees (360 rater answers)."""
    return tuple(sorted({f.form_id for f in catalog.forms() if f.workflow.anonymous_to_trainee}))
