"""A 360 round's life: started by the trainee's main supervisor (or by the trainee where her unit
allows it), raters nominated, their requests sent, live status, closing at the deadline or by the
main supervisor, extension, hiding a comment, release and the report.

States: ``nominating`` → ``open`` (requests sent; until the deadline) → ``closed`` → ``released``. An
open round whose deadline has passed *is* closed (``effective_status``): reading never writes.

Who sees what (``views.py``): the main supervisor and the studierektor see every rater, by name, with
what they did; the trainee sees her own nominations only until the requests go out, then totals per
group, and the report only once released (aggregates, ``report.py``). Every change is a round event
with its actor.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import msgspec

from .. import clock
from ..assessments.actor import Actor
from ..assessments.participants import TraineeContext, load_trainee_contexts, participant_roles
from ..auth.principal import Principal
from ..auth.sessions import load_principal
from ..catalog import Catalog
from ..db import Database, Row, Tx
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..fields import PersonName, RowId, Uuid, is_email
from ..mail.outbox import queue_mail
from ..privacy.ids import new_id
from ..ratelimit import enforce
from ..requests.service import create_rater_request
from ..requests.status import LOCKED
from . import repository
from .messages import rater_mail, released_mail
from .report import Answer, Report, build_report
from .rules import GROUPS, SETTING_PREFIX, RoundRules, rules_from_settings
from .validity import failures
from .views import (SUPERVISING, Access, RoundView, answer_data, answered_of,
                    effective_status, rater_state, round_view)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
RATER_FORM, SELF_FORM = "msf-rater", "msf-self"
MAX_RATERS = 40
REMINDS_PER_DAY = 3
Day = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class RoundCreate(msgspec.Struct, forbid_unknown_fields=True):
    """``trainee_id``: whose round (a trainee leaves it out); ``deadline``: the last day raters may
    answer (default: the unit's, 45 days); minimums default to the unit's rules."""

    trainee_id: RowId | None = None
    deadline: Day | None = None
    min_total: Annotated[int, msgspec.Meta(ge=3, le=50)] | None = None
    group_minimums: dict[str, Annotated[int, msgspec.Meta(ge=0, le=20)]] | None = None


class RaterCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: PersonName
    email: Annotated[str, msgspec.Meta(max_length=320)]
    group: Annotated[str, msgspec.Meta(max_length=30)]


class Extension(msgspec.Struct, forbid_unknown_fields=True):
    deadline: Day


class HideComment(msgspec.Struct, forbid_unknown_fields=True):
    assessment_id: Uuid
    field: Annotated[str, msgspec.Meta(max_length=60)]
    reason: Annotated[str, msgspec.Meta(min_length=3, max_length=1000)]


class AgreedPoints(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[str, msgspec.Meta(max_length=4000)]


class SelfLink(msgspec.Struct, forbid_unknown_fields=True):
    assessment_id: Uuid


def calendar_day(day: str) -> dt.date:
    try:
        return dt.date.fromisoformat(day)
    except ValueError:
        raise InvalidInput(f"{day} is not a day of the calendar (YYYY-MM-DD).", reason="deadline_out_of_range") from None


def deadline_of(day: str) -> str:
    """The end of ``day`` in Swedish time, as the UTC instant stored (the last moment to answer)."""
    end = dt.datetime.combine(calendar_day(day), dt.time(23, 59, 59), STOCKHOLM)
    return clock.iso(end.astimezone(dt.UTC))


async def _context(db: Database | Tx, trainee_id: int) -> TraineeContext:
    ctx = (await load_trainee_contexts(db, {trainee_id})).get(trainee_id)
    if ctx is None or not ctx.is_trainee:
        raise NotFound(f"User {trainee_id} is not a trainee.")
    return ctx


async def unit_rules(db: Database | Tx, ctx: TraineeContext) -> RoundRules:
    return rules_from_settings(await repository.unit_settings_of(db, sorted(ctx.units), SETTING_PREFIX))


async def _round(db: Database | Tx, principal: Principal, round_id: str, *, for_update: bool = False
                 ) -> tuple[Row, TraineeContext, Access]:
    """The round and the caller's roles on it; anyone without a role learns nothing of it."""
    row = await repository.round_row(db, round_id, for_update=for_update)
    if row is None:
        raise NotFound("This 360 round does not exist or is not yours to see.")
    ctx = await _context(db, row["trainee_id"])
    roles = participant_roles(principal, trainee_id=row["trainee_id"], assessor_id=None, ctx=ctx) & (
        SUPERVISING | {"trainee"})
    if not roles:
        raise NotFound("This 360 round does not exist or is not yours to see.")
    return row, ctx, Access(roles)


async def create_round(db: Database, principal: Principal, data: RoundCreate, now: dt.datetime) -> RoundView:
    trainee_id = data.trainee_id if data.trainee_id is not None else principal.user_id
    ctx = await _context(db, trainee_id)
    roles = participant_roles(principal, trainee_id=trainee_id, assessor_id=None, ctx=ctx)
    rules = await unit_rules(db, ctx)
    if "main_supervisor" not in roles:
        if "trainee" not in roles:
            raise Forbidden("Only the trainee's main supervisor (huvudhandledare) starts her 360 round.",
                            reason="not_main_supervisor")
        if not rules.trainee_may_open:
            raise Forbidden("In your unit the main supervisor starts a 360 round: ask your huvudhandledare.",
                            reason="round_by_supervisor")
    minimums = rules.group_minimums() | {g: n for g, n in (data.group_minimums or {}).items()}
    unknown = sorted(set(minimums) - set(GROUPS))
    if unknown:
        raise InvalidInput(f"Unknown rater group {', '.join(unknown)}: the groups are {', '.join(GROUPS)}.",
                           reason="unknown_group")
    min_total = data.min_total if data.min_total is not None else rules.min_total
    if sum(minimums.values()) > min_total:
        raise InvalidInput("The groups' minimums add up to more than the round's minimum number of raters.",
                           reason="minimums_exceed_total")
    today = now.astimezone(STOCKHOLM).date()
    day = data.deadline or (today + dt.timedelta(days=rules.deadline_days)).isoformat()
    calendar_day(day)
    if not (today + dt.timedelta(days=7)).isoformat() <= day <= (today + dt.timedelta(days=180)).isoformat():
        raise InvalidInput("The deadline must be between 7 and 180 days from today.", reason="deadline_out_of_range")
    round_id = new_id()

    async def run(tx: Tx) -> Row:
        # two starts at once on two servers: the second waits here, then finds the first
        await tx.fetchone(f"SELECT id FROM users WHERE id = ?{tx.for_update}", (trainee_id,))
        open_round = await tx.fetchone("SELECT id FROM msf_rounds WHERE trainee_id = ? AND status <> 'released'",
                                       (trainee_id,))
        if open_round:
            raise Conflict("This trainee already has a 360 round under way: finish or release it first.",
                           reason="round_exists")
        await tx.execute(
            """INSERT INTO msf_rounds (id, trainee_id, status, deadline, min_total, group_minimums, comment_seed,
                 created_by, created_at, updated_at) VALUES (?, ?, 'nominating', ?, ?, ?, ?, ?, ?, ?)""",
            (round_id, trainee_id, deadline_of(day), min_total, json.dumps(minimums, sort_keys=True),
             secrets.token_hex(16), principal.user_id, clock.iso(now), clock.iso(now)))
        await repository.add_event(tx, round_id, clock.iso(now), principal.user_id, "created",
                                   {"deadline": day, "min_total": min_total, "group_minimums": minimums})
        row = await repository.round_row(tx, round_id)
        assert row is not None
        return row

    row = await db.transaction(run)
    return await round_view(db, principal, row, ctx, Access(roles & (SUPERVISING | {"trainee"})), now)


class RoundSettings(msgspec.Struct):
    """What a new round of this trainee gets (her unit's rules), and whether the caller may start it."""

    trainee_id: int
    may_start: bool
    deadline_days: int
    min_total: int
    group_minimums: dict[str, int]
    trainee_may_open: bool


async def round_settings(db: Database, principal: Principal, trainee_id: int | None) -> RoundSettings:
    target = trainee_id if trainee_id is not None else principal.user_id
    ctx = await _context(db, target)
    roles = participant_roles(principal, trainee_id=target, assessor_id=None, ctx=ctx)
    if not roles & (SUPERVISING | {"trainee"}):
        raise Forbidden("You follow no such trainee.", reason="not_your_trainee")
    rules = await unit_rules(db, ctx)
    may = "main_supervisor" in roles or ("trainee" in roles and rules.trainee_may_open)
    return RoundSettings(target, may, rules.deadline_days, rules.min_total, rules.group_minimums(),
                         rules.trainee_may_open)


async def list_rounds(db: Database, principal: Principal, trainee_id: int | None, now: dt.datetime) -> list[RoundView]:
    """The caller's own rounds, or (a supervisor) those of ``trainee_id``."""
    target = trainee_id if trainee_id is not None else principal.user_id
    ctx = await _context(db, target)
    roles = participant_roles(principal, trainee_id=target, assessor_id=None, ctx=ctx) & (SUPERVISING | {"trainee"})
    if not roles:
        raise Forbidden("You follow no such trainee.", reason="not_your_trainee")
    return [await round_view(db, principal, r, ctx, Access(roles), now) for r in await repository.rounds_of(db, [target])]


async def get_round(db: Database, principal: Principal, round_id: str, now: dt.datetime) -> RoundView:
    row, ctx, access = await _round(db, principal, round_id)
    return await round_view(db, principal, row, ctx, access, now)


def _require(can: bool, message: str, *, reason: str) -> None:
    if not can:
        raise Conflict(message, reason=reason)


async def _change(db: Database, principal: Principal, round_id: str, now: dt.datetime, work: Any) -> RoundView:
    """Run ``work(tx, row, ctx, access, status)`` on the locked round, then answer with the round."""

    async def run(tx: Tx) -> None:
        row, ctx, access = await _round(tx, principal, round_id, for_update=True)
        await work(tx, row, ctx, access, effective_status(row, now))
        await tx.execute("UPDATE msf_rounds SET updated_at = ? WHERE id = ?", (clock.iso(now), round_id))

    await db.transaction(run)
    return await get_round(db, principal, round_id, now)


def _nominator(access: Access) -> None:
    if not (access.trainee or access.main_supervisor):
        raise Forbidden("Only the trainee and her main supervisor nominate raters.", reason="not_round_nominator")


def _main_supervisor(access: Access) -> None:
    if not access.main_supervisor:
        raise Forbidden("Only the trainee's main supervisor does this.", reason="not_main_supervisor")


async def nominate(db: Database, catalog: Catalog, settings: Any, principal: Principal, round_id: str,
                   data: RaterCreate, now: dt.datetime) -> RoundView:
    email = data.email.strip().lower()
    if not is_email(email):
        raise InvalidInput("That is not an e-mail address.", reason="invalid_email")
    if data.group not in GROUPS:
        raise InvalidInput(f"Unknown rater group: the groups are {', '.join(GROUPS)}.", reason="unknown_group")

    async def work(tx: Tx, row: Row, ctx: TraineeContext, access: Access, status: str) -> None:
        _nominator(access)
        _require(status in ("nominating", "open"), "Raters are nominated before the round closes; extend it first.", reason="round_closed")
        trainee = await tx.fetchone("SELECT email FROM users WHERE id = ?", (row["trainee_id"],))
        if trainee and trainee["email"].lower() == email:
            raise InvalidInput("A trainee does not rate herself here: her self-assessment is its own form.",
                               reason="own_assessment")
        existing = await tx.fetchone("SELECT nominated_by FROM msf_round_raters WHERE round_id = ? AND email = ?",
                                     (round_id, email))
        if existing and existing["nominated_by"] != principal.user_id and not access.main_supervisor:
            return  # her main supervisor asked this person already: asked, and she is not told by whom
        if existing:
            raise Conflict("This person is already nominated in the round.", reason="rater_exists")
        count = await tx.fetchone("SELECT count(*) AS n FROM msf_round_raters WHERE round_id = ?", (round_id,))
        if count and int(count["n"]) >= MAX_RATERS:
            raise Conflict(f"A round has at most {MAX_RATERS} raters.", reason="too_many_raters")
        rater_id = new_id()
        await tx.execute(
            """INSERT INTO msf_round_raters (id, round_id, name, email, rater_group, nominated_by, nominated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)""", (rater_id, round_id, data.name.strip(), email, data.group,
                                                principal.user_id, clock.iso(now)))
        await repository.add_event(tx, round_id, clock.iso(now), principal.user_id, "nominated",
                                   {"rater_id": rater_id, "group": data.group})
        if status == "open":  # a rater added to a running round is asked at once
            await _ask(tx, catalog, settings, principal, row, [rater_id], now)

    return await _change(db, principal, round_id, now, work)


async def remove_rater(db: Database, principal: Principal, round_id: str, rater_id: str, now: dt.datetime) -> RoundView:
    async def work(tx: Tx, row: Row, ctx: TraineeContext, access: Access, status: str) -> None:
        _nominator(access)
        _require(status == "nominating", "A rater is removed only before the requests go out.", reason="round_sent")
        rater = await tx.fetchone("SELECT nominated_by FROM msf_round_raters WHERE round_id = ? AND id = ?",
                                  (round_id, rater_id))
        if rater is None or (rater["nominated_by"] != principal.user_id and not access.main_supervisor):
            raise NotFound("No such rater in this round.")
        await tx.execute("DELETE FROM msf_round_raters WHERE id = ?", (rater_id,))
        await repository.add_event(tx, round_id, clock.iso(now), principal.user_id, "removed", {"rater_id": rater_id})

    return await _change(db, principal, round_id, now, work)


async def _ask(tx: Tx, catalog: Catalog, settings: Any, principal: Principal, row: Row, rater_ids: list[str],
               now: dt.datetime) -> None:
    """Send each rater their request (asked in the trainee's name, by ``principal``)."""
    trainee = await load_principal(tx, row["trainee_id"])  # type: ignore[arg-type]
    if trainee is None:
        raise NotFound("The trainee's account is gone.")
    actor = Actor(id=principal.actor, name=principal.name, principal=trainee)
    expires = clock.parse(row["deadline"])
    for rater_id in rater_ids:
        rater = await repository.rater_row(tx, row["id"], rater_id)
        assert rater is not None
        request_id = await create_rater_request(
            tx, catalog, settings, actor=actor, trainee=trainee, form_id=RATER_FORM, name=rater["name"],
            email=rater["email"], round_id=row["id"], expires=expires, now=now,
            mail=rater_mail(trainee=trainee.name, rater=rater["name"], deadline=row["deadline"]))
        await tx.execute("UPDATE msf_round_raters SET request_id = ? WHERE id = ?", (request_id, rater_id))


async def send_requests(db: Database, catalog: Catalog, settings: Any, principal: Principal, round_id: str,
                        now: dt.datetime) -> RoundView:
    async def work(tx: Tx, row: Row, ctx: TraineeContext, access: Access, status: str) -> None:
        _nominator(access)
        _require(status == "nominating", "The requests of this round have gone out already.", reason="round_sent")
        raters = await repository.raters_of(tx, round_id)
        if len(raters) < row["min_total"]:
            raise Conflict(f"Nominate at least {row['min_total']} raters (15–20 is advised, since not everyone "
                           f"answers); {len(raters)} so far.", reason="too_few_raters")
        minimums = json.loads(row["group_minimums"])
        short = [g for g, n in minimums.items() if sum(1 for r in raters if r["rater_group"] == g) < n]
        if short:
            raise Conflict(f"Nominate at least the minimum from {', '.join(GROUPS[g].lower() for g in short)}.",
                           reason="too_few_in_group")
        await _ask(tx, catalog, settings, principal, row, [r["id"] for r in raters], now)
        await tx.execute("UPDATE msf_rounds SET status = 'open', opened_at = ? WHERE id = ?", (clock.iso(now), round_id))
        await repository.add_event(tx, round_id, clock.iso(now), principal.user_id, "sent", {"raters": len(raters)})

    return await _change(db, principal, round_id, now, work)


async def remind(db: Database, catalog: Catalog, principal: Principal, round_id: str, rater_id: str,
                 now: dt.datetime) -> RoundView:
    from ..requests.reminders import remind_now
    from ..requests.links import REQUEST_SELECT

    row, ctx, access = await _round(db, principal, round_id)
    _main_supervisor(access)
    _require(effective_status(row, now) == "open", "Only an open round's raters are reminded.", reason="round_closed")
    rater = await repository.rater_row(db, round_id, rater_id)
    if rater is None or rater["request_id"] is None:
        raise NotFound("No such rater in this round.")
    _require(rater_state(rater, now) in ("sent", "opened", "in_progress"),
             "This rater has answered or declined: there is nothing to remind.", reason="rater_done")
    await enforce(db, f"remind:{rater['request_id']}", limit=REMINDS_PER_DAY, window_seconds=86400,
                  what="reminders for this rater")
    request = await db.fetchone(f"{REQUEST_SELECT} WHERE r.id = ?", (rater["request_id"],))
    assert request is not None
    await remind_now(db, catalog, request, now, also=lambda tx: repository.add_event(
        tx, round_id, clock.iso(now), principal.user_id, "reminded", {"rater_id": rater_id}))
    return await get_round(db, principal, round_id, now)


async def close_round(db: Database, principal: Principal, round_id: str, now: dt.datetime) -> RoundView:
    async def work(tx: Tx, row: Row, ctx: TraineeContext, access: Access, status: str) -> None:
        _main_supervisor(access)
        _require(status == "open", "Only an open round is closed.", reason="round_not_open")
        await tx.execute("UPDATE msf_rounds SET status = 'closed', closed_at = ? WHERE id = ?", (clock.iso(now), round_id))
        # the links stop working with the round
        await tx.execute("UPDATE assessment_requests SET expires_at = ? WHERE round_id = ? AND expires_at > ?",
                         (clock.iso(now), round_id, clock.iso(now)))
        await repository.add_event(tx, round_id, clock.iso(now), principal.user_id, "closed", {})

    return await _change(db, principal, round_id, now, work)


async def extend_round(db: Database, principal: Principal, round_id: str, data: Extension, now: dt.datetime) -> RoundView:
    today = now.astimezone(STOCKHOLM).date()
    calendar_day(data.deadline)
    if not today.isoformat() < data.deadline <= (today + dt.timedelta(days=180)).isoformat():
        raise InvalidInput("The new deadline must be after today and within 180 days.", reason="deadline_out_of_range")
    deadline = deadline_of(data.deadline)

    async def work(tx: Tx, row: Row, ctx: TraineeContext, access: Access, status: str) -> None:
        _main_supervisor(access)
        _require(status in ("open", "closed"), "Only a round that was sent and is not released is extended.", reason="round_not_extendable")
        await tx.execute("UPDATE msf_rounds SET status = 'open', deadline = ?, closed_at = NULL WHERE id = ?",
                         (deadline, round_id))
        # the links of those who have not answered, declined or been withdrawn work until the new deadline
        await tx.execute(
            f"""UPDATE assessment_requests SET expires_at = ?, reminder_base_at = ?, reminders_sent = 0
                  WHERE round_id = ? AND declined_at IS NULL AND withdrawn_at IS NULL AND assessment_id IN
                  (SELECT id FROM assessments WHERE status NOT IN ({", ".join("?" for _ in LOCKED)}))""",
            (deadline, clock.iso(now), round_id, *LOCKED))
        await repository.add_event(tx, round_id, clock.iso(now), principal.user_id, "extended", {"deadline": data.deadline})

    return await _change(db, principal, round_id, now, work)


async def hide_comment(db: Database, principal: Principal, round_id: str, data: HideComment, now: dt.datetime) -> RoundView:
    from .report import COMMENT_FIELDS

    if data.field not in COMMENT_FIELDS:
        raise InvalidInput(f"Only a comment is hidden: {', '.join(COMMENT_FIELDS)}.", reason="not_a_comment")

    async def work(tx: Tx, row: Row, ctx: TraineeContext, access: Access, status: str) -> None:
        _main_supervisor(access)
        _require(status in ("open", "closed"), "A comment is hidden before the round is released.", reason="round_released")
        raters = await repository.raters_of(tx, round_id)
        if not any(r["assessment_id"] == data.assessment_id for r in raters):
            raise NotFound("No such answer in this round.")
        if await tx.fetchone("SELECT id FROM msf_hidden_comments WHERE round_id = ? AND assessment_id = ? AND field = ?",
                             (round_id, data.assessment_id, data.field)):
            return
        await tx.execute(
            """INSERT INTO msf_hidden_comments (round_id, assessment_id, field, reason, hidden_by, hidden_at)
               VALUES (?, ?, ?, ?, ?, ?)""", (round_id, data.assessment_id, data.field, data.reason.strip(),
                                              principal.user_id, clock.iso(now)))
        await repository.add_event(tx, round_id, clock.iso(now), principal.user_id, "hid",
                                   {"assessment_id": data.assessment_id, "field": data.field, "reason": data.reason.strip()})

    return await _change(db, principal, round_id, now, work)


async def release_round(db: Database, principal: Principal, round_id: str, now: dt.datetime) -> RoundView:
    async def work(tx: Tx, row: Row, ctx: TraineeContext, access: Access, status: str) -> None:
        _main_supervisor(access)
        _require(status == "closed", "A round is released once it is closed.", reason="round_not_closed")
        raters = await repository.raters_of(tx, round_id)
        answered = answered_of(raters, now, row)
        failed = failures({g: sum(1 for r in answered if r["rater_group"] == g) for g in GROUPS}, row["min_total"],
                          json.loads(row["group_minimums"]))
        if failed:
            raise Conflict("This round is not valid: " + " ".join(f.message for f in failed)
                           + " Extend it, or nominate more raters.", reason="round_invalid")
        await tx.execute("UPDATE msf_rounds SET status = 'released', released_at = ?, closed_at = coalesce(closed_at, ?) "
                         "WHERE id = ?", (clock.iso(now), row["deadline"], round_id))
        await repository.add_event(tx, round_id, clock.iso(now), principal.user_id, "released", {})
        trainee = await tx.fetchone("SELECT name, email FROM users WHERE id = ?", (row["trainee_id"],))
        if trainee:
            mail = released_mail(trainee=trainee["name"])
            await queue_mail(tx, to=trainee["email"], subject=mail.subject, body=mail.body, kind="round_released",
                             now=now, thread=f"round:{round_id}")

    return await _change(db, principal, round_id, now, work)


async def set_agreed_points(db: Database, principal: Principal, round_id: str, data: AgreedPoints,
                            now: dt.datetime) -> RoundView:
    async def work(tx: Tx, row: Row, ctx: TraineeContext, access: Access, status: str) -> None:
        if not (access.trainee or access.main_supervisor):
            raise Forbidden("Only the trainee and her main supervisor write this.", reason="not_round_nominator")
        _require(status == "released", "The development points are written after the report is released.", reason="round_not_released")
        await tx.execute("UPDATE msf_rounds SET agreed_points = ? WHERE id = ?", (data.text.strip() or None, round_id))
        await repository.add_event(tx, round_id, clock.iso(now), principal.user_id, "agreed", {})

    return await _change(db, principal, round_id, now, work)


async def link_self_assessment(db: Database, principal: Principal, round_id: str, data: SelfLink,
                               now: dt.datetime) -> RoundView:
    async def work(tx: Tx, row: Row, ctx: TraineeContext, access: Access, status: str) -> None:
        if not access.trainee:
            raise Forbidden("The self-assessment is the trainee's own.", reason="not_your_round")
        _require(status != "released", "The round is released; its self-assessment is settled.", reason="round_released")
        own = await repository.self_assessment(tx, data.assessment_id)
        if own is None or own["trainee_id"] != row["trainee_id"] or own["form_id"] != SELF_FORM:
            raise InvalidInput("Link your own 360 self-assessment (msf-self).", reason="not_a_self_assessment")
        await tx.execute("UPDATE msf_rounds SET self_assessment_id = ? WHERE id = ?", (data.assessment_id, round_id))
        await repository.add_event(tx, round_id, clock.iso(now), principal.user_id, "self_linked", {})

    return await _change(db, principal, round_id, now, work)


def rating_items(catalog: Catalog) -> list[tuple[str, str]]:
    """The rater form's rating items (scale fields), with their Swedish labels, in the form's order."""
    form = catalog.latest(RATER_FORM)
    assert form is not None
    items = []
    for section in form.ui.get("sections", []):
        for f in section.get("fields", []):
            if f.get("widget") == "scale":
                label = f.get("label", {})
                items.append((f["field"].lstrip("/"), str(label.get("sv", f["field"])) if isinstance(label, dict) else str(label)))
    return items


async def round_report(db: Database, catalog: Catalog, principal: Principal, round_id: str, now: dt.datetime) -> Report:
    """The report: the trainee once released; her main supervisor and studierektor once closed."""
    row, ctx, access = await _round(db, principal, round_id)
    status = effective_status(row, now)
    if access.supervising:
        _require(status in ("closed", "released"), "The report is made once the round is closed.", reason="round_not_closed")
    elif status != "released":
        raise Conflict("Your main supervisor releases the report when the round is complete.", reason="round_not_released")
    raters = await repository.raters_of(db, round_id)
    answers = [Answer(r["assessment_id"], r["rater_group"], answer_data(r)) for r in answered_of(raters, now, row)]
    hidden = {(h["assessment_id"], h["field"]) for h in await repository.hidden_of(db, round_id)}
    own = await repository.self_assessment(db, row["self_assessment_id"]) if row["self_assessment_id"] else None
    self_data = json.loads(own["data"]) if own and own["status"] in LOCKED else None
    return build_report(answers, items=rating_items(catalog), self_data=self_data, seed=row["comment_seed"],
                        hidden=hidden)
