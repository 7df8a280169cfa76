"""HTTP: each person's home, the trainees they follow, a trainee's page, the studierektor's table
(JSON and CSV) and the per-unit rules for who is behind."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter

from .. import clock
from ..access import require_unit_steward
from ..unit_settings import read_unit_settings, write_unit_settings
from ..auth.principal import Principal
from ..catalog import Catalog
from ..db import Database
from ..errors import Forbidden, InvalidInput
from ..fields import DB_INT_MAX
from .csv_export import table_csv
from .home import Home, home
from .rules import DEFAULT_RULES, SETTING_PREFIX, checked_value, rule_names, rules_from_settings
from .service import TraineeStatus, trainee_statuses, unit_table_rows
from .trainee_page import TraineePage, trainee_page

UnitId = Annotated[int, Parameter(ge=1, le=DB_INT_MAX)]
UnitFilter = Annotated[int | None, Parameter(ge=1, le=DB_INT_MAX)]


class UnitRules(msgspec.Struct):
    """A unit's rules for who is behind: the values in force and the defaults."""

    unit_id: int
    rules: dict[str, int]
    defaults: dict[str, int]


def _overseen_units(principal: Principal, unit_id: int | None) -> set[int]:
    if not principal.has("studierektor"):
        raise Forbidden("Only a studierektor has a unit table; your home lists the trainees you follow.",
                        reason="studierektor_only")
    units = set(principal.studierektor_units)
    if unit_id is not None:
        if unit_id not in units:
            raise Forbidden(f"You are not studierektor of unit {unit_id}.", reason="not_your_unit")
        units = {unit_id}
    return units


async def _unit_rules(db: Database, unit_id: int) -> UnitRules:
    stored = await read_unit_settings(db, [unit_id])
    rules = rules_from_settings(stored.get(unit_id, {}))
    return UnitRules(unit_id, dataclasses.asdict(rules), dataclasses.asdict(DEFAULT_RULES))


class OverviewController(Controller):
    path = "/api"
    tags = ["overview"]

    @get("/home", operation_id="getHome")
    async def get_home(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                       catalog: NamedDependency[Catalog]) -> Home:
        """What waits for the caller (to fill, sign, acknowledge, countersign; Slutbedömningar due),
        then their people: a section per role they hold."""
        return await home(db, catalog, principal, clock.today())

    @get("/trainees", operation_id="listTrainees")
    async def trainees(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                       catalog: NamedDependency[Catalog]) -> list[TraineeStatus]:
        """Every trainee the caller follows, per placement: signed, waiting and draft assessments
        against the target, the Slutbedömning, and each flag with its rule and numbers."""
        return await trainee_statuses(db, catalog, principal, clock.today())

    @get("/trainees/{trainee_id:int}", operation_id="getTraineePage")
    async def trainee(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                      catalog: NamedDependency[Catalog], trainee_id: UnitId) -> TraineePage:
        """One trainee's placements, assessments by placement and delmål matrix (for the trainee
        herself and those who supervise her)."""
        return await trainee_page(db, catalog, principal, trainee_id, clock.today())

    @get("/overview", operation_id="listUnitOverview")
    async def unit_table(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                         catalog: NamedDependency[Catalog], unit_id: UnitFilter = None) -> list[TraineeStatus]:
        """The studierektor's table: every trainee of their unit(s) (or one ``unit_id``), most
        serious flag first."""
        units = _overseen_units(principal, unit_id)
        return unit_table_rows(await trainee_statuses(db, catalog, principal, clock.today()), units)

    @get("/overview.csv", operation_id="exportUnitOverview", media_type="text/csv")
    async def unit_table_csv(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                             catalog: NamedDependency[Catalog], unit_id: UnitFilter = None) -> Response[str]:
        """The studierektor's table as CSV (semicolon-separated, UTF-8 with BOM, Swedish headers)."""
        units = _overseen_units(principal, unit_id)
        rows = unit_table_rows(await trainee_statuses(db, catalog, principal, clock.today()), units)
        name = f"bedside-oversikt-{clock.today().isoformat()}.csv"
        return Response(table_csv(rows), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @get("/units/{unit_id:int}/rules", operation_id="getUnitRules")
    async def get_rules(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                        unit_id: UnitId) -> UnitRules:
        """A unit's rules for who is behind, with the defaults (admin or the unit's studierektor)."""
        await require_unit_steward(db, principal, unit_id)
        return await _unit_rules(db, unit_id)

    @put("/units/{unit_id:int}/rules", operation_id="changeUnitRules")
    async def change_rules(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                           unit_id: UnitId, data: JSONBody[dict[str, Any]]) -> UnitRules:
        """Set some of a unit's rules (``{"min_signed_by_midpoint": 3}``); ``null`` goes back to the default."""
        await require_unit_steward(db, principal, unit_id)
        if not data:
            raise InvalidInput("Nothing to change: name a rule and its value.")
        # null goes back to the default; anything else must be a known rule's value in range
        values = {name: checked_value(name, value) if value is not None or name not in rule_names() else None
                  for name, value in data.items()}

        await write_unit_settings(db, unit_id, {SETTING_PREFIX + name: v for name, v in values.items()}, principal.user_id)
        return await _unit_rules(db, unit_id)
