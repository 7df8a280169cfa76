"""Where each trainee the caller may see stands, computed once from a handful of grouped queries, then
cut to what each role's home shows."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass

import msgspec

from ..access import visible_assessments_where, visible_trainees_sql
from ..assessments.views import restricted_forms
from ..auth.principal import Principal
from ..catalog import Catalog
from ..db import Database
from ..plans.repository import plans_and_follow_ups
from ..plans.schedule import Overdue, overdue_follow_ups, plan_forms
from ..unit_settings import read_unit_settings
from . import repository
from .iup import current_iups, iup_follow_up_flag
from .progress import (
    FinalState,
    Flag,
    Meeting,
    PlacementStatus,
    final_state,
    flag_weight,
    handledning_flags,
    latest_final,
    meeting_of,
    placement_status,
    request_flag,
)
from .rules import FlagRules, rules_from_settings


@dataclass(frozen=True)
class FormKinds:
    """Which forms count as what: formative evidence (Mini-CEX, DOPS...: signed by an assessor), the
    placement's Slutbedömning, and 360 forms, which never count here (their answers are anonymous). A
    form the trainee signs herself (Coachloopen) is in none: listed on her page, never counted as an
    assessment; nor is a supervision meeting (Handledningssamtal, workflow ``purpose`` handledning)."""

    formative: tuple[str, ...]
    finals: tuple[str, ...]
    hidden: tuple[str, ...]
    #: the handledning log's forms (a meeting documented, not an assessment): their rhythm is a flag
    handledning: tuple[str, ...] = ()
    #: action plans (they schedule follow-ups) and the forms that follow them up (seed 003)
    plans: tuple[str, ...] = ()
    plan_follow_ups: tuple[str, ...] = ()
    #: the individual training programme per placement (IUP) and the forms that follow it up
    iups: tuple[str, ...] = ()
    iup_follow_ups: tuple[str, ...] = ()

    @classmethod
    @functools.lru_cache(maxsize=4)  # a catalog never changes while the server runs
    def of(cls, catalog: Catalog) -> FormKinds:
        formative, finals, hidden, handledning, plans, follow_ups = set(), set(), set(), set(), set(), set()
        plan_ids = set(plan_forms(catalog))  # the plans schedule follow-ups; the rest follow them up
        iups, iup_follow_ups = set(), set()
        for form in catalog.forms():
            if form.workflow.purpose == "iup":
                (iup_follow_ups if form.workflow.follows_up else iups).add(form.form_id)
            elif form.workflow.purpose == "handlingsplan":
                (plans if form.form_id in plan_ids else follow_ups).add(form.form_id)
            elif form.workflow.purpose == "handledning":
                handledning.add(form.form_id)
            elif form.workflow.anonymous_to_trainee or form.instrument == "360":
                hidden.add(form.form_id)
            elif form.instrument.startswith("slutbedomning"):
                finals.add(form.form_id)
            elif form.workflow.sign == "assessor" and form.workflow.purpose is None:
                formative.add(form.form_id)
        return cls(tuple(sorted(formative)), tuple(sorted(finals)), tuple(sorted(hidden)), tuple(sorted(handledning)),
                   tuple(sorted(plans)), tuple(sorted(follow_ups)), tuple(sorted(iups)), tuple(sorted(iup_follow_ups)))


class TraineeStatus(msgspec.Struct, kw_only=True):
    trainee_id: int
    name: str
    title: str | None
    programme: str
    programme_id: int
    programme_unit_id: int
    programme_unit: str
    main_supervisor_id: int | None
    main_supervisor: str | None
    #: every programme's unit and HHL (a BT, then an ST): who oversees her through any of them
    programme_unit_ids: list[int]
    main_supervisor_ids: list[int]
    placements: list[PlacementStatus]
    #: trainee-wide flags (unanswered requests) and every placement's flags, most serious first
    flags: list[Flag]
    open_requests: int
    weight: int = 0


async def trainee_statuses(db: Database, catalog: Catalog, principal: Principal, today: dt.date,
                           only_trainee: int | None = None) -> list[TraineeStatus]:
    """Every trainee ``principal`` may see (or just ``only_trainee``, if visible), each placement with
    its numbers and flags on ``today``."""
    kinds = FormKinds.of(catalog)
    visible, params = visible_trainees_sql(principal)
    if only_trainee is not None:
        visible, params = f"SELECT trainee_id FROM ({visible}) v WHERE v.trainee_id = ?", [*params, only_trainee]
    rows = await repository.placements_of(db, visible, params)
    if not rows:
        return []
    # independent reads, at once (the reader pool and PostgreSQL's pool serve them in parallel)
    # a plan is seen only by whom it may be shown (access.py): its flags follow the same rule
    readable, readable_params = visible_assessments_where(principal, kinds.hidden, restricted_forms=restricted_forms(catalog))
    count_rows, final_rows, request_rows, meeting_rows, plan_rows, iup_rows = await asyncio.gather(
        repository.formative_counts(db, visible, params, kinds.formative),
        repository.finals_of(db, visible, params, kinds.finals),
        repository.open_requests_of(db, visible, params, kinds.hidden),
        repository.handledning_of(db, visible, params, kinds.handledning),
        plans_and_follow_ups(db, visible, params, readable, readable_params, (*kinds.plans, *kinds.plan_follow_ups)),
        repository.iups_of(db, visible, params, (*kinds.iups, *kinds.iup_follow_ups)))
    iups = current_iups(iup_rows, kinds.iups)
    counts = {(r["trainee_id"], r["placement_id"]): r for r in count_rows}
    finals: dict[tuple[int, int | None], list[FinalState]] = defaultdict(list)
    for r in final_rows:
        form = catalog.get(r["form_id"], int(r["form_version"]))
        acknowledges = bool(form and form.workflow.acknowledge)
        countersigns = bool(form and form.workflow.countersign)
        finals[(r["trainee_id"], r["placement_id"])].append(final_state(r, acknowledges, countersigns))
    requests: dict[int, list[str]] = defaultdict(list)
    for r in request_rows:
        requests[r["trainee_id"]].append(r["created_at"])
    overdue: dict[int, list[Overdue]] = defaultdict(list)
    for o in overdue_follow_ups(plan_rows, kinds.plans, today):
        overdue[o.trainee_id].append(o)
    meetings: dict[int, list[Meeting]] = defaultdict(list)
    for r in meeting_rows:
        meetings[r["trainee_id"]].append(meeting_of(r))
    unit_ids = sorted({r["unit_id"] for r in rows if r["unit_id"] is not None} | {r["programme_unit_id"] for r in rows})
    settings = await read_unit_settings(db, unit_ids)
    rules: dict[int, FlagRules] = {u: rules_from_settings(settings.get(u, {})) for u in unit_ids}

    trainees: dict[int, TraineeStatus] = {}
    for r in rows:
        t = trainees.get(r["trainee_id"])
        if t is None:
            t = trainees[r["trainee_id"]] = TraineeStatus(
                trainee_id=r["trainee_id"], name=r["trainee_name"], title=r["trainee_title"], programme=r["programme"],
                programme_id=r["programme_id"], programme_unit_id=r["programme_unit_id"],
                programme_unit=r["programme_unit"], main_supervisor_id=r["main_supervisor_id"],
                main_supervisor=r["main_supervisor_name"], programme_unit_ids=[], main_supervisor_ids=[],
                placements=[], flags=[], open_requests=len(requests.get(r["trainee_id"], [])))
            flag = request_flag(requests.get(r["trainee_id"], []), rules[r["programme_unit_id"]], today)
            if flag is not None:
                t.flags.append(flag)
        if r["programme_unit_id"] not in t.programme_unit_ids:
            t.programme_unit_ids.append(r["programme_unit_id"])
        if r["main_supervisor_id"] is not None and r["main_supervisor_id"] not in t.main_supervisor_ids:
            t.main_supervisor_ids.append(r["main_supervisor_id"])
        if r["placement_id"] is None:
            continue
        key = (r["trainee_id"], r["placement_id"])
        iup = iups.get(int(r["placement_id"]))
        status = placement_status(r, counts.get(key), latest_final(finals.get(key, [])), rules[r["unit_id"]], today,
                                  planned=iup.planned_total if iup else None)
        if iup is not None:
            flag = iup_follow_up_flag(status, iup, rules[r["unit_id"]], today)
            if flag is not None:
                status.flags.append(flag)
        t.placements.append(status)
        t.flags.extend(status.flags)
    for t in trainees.values():
        t.placements.sort(key=lambda p: (p.start_date, p.placement_id))
        by_id = {p.placement_id: p for p in t.placements}
        for flag in handledning_flags(t.placements, meetings.get(t.trainee_id, []), lambda p: rules[p.unit_id], today):
            t.flags.append(flag)
            if flag.placement_id in by_id:  # each names its placement (the CSV lists it there)
                by_id[flag.placement_id].flags.append(flag)
        t.flags.extend(Flag("plan_follow_up_missed", {"due": o.due_on, "days": o.days, "doc_id": o.plan_id}, None)
                       for o in overdue.get(t.trainee_id, []))
        t.flags.sort(key=lambda f: -flag_weight([f]))
        t.weight = flag_weight(t.flags)
    return list(trainees.values())


def current_placement(t: TraineeStatus) -> PlacementStatus | None:
    """The placement of today, else the next one, else the last one."""
    for phase in ("current", "upcoming"):
        found = [p for p in t.placements if p.phase == phase]
        if found:
            return found[0]
    return t.placements[-1] if t.placements else None


def supervised_here(t: TraineeStatus, supervisor_id: int, today: dt.date, recent_days: int = 90,
                    soon_days: int = 30) -> list[PlacementStatus]:
    """A clinical supervisor's placements of ``t``: current, ended within ``recent_days`` or starting
    within ``soon_days``."""
    kept = []
    for p in t.placements:
        if p.clinical_supervisor_id != supervisor_id:
            continue
        start, end = dt.date.fromisoformat(p.start_date), dt.date.fromisoformat(p.end_date)
        if (today - end).days <= recent_days and (start - today).days <= soon_days:
            kept.append(p)
    return kept


def with_placements(t: TraineeStatus, placements: list[PlacementStatus]) -> TraineeStatus:
    """``t`` cut to some of its placements (their flags only, plus the trainee-wide ones)."""
    ids = {p.placement_id for p in placements}
    flags = [f for f in t.flags if f.placement_id is None or f.placement_id in ids]
    return msgspec.structs.replace(t, placements=placements, flags=flags, weight=flag_weight(flags))


def by_flag(trainees: list[TraineeStatus]) -> list[TraineeStatus]:
    return sorted(trainees, key=lambda t: (-t.weight, -len(t.flags), t.name))


def unit_table_rows(trainees: list[TraineeStatus], unit_ids: set[int] | None) -> list[TraineeStatus]:
    """The studierektor's table: trainees whose programme belongs to one of ``unit_ids`` (all when None)."""
    kept = [t for t in trainees if unit_ids is None or unit_ids.intersection(t.programme_unit_ids)]
    return by_flag(kept)
