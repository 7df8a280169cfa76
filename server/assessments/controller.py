"""HTTP: list, read, create and change assessments. Every change is one mutation through ``service``."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar import Controller, Response, delete, get, patch, post

from sync.pointer import flatten
from sync.protocol import (
    Acknowledge,
    Countersign,
    Create,
    Delete,
    Edit,
    Mutation,
    MutationResult,
    Resolve,
    Return,
    SetMeta,
    Sign,
    Submit,
)

from ..access import visible_assessments_where
from ..auth.principal import Principal
from ..catalog import Catalog
from ..db import Database, Tx
from ..fields import DB_INT_MAX
from ..errors import (
    Conflict,
    DomainError,
    Forbidden,
    IdentityNumberFound,
    InvalidInput,
    NotFound,
)
from .repository import VIEW_SELECT
from .actor import Actor
from .service import apply_batch, now_ms
from .views import AssessmentView, anonymous_forms, restricted_forms, views_for, visible_view
from ..privacy.ids import new_id

HTTP_DEVICE = "api"
_REFUSALS: dict[str, type[DomainError]] = {
    "forbidden": Forbidden, "not_found": NotFound, "invalid": InvalidInput, "identity_number": IdentityNumberFound,
    "own_assessment": Forbidden, "anonymous_by_email": InvalidInput, "not_your_field": Forbidden,
    "others_part_filled": Forbidden,
}


class AssessmentCreate(msgspec.Struct, forbid_unknown_fields=True):
    form_id: Annotated[str, msgspec.Meta(max_length=100)]
    form_version: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)] | None = None
    id: str | None = None
    trainee_id: int | None = None
    assessor_id: int | None = None
    assessor_name: str | None = None
    assessor_email: str | None = None
    placement_id: int | None = None
    observed_on: str | None = None
    delmal: list[str] | None = None
    #: a handledningssamtal only: private between the trainee and the supervisor who took part
    private: bool | None = None
    #: a follow-up: the signed document it follows up (an action plan)
    follows_up: str | None = None
    data: dict[str, Any] = {}


class HeaderChange(msgspec.Struct, forbid_unknown_fields=True):
    """The assessment's header: the day of the activity, its placement (the trainee, among her own),
    the BT delmål it gives evidence for, whether a handledningssamtal is private. Drafts only; give at
    least one."""

    placement_id: int | None = None
    observed_on: str | None = None
    delmal: list[str] | None = None
    private: bool | None = None


class AssessmentEdit(msgspec.Struct, forbid_unknown_fields=True):
    """``data``: the fields to change (a partial document; null clears a field). ``base_version``: the
    version you edited, so concurrent changes merge per field instead of overwriting."""

    base_version: Annotated[int, msgspec.Meta(ge=0, le=2**31 - 1)]
    data: dict[str, Any]


class ConflictResolution(msgspec.Struct, forbid_unknown_fields=True):
    fields: dict[str, Any]


class ReturnRequest(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=20_000)]


class AcknowledgeRequest(msgspec.Struct, forbid_unknown_fields=True):
    reflection: Annotated[str, msgspec.Meta(max_length=20_000)] | None = None


class AmendRequest(msgspec.Struct, forbid_unknown_fields=True):
    id: str | None = None
    data: dict[str, Any] = {}


def _new_id(given: str | None) -> str:
    if given is None:
        return new_id()
    try:
        return str(uuid.UUID(given))
    except ValueError:
        raise InvalidInput(f"id must be a UUID, not {given!r}.") from None


def _raise_for(result: MutationResult) -> None:
    if result.status != "rejected":
        return
    reason = result.reason or "invalid"
    error = _REFUSALS.get(reason, Conflict)
    raise error(result.message or reason, reason=reason)


async def _apply(db: NamedDependency[Database], catalog: NamedDependency[Catalog], principal: NamedDependency[Principal], mutation: Mutation) -> AssessmentView:
    async def run(tx: Tx) -> list[MutationResult]:
        return await apply_batch(tx, catalog, Actor.of(principal), [mutation], device=HTTP_DEVICE,
                                 keep_refused=False)

    (result,) = await db.transaction(run)
    _raise_for(result)
    return await visible_view(db, principal, catalog, mutation.doc_id)


class AssessmentController(Controller):
    path = "/api/assessments"
    tags = ["assessments"]

    @get("/", operation_id="listAssessments")
    async def list_assessments(
        self, principal: NamedDependency[Principal], db: NamedDependency[Database], catalog: NamedDependency[Catalog], status: FromQuery[str | None] = None,
        trainee_id: Annotated[int | None, Parameter(ge=1, le=DB_INT_MAX)] = None, form_id: FromQuery[str | None] = None,
    ) -> list[AssessmentView]:
        """Assessments the caller may see, newest first (filters: status, trainee_id, form_id)."""
        where, params = visible_assessments_where(principal, anonymous_forms(catalog),
                                                  restricted_forms=restricted_forms(catalog))
        conditions, values = [where, "a.deleted = 0"], list(params)
        for column, value in (("a.status", status), ("a.trainee_id", trainee_id), ("a.form_id", form_id)):
            if value is not None:
                conditions.append(f"{column} = ?")
                values.append(value)

        rows = await db.fetch(f"{VIEW_SELECT} WHERE {' AND '.join(conditions)} ORDER BY a.updated_at DESC LIMIT 500",
                              values)
        return await views_for(db, rows, Actor.of(principal), catalog)

    @post("/", operation_id="createAssessment", status_code=201)
    async def create(self, principal: NamedDependency[Principal], db: NamedDependency[Database], catalog: NamedDependency[Catalog],
                     data: JSONBody[AssessmentCreate]) -> AssessmentView:
        """Start a draft. A trainee starts one for themselves and names the assessor (a colleague's
        user id, or a name and e-mail); an assessor or supervisor names the trainee."""
        version = data.form_version
        if version is None:
            latest = catalog.latest(data.form_id)
            if latest is None:
                raise InvalidInput(f"Unknown form {data.form_id!r}; GET /api/forms lists the forms.")
            version = latest.version
        meta = {k: v for k, v in msgspec.structs.asdict(data).items()
                if k in ("trainee_id", "assessor_id", "assessor_name", "assessor_email", "placement_id", "observed_on",
                         "delmal", "private", "follows_up")
                and v is not None}
        mutation = Create(id=1, doc_id=_new_id(data.id), at=now_ms(), form_id=data.form_id, form_version=version,
                          data=data.data, meta=meta)
        return await _apply(db, catalog, principal, mutation)

    @get("/{doc_id:str}", operation_id="getAssessment")
    async def get_one(self, principal: NamedDependency[Principal], db: NamedDependency[Database], catalog: NamedDependency[Catalog], doc_id: FromPath[str]) -> AssessmentView:
        """One assessment, with the steps open to the caller in ``permissions``."""
        return await visible_view(db, principal, catalog, doc_id)

    @patch("/{doc_id:str}", operation_id="editAssessment")
    async def edit(self, principal: NamedDependency[Principal], db: NamedDependency[Database], catalog: NamedDependency[Catalog], doc_id: FromPath[str],
                   data: JSONBody[AssessmentEdit]) -> AssessmentView:
        """Change fields of a draft, merged per field against ``base_version``."""
        if not data.data:
            raise InvalidInput("Nothing to change: data is empty.")
        mutation = Edit(id=1, doc_id=doc_id, at=now_ms(), base_version=data.base_version, fields=flatten(data.data))
        return await _apply(db, catalog, principal, mutation)

    @post("/{doc_id:str}/meta", operation_id="changeAssessmentHeader", status_code=200)
    async def change_header(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                            catalog: NamedDependency[Catalog], doc_id: FromPath[str],
                            data: JSONBody[HeaderChange]) -> AssessmentView:
        """Change a draft's header (not its form data): the day of the activity, its placement, its delmål."""
        meta = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None}
        return await _apply(db, catalog, principal, SetMeta(id=1, doc_id=doc_id, at=now_ms(), meta=meta))

    @post("/{doc_id:str}/resolve", operation_id="resolveConflicts", status_code=200)
    async def resolve(self, principal: NamedDependency[Principal], db: NamedDependency[Database], catalog: NamedDependency[Catalog], doc_id: FromPath[str],
                      data: JSONBody[ConflictResolution]) -> AssessmentView:
        """Close open conflicts: ``fields`` maps each conflicted field (JSON Pointer) to the chosen value."""
        return await _apply(db, catalog, principal, Resolve(id=1, doc_id=doc_id, at=now_ms(), fields=data.fields))

    @post("/{doc_id:str}/submit", operation_id="submitAssessment", status_code=200)
    async def submit(self, principal: NamedDependency[Principal], db: NamedDependency[Database], catalog: NamedDependency[Catalog], doc_id: FromPath[str]) -> AssessmentView:
        """Draft → submitted (ready for signature): needs a complete, valid document and no open conflict."""
        return await _apply(db, catalog, principal, Submit(id=1, doc_id=doc_id, at=now_ms()))

    @post("/{doc_id:str}/return", operation_id="returnAssessment", status_code=200)
    async def return_(self, principal: NamedDependency[Principal], db: NamedDependency[Database], catalog: NamedDependency[Catalog], doc_id: FromPath[str],
                      data: JSONBody[ReturnRequest]) -> AssessmentView:
        """Submitted → draft, with a reason, by the person who would sign."""
        return await _apply(db, catalog, principal, Return(id=1, doc_id=doc_id, at=now_ms(), reason=data.reason))

    @post("/{doc_id:str}/sign", operation_id="signAssessment", status_code=200)
    async def sign(self, principal: NamedDependency[Principal], db: NamedDependency[Database], catalog: NamedDependency[Catalog], doc_id: FromPath[str]) -> AssessmentView:
        """Submitted → signed. From here the content is locked; corrections are amendments."""
        return await _apply(db, catalog, principal, Sign(id=1, doc_id=doc_id, at=now_ms()))

    @post("/{doc_id:str}/acknowledge", operation_id="acknowledgeAssessment", status_code=200)
    async def acknowledge(self, principal: NamedDependency[Principal], db: NamedDependency[Database], catalog: NamedDependency[Catalog], doc_id: FromPath[str],
                          data: JSONBody[AcknowledgeRequest | None] = None) -> AssessmentView:
        """Signed → acknowledged by the trainee, with an optional reflection."""
        reflection = data.reflection if data else None
        mutation = Acknowledge(id=1, doc_id=doc_id, at=now_ms(), reflection=reflection)
        return await _apply(db, catalog, principal, mutation)

    @post("/{doc_id:str}/countersign", operation_id="countersignAssessment", status_code=200)
    async def countersign(self, principal: NamedDependency[Principal], db: NamedDependency[Database], catalog: NamedDependency[Catalog],
                          doc_id: FromPath[str]) -> AssessmentView:
        """Acknowledged → countersigned, where the form's workflow asks for it (e.g. by the HHL)."""
        return await _apply(db, catalog, principal, Countersign(id=1, doc_id=doc_id, at=now_ms()))

    @post("/{doc_id:str}/amend", operation_id="amendAssessment", status_code=201)
    async def amend(self, principal: NamedDependency[Principal], db: NamedDependency[Database], catalog: NamedDependency[Catalog], doc_id: FromPath[str],
                    data: JSONBody[AmendRequest | None] = None) -> AssessmentView:
        """Start a correction of a signed assessment: a new draft that references the original."""
        data = data or AmendRequest()
        original = await visible_view(db, principal, catalog, doc_id)
        mutation = Create(id=1, doc_id=_new_id(data.id), at=now_ms(), form_id=original.form_id,
                          form_version=original.form_version, data=data.data, meta={"amends": doc_id})
        return await _apply(db, catalog, principal, mutation)

    @delete("/{doc_id:str}", operation_id="deleteAssessment", status_code=200)
    async def delete_draft(self, principal: NamedDependency[Principal], db: NamedDependency[Database], catalog: NamedDependency[Catalog], doc_id: FromPath[str]) -> Response[dict[str, str]]:
        """Delete a draft (a tombstone remains for devices that have it)."""
        async def run(tx: Tx) -> list[MutationResult]:
            return await apply_batch(tx, catalog, Actor.of(principal), [Delete(id=1, doc_id=doc_id, at=now_ms())],
                                     device=HTTP_DEVICE, keep_refused=False)

        (result,) = await db.transaction(run)
        _raise_for(result)
        return Response({"status": "deleted", "doc_id": doc_id})

    @get("/{doc_id:str}/audit", operation_id="getAssessmentAudit")
    async def audit(self, principal: NamedDependency[Principal], db: NamedDependency[Database], catalog: NamedDependency[Catalog], doc_id: FromPath[str]) -> list[dict[str, Any]]:
        """Who changed what and when (for whoever reads the whole assessment: the trail holds every value)."""
        view = await visible_view(db, principal, catalog, doc_id)
        if view.partial:
            raise NotFound(f"Assessment {doc_id} has no audit trail for you: you read only part of it.")
        rows = await db.fetch(
            "SELECT at, actor, actor_name, action, detail FROM audit_events WHERE assessment_id = ? ORDER BY id",
            (doc_id,))
        return [r | {"detail": msgspec.json.decode(r["detail"])} for r in rows]
