"""Which Mini-CEX a unit's trainees are offered by default: the 1–9 scale (``mini-cex``) or the regions'
*grad av självständighet* (``mini-cex-sjalvstandighet``). Stored as the unit setting ``forms.mini_cex``;
without it, ``mini-cex``. Both stay in the catalog for everyone; this only picks the preselected one."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, get, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter

from ..access import require_unit_steward
from ..auth.principal import Principal
from ..db import Database
from ..errors import InvalidInput
from ..fields import DB_INT_MAX
from ..unit_settings import read_unit_settings, write_unit_settings
from .model import Catalog

SETTING = "forms.mini_cex"
DEFAULT_MINI_CEX = "mini-cex"
UnitId = Annotated[int, Parameter(ge=1, le=DB_INT_MAX)]


def mini_cex_choices(catalog: Catalog) -> list[str]:
    """The form ids of the Mini-CEX instrument that have a published version."""
    return sorted({f.form_id for f in catalog.forms() if f.instrument == "mini-cex" and catalog.latest(f.form_id)})


def chosen_mini_cex(value: Any, catalog: Catalog) -> str:
    """The unit's choice from its setting's value (None: not set); anything unknown: the default."""
    return value if isinstance(value, str) and value in mini_cex_choices(catalog) else DEFAULT_MINI_CEX


def mini_cex_of(stored: str | None, catalog: Catalog) -> str:
    """The same from the setting's stored JSON text (as a query that lists placements reads it)."""
    try:
        value = msgspec.json.decode(stored) if stored else None
    except msgspec.DecodeError:
        value = None
    return chosen_mini_cex(value, catalog)


class UnitForms(msgspec.Struct):
    """A unit's default forms: the value in force, the default and what may be chosen."""

    unit_id: int
    mini_cex: str
    default: str
    choices: list[str]


class FormsChange(msgspec.Struct, forbid_unknown_fields=True):
    """``mini_cex``: a form id of the Mini-CEX instrument; null goes back to the default."""

    mini_cex: str | None


async def _unit_forms(db: Database, catalog: Catalog, unit_id: int) -> UnitForms:
    stored = (await read_unit_settings(db, [unit_id])).get(unit_id, {})
    return UnitForms(unit_id, chosen_mini_cex(stored.get(SETTING), catalog), DEFAULT_MINI_CEX, mini_cex_choices(catalog))


class UnitFormsController(Controller):
    path = "/api/units"
    tags = ["catalog"]

    @get("/{unit_id:int}/forms", operation_id="getUnitForms")
    async def get_forms(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                        catalog: NamedDependency[Catalog], unit_id: UnitId) -> UnitForms:
        """Which Mini-CEX the unit's trainees are offered first (admin or the unit's studierektor)."""
        await require_unit_steward(db, principal, unit_id)
        return await _unit_forms(db, catalog, unit_id)

    @put("/{unit_id:int}/forms", operation_id="changeUnitForms")
    async def change_forms(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                           catalog: NamedDependency[Catalog], unit_id: UnitId, data: JSONBody[FormsChange]) -> UnitForms:
        """Choose the unit's Mini-CEX (``{"mini_cex": "mini-cex-sjalvstandighet"}``; null: the default)."""
        await require_unit_steward(db, principal, unit_id)
        choices = mini_cex_choices(catalog)
        if data.mini_cex is not None and data.mini_cex not in choices:
            raise InvalidInput(f"{data.mini_cex!r} is not a Mini-CEX of the catalog; choose one of: {', '.join(choices)}.",
                               reason="invalid_setting")
        await write_unit_settings(db, unit_id, {SETTING: data.mini_cex}, principal.user_id)
        return await _unit_forms(db, catalog, unit_id)


def placement_defaults(rows: list[dict[str, Any]], catalog: Catalog) -> list[dict[str, Any]]:
    """Placements as listed, each with ``mini_cex_form`` (its unit's choice) instead of the raw setting."""
    return [{k: v for k, v in r.items() if k != "mini_cex_setting"}
            | {"mini_cex_form": mini_cex_of(r.get("mini_cex_setting"), catalog)} for r in rows]
