"""Each person's home: what waits for them first, then their people, one section per role they hold."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import msgspec

from .. import clock

from ..access import supervised_trainees_sql, visible_assessments_where
from ..assessments.views import restricted_forms
from ..auth.principal import Principal
from ..catalog import Catalog
from ..db import Database
from ..plans.repository import plans_and_follow_ups
from ..plans.schedule import PlanLine, plan_lines
from .service import (
    FormKinds,
    TraineeStatus,
    by_flag,
    current_placement,
    supervised_here,
    trainee_statuses,
    unit_table_rows,
    with_placements,
)


class WaitingItem(msgspec.Struct, kw_only=True):
    """One thing the person must do: ``fill`` (a draft naming them as assessor), ``sign``,
    ``acknowledge``, ``countersign`` an assessment, or ``start_final`` / ``continue_final`` the
    Slutbedömning of a placement that ends soon or has ended."""

    kind: str
    trainee_id: int
    trainee_name: str
    doc_id: str | None = None
    form_id: str | None = None
    form_version: int | None = None
    status: str | None = None
    observed_on: str | None = None
    placement_id: int | None = None
    #: the placement's unit and specialty, for a Slutbedömning item
    placement: str | None = None
    end_date: str | None = None
    #: a 360 round to act on (its main supervisor): ``round_concern`` (an answer raised a concern),
    #: ``round_review`` (closed: go through it and release it)
    round_id: str | None = None


class TraineeHome(msgspec.Struct, kw_only=True):
    """The BT-läkare's own section: the current placement, open requests and drafts, what is missing."""

    status: TraineeStatus | None
    current_placement_id: int | None
    open_requests: int
    drafts: int
    #: ``signed_short`` {signed, target} and ``final_missing`` {placement_id}
    missing: list[dict[str, Any]]


class UnitSummary(msgspec.Struct):
    unit_id: int
    unit: str
    trainees: int
    flagged: int


class Home(msgspec.Struct, kw_only=True):
    roles: list[str]
    today: str
    waiting: list[WaitingItem]
    trainee: TraineeHome | None = None
    clinical_supervisor: list[TraineeStatus] | None = None
    main_supervisor: list[TraineeStatus] | None = None
    studierektor: list[UnitSummary] | None = None
    #: the action plans of her trainees (HHL) or her unit (studierektor) that she may read, most overdue first
    plans: list[PlanLine] | None = None


async def waiting_for(db: Database, catalog: Catalog, principal: Principal) -> list[WaitingItem]:
    """Assessments waiting for ``principal``'s step, oldest activity first."""
    me = principal.user_id
    kinds = FormKinds.of(catalog)
    hidden = ", ".join("?" for _ in kinds.hidden) or "NULL"
    rows = await db.fetch(
        f"""SELECT a.id, a.form_id, a.form_version, a.status, a.observed_on, a.trainee_id, a.assessor_id,
                   a.placement_id, t.name AS trainee_name,
                   EXISTS (SELECT 1 FROM programmes pr WHERE pr.trainee_id = a.trainee_id
                           AND pr.main_supervisor_id = ?) AS is_hhl
            FROM assessments a JOIN users t ON t.id = a.trainee_id
            WHERE a.deleted = 0 AND (
                  (a.assessor_id = ? AND a.trainee_id <> ? AND a.status IN ('draft', 'submitted'))
               OR (a.trainee_id = ? AND a.status = 'signed' AND a.form_id NOT IN ({hidden}))
               OR (a.status IN ('signed', 'acknowledged') AND a.trainee_id IN
                      (SELECT trainee_id FROM programmes WHERE main_supervisor_id = ?)))
            ORDER BY a.observed_on, a.created_at""",
        [me, me, me, me, *kinds.hidden, me],
    )
    items = []
    for r in rows:
        form = catalog.get(r["form_id"], int(r["form_version"]))
        if form is None:
            continue
        w = form.workflow
        kind = None
        if r["assessor_id"] == me and r["status"] == "draft" and "assessor" in w.editors:
            kind = "fill"
        elif r["assessor_id"] == me and r["status"] == "submitted" and w.sign == "assessor":
            kind = "sign"
        elif r["trainee_id"] == me and r["status"] == "signed" and w.acknowledge == "trainee":
            kind = "acknowledge"
        elif (r["is_hhl"] and w.countersign == "main_supervisor"
              and (r["status"] == "acknowledged" or (r["status"] == "signed" and not w.acknowledge))):
            kind = "countersign"
        if kind:
            items.append(WaitingItem(kind=kind, trainee_id=r["trainee_id"], trainee_name=r["trainee_name"],
                                     doc_id=r["id"], form_id=r["form_id"], form_version=int(r["form_version"]),
                                     status=r["status"], observed_on=r["observed_on"], placement_id=r["placement_id"]))
    return items


async def rounds_waiting(db: Database, supervisor_id: int) -> list[WaitingItem]:
    """The 360 rounds of this main supervisor's trainees that wait for them: a concern raised in an
    answer (at once, not only at release), and a closed round to go through and release."""
    now = clock.iso(clock.now())
    rows = await db.fetch(
        """SELECT m.id, m.status, m.deadline, m.trainee_id, t.name AS trainee_name, a.status AS doc_status, a.data
           FROM msf_rounds m JOIN users t ON t.id = m.trainee_id
           LEFT JOIN assessment_requests r ON r.round_id = m.id
           LEFT JOIN assessments a ON a.id = r.assessment_id AND a.status IN ('signed', 'acknowledged', 'countersigned')
           WHERE m.status <> 'released' AND m.trainee_id IN (SELECT trainee_id FROM programmes WHERE main_supervisor_id = ?)
           ORDER BY m.created_at, m.id""", (supervisor_id,))
    items: dict[tuple[str, str], WaitingItem] = {}
    for r in rows:
        base = {"trainee_id": r["trainee_id"], "trainee_name": r["trainee_name"], "round_id": r["id"], "end_date": r["deadline"][:10]}
        if r["data"] and json.loads(r["data"]).get("overall_concern") in ("viss", "allvarlig"):
            items.setdefault((r["id"], "round_concern"), WaitingItem(kind="round_concern", **base))
        if r["status"] == "closed" or (r["status"] == "open" and r["deadline"] <= now):
            items.setdefault((r["id"], "round_review"), WaitingItem(kind="round_review", **base))
    return list(items.values())


def finals_due(trainees: list[TraineeStatus], supervisor_id: int, today: dt.date) -> list[WaitingItem]:
    """Placements of this clinical supervisor whose Slutbedömning is due (ending within the unit's
    window, or ended) and not yet signed."""
    items = []
    for t in trainees:
        for p in supervised_here(t, supervisor_id, today):
            if not p.final_due:
                continue
            writing = p.final is not None
            items.append(WaitingItem(kind="continue_final" if writing else "start_final", trainee_id=t.trainee_id,
                                     trainee_name=t.name, doc_id=p.final.doc_id if p.final else None,
                                     status=p.final.status if p.final else None, placement_id=p.placement_id,
                                     placement=f"{p.unit} · {p.specialty}", end_date=p.end_date))
    return items


async def home(db: Database, catalog: Catalog, principal: Principal, today: dt.date) -> Home:
    trainees = await trainee_statuses(db, catalog, principal, today)
    me = principal.user_id
    result = Home(roles=sorted(principal.roles), today=today.isoformat(), waiting=await waiting_for(db, catalog, principal))
    if principal.has("trainee"):
        own = next((t for t in trainees if t.trainee_id == me), None)
        # her own drafts: never a 360 rater's answer, whose state would tell her when a rater answered
        hidden = FormKinds.of(catalog).hidden
        drafts = await db.fetchone(
            f"""SELECT count(*) AS n FROM assessments WHERE trainee_id = ? AND status = 'draft' AND deleted = 0
                AND form_id NOT IN ({", ".join("?" for _ in hidden) or "NULL"})""", (me, *hidden))
        result.trainee = TraineeHome(status=own, current_placement_id=None, open_requests=own.open_requests if own else 0,
                                     drafts=int(drafts["n"]) if drafts else 0, missing=[])
        current = current_placement(own) if own else None
        if current is not None:
            result.trainee.current_placement_id = current.placement_id
            if current.signed < current.target:
                result.trainee.missing.append({"code": "signed_short", "signed": current.signed, "target": current.target,
                                               "placement_id": current.placement_id})
        for p in own.placements if own else []:
            if p.final_due:
                result.trainee.missing.append({"code": "final_missing", "placement_id": p.placement_id})
    if principal.has("clinical_supervisor"):
        mine = [with_placements(t, supervised_here(t, me, today)) for t in trainees if t.trainee_id != me]
        result.clinical_supervisor = by_flag([t for t in mine if t.placements])
        result.waiting.extend(finals_due(trainees, me, today))
    if principal.has("main_supervisor"):
        result.main_supervisor = by_flag([t for t in trainees if me in t.main_supervisor_ids])
        result.waiting.extend(await rounds_waiting(db, me))
    if principal.has("studierektor"):
        units = unit_table_rows(trainees, set(principal.studierektor_units))
        names = await db.fetch(
            f"SELECT id, name FROM units WHERE id IN ({', '.join('?' for _ in principal.studierektor_units) or 'NULL'})",
            sorted(principal.studierektor_units))
        result.studierektor = [
            UnitSummary(int(u["id"]), u["name"], sum(1 for t in units if u["id"] in t.programme_unit_ids),
                        sum(1 for t in units if u["id"] in t.programme_unit_ids and t.flags))
            for u in names]
    if principal.has("studierektor") or principal.has("main_supervisor"):
        result.plans = await visible_plans(db, catalog, principal, today)
    return result


async def visible_plans(db: Database, catalog: Catalog, principal: Principal, today: dt.date) -> list[PlanLine]:
    """The plans ``principal`` oversees as HHL or studierektor (not as a clinical supervisor, who reads
    only part of one, on its page)."""
    kinds = FormKinds.of(catalog)
    overseen, params = supervised_trainees_sql(principal, clinical=False)
    readable, readable_params = visible_assessments_where(principal, kinds.hidden, restricted_forms=restricted_forms(catalog))
    rows = await plans_and_follow_ups(db, overseen, params, readable, readable_params, (*kinds.plans, *kinds.plan_follow_ups))
    lines = plan_lines(rows, kinds.plans, today)
    for line in lines:
        form = catalog.get(line.form_id, line.form_version)
        line.title = dict(form.title) if form else {}
    return lines
