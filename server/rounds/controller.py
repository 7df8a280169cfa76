"""HTTP: 360 rounds. Start one, nominate and remove raters, send the requests, follow it live, remind,
close, extend, hide a comment, release, read the report, write the agreed development points and link
the trainee's self-assessment. What each caller sees is shaped in ``service.round_view``."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

import msgspec

from litestar import Controller, Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter

from .. import clock
from ..auth.principal import Principal
from ..catalog import Catalog
from ..access import require_unit_steward
from ..mail import wake_mail_job
from ..unit_settings import write_unit_settings
from ..db import Database
from ..errors import InvalidInput
from ..fields import DB_INT_MAX
from ..settings import Settings
from . import repository, service
from .report import Report
from .rules import DEFAULT_ROUND_RULES, SETTING_PREFIX, checked_setting, rules_from_settings
from .service import AgreedPoints, Extension, HideComment, RaterCreate, RoundCreate, SelfLink
from .views import RoundView

TraineeFilter = Annotated[int | None, Parameter(ge=1, le=DB_INT_MAX)]
UnitId = Annotated[int, Parameter(ge=1, le=DB_INT_MAX)]
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
RoundId = Annotated[str, Parameter(pattern=UUID_PATTERN, description="The round's id (a UUID).")]
RaterId = Annotated[str, Parameter(pattern=UUID_PATTERN, description="The nominated rater's id (a UUID).")]



class RoundController(Controller):
    path = "/api/rounds"
    tags = ["rounds"]

    @post("/", operation_id="createRound", status_code=201)
    async def create(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                     data: JSONBody[RoundCreate]) -> RoundView:
        """Start a trainee's 360 round (her main supervisor; the trainee herself where her unit allows it):
        raters are nominated next, and asked when the requests are sent."""
        return await service.create_round(db, principal, data, clock.now())

    @get("/", operation_id="listRounds")
    async def list_rounds(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                          trainee_id: TraineeFilter = None) -> list[RoundView]:
        """The caller's own rounds, or those of a trainee the caller supervises (``trainee_id``)."""
        return await service.list_rounds(db, principal, trainee_id, clock.now())

    @get("/settings", operation_id="getRoundSettings")
    async def settings_of(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                          trainee_id: TraineeFilter = None) -> service.RoundSettings:
        """The rules a new round of this trainee (default: the caller) gets from her unit, and whether
        the caller may start it."""
        return await service.round_settings(db, principal, trainee_id)

    @get("/{round_id:str}", operation_id="getRound")
    async def get_one(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                      round_id: RoundId) -> RoundView:
        """Live status: per group answers against the minimums; supervisors also see each rater."""
        return await service.get_round(db, principal, round_id, clock.now())

    @post("/{round_id:str}/raters", operation_id="nominateRater", status_code=201)
    async def nominate(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                       db: NamedDependency[Database], catalog: NamedDependency[Catalog],
                       settings: NamedDependency[Settings], round_id: RoundId,
                       data: JSONBody[RaterCreate]) -> RoundView:
        """Nominate a rater by name, e-mail and group (asked at once if the round is already sent)."""
        view = await service.nominate(db, catalog, settings, principal, round_id, data, clock.now())
        wake_mail_job(request)
        return view

    @delete("/{round_id:str}/raters/{rater_id:str}", operation_id="removeRater", status_code=200)
    async def remove(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                     round_id: RoundId, rater_id: RaterId) -> RoundView:
        """Remove a nominated rater, before the requests are sent."""
        return await service.remove_rater(db, principal, round_id, rater_id, clock.now())

    @post("/{round_id:str}/send", operation_id="sendRoundRequests", status_code=200)
    async def send(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                   db: NamedDependency[Database], catalog: NamedDependency[Catalog],
                   settings: NamedDependency[Settings], round_id: RoundId) -> RoundView:
        """Send every nominated rater their link by e-mail; the round is open until its deadline."""
        view = await service.send_requests(db, catalog, settings, principal, round_id, clock.now())
        wake_mail_job(request)
        return view

    @post("/{round_id:str}/raters/{rater_id:str}/remind", operation_id="remindRater", status_code=200)
    async def remind(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                     db: NamedDependency[Database], catalog: NamedDependency[Catalog],
                     round_id: RoundId, rater_id: RaterId) -> RoundView:
        """The main supervisor reminds one rater who has not answered."""
        view = await service.remind(db, catalog, principal, round_id, rater_id, clock.now())
        wake_mail_job(request)
        return view

    @post("/{round_id:str}/close", operation_id="closeRound", status_code=200)
    async def close(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                    round_id: RoundId) -> RoundView:
        """Close before the deadline (the main supervisor); the links stop working."""
        return await service.close_round(db, principal, round_id, clock.now())

    @post("/{round_id:str}/extend", operation_id="extendRound", status_code=200)
    async def extend(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                     round_id: RoundId, data: JSONBody[Extension]) -> RoundView:
        """A new deadline: the round is open again for those who have not answered (and new raters)."""
        return await service.extend_round(db, principal, round_id, data, clock.now())

    @post("/{round_id:str}/hidden", operation_id="hideRoundComment", status_code=200)
    async def hide(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                   round_id: RoundId, data: JSONBody[HideComment]) -> RoundView:
        """Before release, hide one comment from the trainee (kept, with who hid it and why)."""
        return await service.hide_comment(db, principal, round_id, data, clock.now())

    @post("/{round_id:str}/release", operation_id="releaseRound", status_code=200)
    async def release(self, request: Request[Any, Any, Any], principal: NamedDependency[Principal],
                      db: NamedDependency[Database], round_id: RoundId) -> RoundView:
        """Release a closed, valid round: the trainee sees the report."""
        view = await service.release_round(db, principal, round_id, clock.now())
        wake_mail_job(request)
        return view

    @get("/{round_id:str}/report", operation_id="getRoundReport")
    async def report(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                     catalog: NamedDependency[Catalog], round_id: RoundId) -> Report:
        """Aggregates only: per item the distribution and median per group (never a group under 3) and
        overall, the self-assessment beside them, concerns counted, comments unattributed."""
        return await service.round_report(db, catalog, principal, round_id, clock.now())

    @put("/{round_id:str}/agreed", operation_id="setRoundAgreedPoints")
    async def agreed(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                     round_id: RoundId, data: JSONBody[AgreedPoints]) -> RoundView:
        """The development points the trainee and her main supervisor agreed on after the report."""
        return await service.set_agreed_points(db, principal, round_id, data, clock.now())

    @put("/{round_id:str}/self", operation_id="linkRoundSelfAssessment")
    async def self_assessment(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                              round_id: RoundId, data: JSONBody[SelfLink]) -> RoundView:
        """The trainee names her 360 self-assessment (msf-self) for this round."""
        return await service.link_self_assessment(db, principal, round_id, data, clock.now())


class UnitRoundRules(msgspec.Struct):
    """A unit's settings for its trainees' 360 rounds: the values in force and the defaults."""

    unit_id: int
    rules: dict[str, Any]
    defaults: dict[str, Any]


async def _unit_round_rules(db: Database, unit_id: int) -> UnitRoundRules:
    stored = await repository.unit_settings_of(db, [unit_id], SETTING_PREFIX)
    return UnitRoundRules(unit_id, dataclasses.asdict(rules_from_settings(stored)), dataclasses.asdict(DEFAULT_ROUND_RULES))


class UnitRoundRulesController(Controller):
    path = "/api/units"
    tags = ["rounds"]

    @get("/{unit_id:int}/round-rules", operation_id="getUnitRoundRules")
    async def get_rules(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                        unit_id: UnitId) -> UnitRoundRules:
        """What a new 360 round of the unit's trainees gets (admin or the unit's studierektor)."""
        await require_unit_steward(db, principal, unit_id)
        return await _unit_round_rules(db, unit_id)

    @put("/{unit_id:int}/round-rules", operation_id="changeUnitRoundRules")
    async def change_rules(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                           unit_id: UnitId, data: JSONBody[dict[str, Any]]) -> UnitRoundRules:
        """Set some of them (``{"trainee_may_open": true, "min_total": 12}``); ``null`` goes back to the default."""
        await require_unit_steward(db, principal, unit_id)
        if not data:
            raise InvalidInput("Nothing to change: name a setting and its value.")
        values = {name: checked_setting(name, value) for name, value in data.items()}

        await write_unit_settings(db, unit_id, {SETTING_PREFIX + name: v for name, v in values.items()}, principal.user_id)
        return await _unit_round_rules(db, unit_id)
