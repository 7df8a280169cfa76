"""HTTP: placements and colleagues a user may pick, and administration."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

import msgspec
from msgspec import Meta
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter
from litestar import Controller, get, post

from .. import clock
from ..access import visible_trainees_sql
from ..auth.principal import ASSESSING_ROLES, Principal
from ..catalog import Catalog
from ..catalog.unit_forms import SETTING as UNIT_MINI_CEX_SETTING, placement_defaults
from ..db import Database, Tx
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..fields import DB_INT_MAX, Email, PersonName, RowId, ShortText
from . import repository


class UserCreate(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    name: PersonName
    roles: Annotated[list[Annotated[str, Meta(max_length=40)]], Meta(max_length=10)]
    password: Annotated[str, Meta(max_length=1000)] | None = None
    title: ShortText | None = None
    studierektor_unit_id: RowId | None = None


class UnitCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: PersonName
    region: ShortText | None = None


class ProgrammeCreate(msgspec.Struct, forbid_unknown_fields=True):
    trainee_id: RowId
    kind: Annotated[str, Meta(max_length=4)]
    unit_id: RowId
    start_date: Date
    main_supervisor_id: RowId | None = None
    end_date: Date | None = None


#: sysselsättningsgrad in percent
EmploymentRate = Annotated[int, Meta(ge=1, le=100)]
AbsenceDays = Annotated[int, Meta(ge=0, le=repository.MAX_ABSENCE_DAYS)]


class PlacementCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A placement; its type, sysselsättningsgrad and absence (for the BT certificates and the
    Slutbedömning's header) may be left out: not known yet, full time, no absence."""

    programme_id: RowId
    unit_id: RowId
    specialty: PersonName
    start_date: Date
    end_date: Date
    clinical_supervisor_id: RowId | None = None
    placement_type: repository.PlacementType | None = None
    employment_rate_percent: EmploymentRate = 100
    absence_days: AbsenceDays = 0


#: msgspec checks that it is a real calendar date; stored as ISO text (YYYY-MM-DD)
Date = dt.date


class Created(msgspec.Struct):
    id: int


class Deactivated(msgspec.Struct):
    placements_freed: int
    programmes_freed: int


class AdminEvent(msgspec.Struct, kw_only=True):
    id: int
    at: str
    action: str
    actor_id: int
    actor_name: str
    subject_user_id: int | None
    subject_name: str | None
    detail: dict[str, Any]


UserId = Annotated[int, Parameter(ge=1, le=DB_INT_MAX)]
EventLimit = Annotated[int, Parameter(ge=1, le=1000)]


def _iso_dates(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


async def _logged(db: Database, principal: Principal, action: str, made: int, detail: dict[str, Any] | None = None) -> Created:
    """What an administrator made, as an admin event (a person made is its subject), then its id."""
    async def log(tx: Tx) -> None:
        await repository.log_admin_event(tx, clock.iso(clock.now()), principal.user_id, action,
                                         made if action == "create_user" else None,
                                         json.dumps({"id": made, **(detail or {})}, ensure_ascii=False))
    await db.transaction(log)
    return Created(made)


async def require_admin(principal: NamedDependency[Principal]) -> Principal:
    if not principal.is_admin:
        raise Forbidden("Only an administrator may do this.")
    return principal


class PeopleController(Controller):
    path = "/api"
    tags = ["people"]

    @get("/placements", operation_id="listPlacements")
    async def placements(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                         catalog: NamedDependency[Catalog]) -> list[dict[str, Any]]:
        """Placements of the trainees the caller may see (a trainee: their own), each with its type,
        sysselsättningsgrad and absence days (what a Slutbedömning's header takes), its clinical supervisor
        and the programme's HHL (who may confirm a Handledningssamtal) and the Mini-CEX its unit offers
        first (``mini_cex_form``)."""
        visible, params = visible_trainees_sql(principal)
        rows = await db.fetch(
            f"""SELECT pl.id, pl.specialty, pl.start_date, pl.end_date, pl.placement_type, pl.employment_rate_percent,
                       pl.absence_days, un.name AS unit, pr.trainee_id,
                       t.name AS trainee_name, pl.clinical_supervisor_id, ks.name AS clinical_supervisor_name,
                       pr.main_supervisor_id, hs.name AS main_supervisor_name,
                       (SELECT us.value FROM unit_settings us WHERE us.unit_id = pl.unit_id AND us.key = ?)
                       AS mini_cex_setting
                FROM placements pl JOIN programmes pr ON pr.id = pl.programme_id
                JOIN units un ON un.id = pl.unit_id JOIN users t ON t.id = pr.trainee_id
                LEFT JOIN users ks ON ks.id = pl.clinical_supervisor_id
                LEFT JOIN users hs ON hs.id = pr.main_supervisor_id
                WHERE pr.trainee_id IN ({visible}) ORDER BY pl.start_date""",
            (UNIT_MINI_CEX_SETTING, *params),
        )
        return placement_defaults(rows, catalog)

    @get("/colleagues", operation_id="listColleagues")
    async def colleagues(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                         q: Annotated[str, Parameter(max_length=100)] = "",
                         role: Annotated[str, Parameter(max_length=20)] = "assessor") -> list[dict[str, Any]]:
        """Colleagues to pick (id, name, title). ``role=assessor`` (default): people who can assess, for a
        trainee naming an assessor. ``role=trainee``: only the trainees the caller has a reason to pick:
        those they supervise or oversee and those they have assessed or been asked by; with ``q`` of at
        least 3 letters, also other current trainees whose name matches (at most 20). The PWA keeps the
        list for offline use, so it is not paged. A trainee never lists other trainees."""
        if role == "assessor":
            marks = ", ".join("?" for _ in ASSESSING_ROLES)
            return await db.fetch(
                f"""SELECT DISTINCT u.id, u.name, u.title FROM users u JOIN user_roles r ON r.user_id = u.id
                    WHERE u.active = 1 AND r.role IN ({marks}) AND lower(u.name) LIKE ? ORDER BY u.name LIMIT 5000""",
                (*ASSESSING_ROLES, f"%{q.strip().lower()}%"))
        if role != "trainee":
            raise InvalidInput("role must be 'assessor' or 'trainee'.")
        if not principal.roles.intersection((*ASSESSING_ROLES, "studierektor")):
            raise Forbidden("Only assessors and supervisors pick trainees.")
        return await repository.trainees_to_pick(db, principal, q.strip().lower())


class AdminController(Controller):
    path = "/api/admin"
    tags = ["admin"]

    @get("/users", operation_id="adminListUsers")
    async def list_users(self, principal: NamedDependency[Principal], db: NamedDependency[Database]) -> list[dict[str, Any]]:
        """All users and their roles."""
        await require_admin(principal)
        return await repository.list_users(db)

    @post("/users", operation_id="adminCreateUser")
    async def create_user(self, principal: NamedDependency[Principal], db: NamedDependency[Database], data: JSONBody[UserCreate]) -> Created:
        """Create a user with roles (a password is optional: assessors may never log in)."""
        await require_admin(principal)
        return await _logged(db, principal, "create_user", await repository.create_user(
            db, email=data.email, name=data.name, password=data.password, roles=data.roles, title=data.title,
            studierektor_unit_id=data.studierektor_unit_id))

    @get("/units", operation_id="adminListUnits")
    async def list_units(self, principal: NamedDependency[Principal], db: NamedDependency[Database]) -> list[dict[str, Any]]:
        await require_admin(principal)
        return await db.fetch("SELECT id, name, region FROM units ORDER BY name")

    @post("/units", operation_id="adminCreateUnit")
    async def create_unit(self, principal: NamedDependency[Principal], db: NamedDependency[Database], data: JSONBody[UnitCreate]) -> Created:
        await require_admin(principal)
        return await _logged(db, principal, "create_unit", await repository.create_unit(db, data.name, data.region),
                             {"name": data.name})

    @post("/programmes", operation_id="adminCreateProgramme")
    async def create_programme(self, principal: NamedDependency[Principal], db: NamedDependency[Database], data: JSONBody[ProgrammeCreate]) -> Created:
        await require_admin(principal)
        values = _iso_dates(msgspec.structs.asdict(data))
        return await _logged(db, principal, "create_programme", await repository.create_programme(db, **values), values)

    @post("/placements", operation_id="adminCreatePlacement")
    async def create_placement(self, principal: NamedDependency[Principal], db: NamedDependency[Database], data: JSONBody[PlacementCreate]) -> Created:
        await require_admin(principal)
        values = _iso_dates(msgspec.structs.asdict(data))
        return await _logged(db, principal, "create_placement", await repository.create_placement(db, **values), values)

    @post("/users/{user_id:int}/deactivate", operation_id="adminDeactivateUser", status_code=200)
    async def deactivate(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                         user_id: UserId) -> Deactivated:
        """Close an account: her sessions and password links end, her current and future placements and
        programmes are freed for a new supervisor; every signature and audit event she made stays."""
        await require_admin(principal)
        if user_id == principal.user_id:
            raise Conflict("An administrator cannot close her own account; ask another administrator.",
                           reason="own_account")
        now = clock.now()

        async def close(tx: Tx) -> dict[str, int]:
            found = await tx.fetchone("SELECT id, email, active FROM users WHERE id = ?", (user_id,))
            if found is None:
                raise NotFound(f"No person {user_id}.")
            freed = await repository.deactivate_user(tx, user_id, clock.today().isoformat(), clock.iso(now))
            await repository.log_admin_event(tx, clock.iso(now), principal.user_id, "deactivate", user_id,
                                             json.dumps({"email": found["email"], **freed}))
            return freed
        return Deactivated(**await db.transaction(close))

    @post("/users/{user_id:int}/activate", operation_id="adminActivateUser", status_code=200)
    async def activate(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                       user_id: UserId) -> Created:
        """Open a closed account again (she sets a password by an invitation; freed placements stay free)."""
        await require_admin(principal)
        now = clock.now()

        async def open_again(tx: Tx) -> None:
            if await tx.fetchone("SELECT id FROM users WHERE id = ?", (user_id,)) is None:
                raise NotFound(f"No person {user_id}.")
            await repository.reactivate_user(tx, user_id)
            await repository.log_admin_event(tx, clock.iso(now), principal.user_id, "activate", user_id, "{}")
        await db.transaction(open_again)
        return Created(user_id)

    @get("/events", operation_id="adminListEvents")
    async def events(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                     limit: EventLimit = 200) -> list[AdminEvent]:
        """Every administrator's action, newest first: who, when, what, about whom."""
        await require_admin(principal)
        return [AdminEvent(id=r["id"], at=r["at"], action=r["action"], actor_id=r["actor_id"], actor_name=r["actor_name"],
                           subject_user_id=r["subject_user_id"], subject_name=r["subject_name"],
                           detail=json.loads(r["detail"]) if r["detail"] else {})
                for r in await repository.admin_events(db, limit)]
