"""Where one placement stands, and which rules for "behind" it breaks: pure functions over the rows
the repository reads, so a test can check each rule on a chosen day."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import msgspec

from .repository import SIGNED_STATES
from .rules import FlagRules

#: how much a flag weighs when a table is sorted by flag (highest first)
SEVERITY: dict[str, int] = {
    "final_not_approved": 3, "delmal_not_reached": 3, "final_concern": 3, "final_missing": 2, "behind_at_midpoint": 2,
    "no_recent_assessment": 1, "request_unanswered": 1, "handledning_missed": 1, "handover_without_check": 1,
    "plan_follow_up_missed": 2, "iup_follow_up_missed": 1,
}

_decode_data = msgspec.json.Decoder(dict[str, Any]).decode


class Flag(msgspec.Struct):
    """A broken rule (``rule``, one of SEVERITY's keys) and the numbers behind it, e.g.
    ``{"signed": 0, "target": 2, "percent": 75}``. A flag on a placement names it."""

    rule: str
    numbers: dict[str, Any]
    placement_id: int | None = None


class FinalState(msgspec.Struct):
    """A placement's Slutbedömning: where its chain stands and, once signed, what it concluded."""

    doc_id: str
    status: str
    form_version: int
    #: who holds the chain now: ``assessor`` (filling or signing), ``trainee`` (to acknowledge),
    #: ``main_supervisor`` (to countersign) or None when countersigned
    holder: str | None
    overall_result: str | None = None
    #: delmål → outcome (uppnatt, pagaende, ej_uppnatt, ej_aktuellt), once signed
    outcomes: dict[str, str] = {}
    #: the issuer's warning (version 2's ``concern``): a risk that the trainee does not reach the goals
    concern: bool = False


class PlacementStatus(msgspec.Struct, kw_only=True):
    placement_id: int
    unit_id: int
    unit: str
    specialty: str
    start_date: str
    end_date: str
    clinical_supervisor_id: int | None
    clinical_supervisor: str | None
    #: primarvard, akut_sjukvard, psykiatri or annan (None: not known); with the sysselsättningsgrad and
    #: the absence, what its Slutbedömning's header starts with
    placement_type: str | None
    employment_rate_percent: int
    absence_days: int
    #: upcoming, current or ended (on the day asked about)
    phase: str
    progress: float
    days_left: int
    signed: int
    waiting: int
    drafts: int
    target: int
    #: the assessments the placement's IUP plans (then the target), or None without an IUP
    planned: int | None = None
    last_observed_on: str | None
    days_since_last: int | None
    final: FinalState | None
    #: the Slutbedömning should be written now: the placement ends within the unit's window or has
    #: ended, and none is signed
    final_due: bool
    flags: list[Flag]


def final_state(row: dict[str, Any], workflow_acknowledges: bool, workflow_countersigns: bool) -> FinalState:
    status = row["status"]
    if status in ("draft", "submitted"):
        holder: str | None = "assessor"
    elif status == "signed":
        holder = "trainee" if workflow_acknowledges else ("main_supervisor" if workflow_countersigns else None)
    elif status == "acknowledged":
        holder = "main_supervisor" if workflow_countersigns else None
    else:
        holder = None
    final = FinalState(doc_id=row["id"], status=status, form_version=int(row["form_version"]), holder=holder)
    if status in SIGNED_STATES:
        data = _decode_data(row["data"])
        final.overall_result = data.get("overall_result")
        final.concern = data.get("concern") is True
        final.outcomes = {k: v.get("outcome") for k, v in (data.get("delmal") or {}).items()
                          if isinstance(v, dict) and isinstance(v.get("outcome"), str)}
    return final


def latest_final(finals: list[FinalState]) -> FinalState | None:
    """The one that counts: the latest signed one, else the latest one being written."""
    signed = [f for f in finals if f.status in SIGNED_STATES]
    return (signed or finals or [None])[-1]


def placement_status(row: dict[str, Any], counts: dict[str, Any] | None, final: FinalState | None,
                     rules: FlagRules, today: dt.date, planned: int | None = None) -> PlacementStatus:
    """``planned``: the assessments the placement's IUP plans, which then are its target instead of the
    unit's ``min_signed_by_midpoint`` (half of them by the midpoint)."""
    start, end = dt.date.fromisoformat(row["start_date"]), dt.date.fromisoformat(row["end_date"])
    length = max((end - start).days, 1)
    progress = min(1.0, max(0.0, (today - start).days / length))
    phase = "upcoming" if today < start else "ended" if today > end else "current"
    counts = counts or {}
    signed, waiting, drafts = (int(counts.get(k) or 0) for k in ("signed", "waiting", "drafts"))
    last = counts.get("last_observed_on")
    status = PlacementStatus(
        placement_id=int(row["placement_id"]), unit_id=int(row["unit_id"]), unit=row["unit_name"],
        specialty=row["specialty"], start_date=row["start_date"], end_date=row["end_date"],
        clinical_supervisor_id=row["clinical_supervisor_id"], clinical_supervisor=row["clinical_supervisor_name"],
        placement_type=row["placement_type"], employment_rate_percent=int(row["employment_rate_percent"]),
        absence_days=int(row["absence_days"]), phase=phase, progress=round(progress, 2), days_left=(end - today).days,
        signed=signed, waiting=waiting, drafts=drafts, target=planned if planned else rules.min_signed_by_midpoint,
        planned=planned, last_observed_on=last,
        days_since_last=(today - dt.date.fromisoformat(last)).days if last else None, final=final,
        final_due=(phase != "upcoming" and (end - today).days <= rules.final_due_within_days
                   and not (final is not None and final.status in SIGNED_STATES)),
        flags=[])
    status.flags = placement_flags(status, rules, today)
    return status


def placement_flags(s: PlacementStatus, rules: FlagRules, today: dt.date) -> list[Flag]:
    """Each rule this placement breaks on ``today``, with its numbers."""
    flags: list[Flag] = []
    start, end = dt.date.fromisoformat(s.start_date), dt.date.fromisoformat(s.end_date)
    by_midpoint = math.ceil(s.planned / 2) if s.planned else rules.min_signed_by_midpoint
    if s.phase != "upcoming" and s.progress >= 0.5 and s.signed < by_midpoint:
        numbers = {"signed": s.signed, "target": by_midpoint, "percent": round(s.progress * 100)}
        flags.append(Flag("behind_at_midpoint", numbers | ({"planned": s.planned} if s.planned else {}), s.placement_id))
    if s.phase == "current":
        since = max(start, dt.date.fromisoformat(s.last_observed_on)) if s.last_observed_on else start
        quiet = (today - since).days
        if quiet > rules.max_days_without_assessment:
            flags.append(Flag("no_recent_assessment", {"days": quiet, "limit": rules.max_days_without_assessment,
                                                       "last": s.last_observed_on}, s.placement_id))
    final_signed = s.final is not None and s.final.status in SIGNED_STATES
    after_end = (today - end).days
    if after_end > rules.final_missing_after_days and not final_signed:
        flags.append(Flag("final_missing", {"days": after_end, "limit": rules.final_missing_after_days},
                          s.placement_id))
    if final_signed and s.final is not None:
        if s.final.overall_result == "ej_godkand":
            flags.append(Flag("final_not_approved", {"doc_id": s.final.doc_id}, s.placement_id))
        if s.final.concern:
            flags.append(Flag("final_concern", {"doc_id": s.final.doc_id}, s.placement_id))
        missed = sorted((d for d, o in s.final.outcomes.items() if o == "ej_uppnatt"), key=_delmal_order)
        if missed:
            flags.append(Flag("delmal_not_reached", {"delmal": missed, "doc_id": s.final.doc_id}, s.placement_id))
    return flags


class Meeting(msgspec.Struct, frozen=True):
    """A documented handledningssamtal: its day and its kind (hhl, klinisk_handledare, handledaravstamning)."""

    day: str
    kind: str | None


def meeting_of(row: dict[str, Any]) -> Meeting:
    kind = _decode_data(row["data"]).get("kind") if row["data"] else None
    return Meeting(day=str(row["observed_on"]), kind=kind if isinstance(kind, str) else None)


def handledning_flags(placements: list[PlacementStatus], meetings: list[Meeting],
                      rules_of: Callable[[PlacementStatus], FlagRules], today: dt.date) -> list[Flag]:
    """The handledning rhythm (seed 004): a current placement without a documented meeting within its
    unit's interval (weekly in primary care), and a hand-over between two placements without a
    handledaravstämning within the days around it (flagged once those days have passed)."""
    flags: list[Flag] = []
    held = sorted(dt.date.fromisoformat(m.day) for m in meetings if m.day <= today.isoformat())
    last = held[-1] if held else None
    for p in placements:
        if p.phase != "current":
            continue
        rules = rules_of(p)
        limit = (rules.max_days_between_handledning_primarvard if p.placement_type == "primarvard"
                 else rules.max_days_between_handledning)
        start = dt.date.fromisoformat(p.start_date)
        quiet = (today - (max(start, last) if last else start)).days
        if quiet > limit:
            flags.append(Flag("handledning_missed", {"days": quiet, "limit": limit,
                                                     "last": last.isoformat() if last else None}, p.placement_id))
    checks = [dt.date.fromisoformat(m.day) for m in meetings if m.kind == "handledaravstamning"]
    ordered = sorted(placements, key=lambda p: (p.start_date, p.placement_id))
    for before, after in zip(ordered, ordered[1:]):
        within = rules_of(after).handover_check_within_days
        on = dt.date.fromisoformat(after.start_date)
        if (today - on).days <= within:
            continue  # not yet, or still time
        earliest = dt.date.fromisoformat(before.end_date) - dt.timedelta(days=within)
        if not any(earliest <= d <= on + dt.timedelta(days=within) for d in checks):
            flags.append(Flag("handover_without_check", {"on": after.start_date, "from": before.specialty,
                                                         "to": after.specialty, "limit": within}, after.placement_id))
    return flags


def request_flag(created: list[str], rules: FlagRules, today: dt.date) -> Flag | None:
    """Requests unanswered for longer than the rule allows (``created``: their ISO creation times)."""
    ages = [(today - dt.date.fromisoformat(c[:10])).days for c in created]
    late = [a for a in ages if a > rules.request_unanswered_days]
    if not late:
        return None
    return Flag("request_unanswered", {"count": len(late), "oldest_days": max(late), "limit": rules.request_unanswered_days})


def _delmal_order(code: str) -> tuple[int, str]:
    digits = "".join(ch for ch in code if ch.isdigit())
    return (int(digits) if digits else 0, code)


def flag_weight(flags: list[Flag]) -> int:
    return max((SEVERITY.get(f.rule, 0) for f in flags), default=0)
