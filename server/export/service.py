"""One person's data as one JSON document: the answer to a GDPR right-of-access request.

Everything the service holds about her, and nothing of anyone else's: her account and roles, her
programmes and placements, every assessment about her with its full history (IUP, handledning log and
action plans included: each marked with its ``kind``), the requests she sent, her 360 rounds with the
released report as aggregates only, what she did on others' documents (when and what, not their
content), her devices, sessions (when, not their tokens), refused changes she sent, the reminders and
e-mails sent to her (subjects, never bodies: they carry links). An administrator makes the same for a
person who asks in writing; that is logged (``admin_events``)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

import msgspec

from .. import clock
from ..auth.principal import Principal
from ..catalog import Catalog
from ..db import Database, Row, Tx
from ..errors import Conflict, NotFound
from ..overview.service import FormKinds
from ..rounds.service import round_report
from ..people.repository import log_admin_event
from . import repository

_JSON_COLUMNS = ("data", "conflicts", "delmal", "detail", "group_minimums")


class ExportRequest(msgspec.Struct, forbid_unknown_fields=True):
    """An administrator's export for a person: the written request it answers (its date, reference)."""

    request: Annotated[str, msgspec.Meta(min_length=5, max_length=500,
                                         description="The written request this answers, e.g. its date and reference.")]


def _decoded(row: Row) -> dict[str, Any]:
    """A row with its JSON text columns as JSON."""
    out = dict(row)
    for column in _JSON_COLUMNS:
        value = out.get(column)
        if isinstance(value, str) and value[:1] in "[{":
            try:
                out[column] = json.loads(value)
            except ValueError:
                pass
    return out


def kind_of(kinds: FormKinds, form_id: str) -> str:
    if form_id in kinds.handledning:
        return "handledning"
    if form_id in (*kinds.iups, *kinds.iup_follow_ups):
        return "iup"
    if form_id in (*kinds.plans, *kinds.plan_follow_ups):
        return "handlingsplan"
    if form_id in kinds.finals:
        return "slutbedomning"
    if form_id in kinds.hidden:
        return "360_self"
    return "assessment"


async def _round_reports(db: Database, catalog: Catalog, subject: Principal, rounds: list[Row],
                         now: dt.datetime) -> list[dict[str, Any]]:
    out = []
    for row in rounds:
        entry = _decoded(row)
        if row["status"] == "released":
            entry["report"] = msgspec.to_builtins(await round_report(db, catalog, subject, row["id"], now))
        out.append(entry)
    return out


async def _subject(db: Database, user_id: int) -> tuple[Row, Principal]:
    found = await repository.person(db, user_id)
    if found is None:
        raise NotFound(f"No person {user_id}.")
    roles = await repository.roles(db, user_id)
    units = frozenset(int(r["unit_id"]) for r in roles if r["role"] == "studierektor" and r["unit_id"] is not None)
    return found, Principal(user_id=user_id, name=found["name"], email=found["email"],
                            roles=frozenset(r["role"] for r in roles), studierektor_units=units)


async def export_person(db: Database, catalog: Catalog, user_id: int, now: dt.datetime) -> dict[str, Any]:
    """Everything about ``user_id`` (read as she would read her own 360 report)."""
    found, subject = await _subject(db, user_id)
    kinds = FormKinds.of(catalog)
    actor = subject.actor
    hidden = tuple(f for f in kinds.hidden if f not in _self_forms(catalog))
    assessments = [_decoded(r) | {"kind": kind_of(kinds, r["form_id"])}
                   for r in await repository.own_assessments(db, user_id, hidden)]
    ids = [a["id"] for a in assessments]
    history: dict[str, list[dict[str, Any]]] = {}
    for event in await repository.audit_of(db, ids):
        history.setdefault(event["assessment_id"], []).append(_decoded(event))
    for a in assessments:
        a["history"] = history.get(a["id"], [])
    return {
        "made_at": clock.iso(now),
        "about": "Allt Bedside har sparat om dig / everything Bedside holds about you (GDPR art. 15)",
        "person": found,
        "roles": await repository.roles(db, user_id),
        "programmes": await repository.programmes(db, user_id),
        "placements": await repository.placements(db, user_id),
        "assessments": assessments,
        "written_for_others": await repository.written_for_others(db, user_id, actor),
        "own_actions": await repository.own_actions(db, user_id, actor, ids, hidden),
        "requests": await repository.requests(db, user_id),
        "requests_to_me": await repository.requests_to(db, found["email"], user_id),
        "rounds": await _round_reports(db, catalog, subject, await repository.rounds(db, user_id), now),
        "round_actions": await repository.round_actions(db, user_id),
        "sessions": await repository.sessions(db, user_id),
        "devices": await repository.devices(db, actor),
        "refused_changes": [_decoded(r) for r in await repository.refused(db, actor)],
        "plan_reminders": await repository.reminders(db, user_id),
        "mail": await repository.mail(db, found["email"]),
        "unit_settings_changed": await repository.settings_changed(db, user_id),
        "admin_events": await repository.admin_events_about(db, user_id),
    }


def _self_forms(catalog: Catalog) -> set[str]:
    """360 self-assessments: hers (she writes them), unlike the raters' answers about her."""
    return {f.form_id for f in catalog.forms() if f.instrument == "360" and not f.workflow.anonymous_to_trainee}


async def export_for_admin(db: Database, catalog: Catalog, admin: Principal, user_id: int, request: str,
                           now: dt.datetime) -> dict[str, Any]:
    """The same export, made by an administrator on a person's written request; logged first."""
    if user_id == admin.user_id:
        raise Conflict("Export your own data from your own account (GET /api/me/export).", reason="own_export")
    await _subject(db, user_id)

    async def log(tx: Tx) -> None:
        await log_admin_event(tx, clock.iso(now), admin.user_id, "export_person", user_id,
                                         json.dumps({"request": request.strip()}, ensure_ascii=False))
    await db.transaction(log)
    return await export_person(db, catalog, user_id, now)
