"""When a plan's follow-ups are due, and which are overdue (pure: rows in, answers out)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import msgspec

from ..catalog import Catalog
from .repository import DOCUMENTED, SIGNED

FOLLOW_UP_FIELDS = ("follow_up_1", "follow_up_2", "follow_up_3")
_decode = msgspec.json.Decoder(dict[str, Any]).decode


def plan_forms(catalog: Catalog) -> tuple[str, ...]:
    """The action plan forms: a ``handlingsplan`` purpose whose schema schedules follow-up days (the
    follow-up form itself has the purpose but schedules none)."""
    return tuple(sorted({f.form_id for f in catalog.forms() if f.workflow.purpose == "handlingsplan"
                         and FOLLOW_UP_FIELDS[0] in f.schema.get("properties", {})}))


def follow_up_days(data: dict[str, Any] | str) -> list[str]:
    """A plan's planned follow-up days (ISO), in order."""
    values = _decode(data) if isinstance(data, str) else data
    return sorted(v for v in (values.get(f) for f in FOLLOW_UP_FIELDS) if isinstance(v, str))


class Overdue(msgspec.Struct, frozen=True):
    """A signed plan whose follow-up day has passed with fewer documented follow-ups than days due."""

    trainee_id: int
    plan_id: str
    due_on: str
    days: int


class PlanLine(msgspec.Struct, kw_only=True):
    """One action plan as the HHL's and the studierektor's homes list it (no content beyond its state)."""

    doc_id: str
    trainee_id: int
    trainee_name: str
    form_id: str
    form_version: int
    #: the form's title (sv, en): a studierektor's phone need not hold the form to list the plan
    title: dict[str, str] = {}
    status: str
    started_on: str | None
    follow_ups: int
    #: the first planned follow-up day not yet documented, and how many days it is overdue (0: not yet)
    next_follow_up: str | None
    overdue_days: int


def plan_lines(rows: Iterable[dict[str, Any]], plan_forms: Iterable[str], today: dt.date) -> list[PlanLine]:
    """Each plan among ``rows`` with its follow-ups counted, the most overdue first."""
    plan_forms = set(plan_forms)
    rows = list(rows)
    done: dict[str, int] = {}
    for r in rows:
        if r["follows_up_id"] and r["status"] in DOCUMENTED:
            done[r["follows_up_id"]] = done.get(r["follows_up_id"], 0) + 1
    lines = []
    for r in rows:
        if r["form_id"] not in plan_forms:
            continue
        held = done.get(r["id"], 0)
        days = follow_up_days(r["data"])
        upcoming = days[held] if held < len(days) else None
        late = (today - dt.date.fromisoformat(upcoming)).days if upcoming and r["status"] in SIGNED else 0
        lines.append(PlanLine(doc_id=r["id"], trainee_id=r["trainee_id"], trainee_name=r["trainee_name"],
                              form_id=r["form_id"], form_version=int(r["form_version"]), status=r["status"],
                              started_on=r["observed_on"], follow_ups=held, next_follow_up=upcoming,
                              overdue_days=max(late, 0)))
    lines.sort(key=lambda line: (-line.overdue_days, line.next_follow_up or "9999", line.trainee_name))
    return lines


def overdue_follow_ups(rows: Iterable[dict[str, Any]], plan_forms: Iterable[str], today: dt.date) -> list[Overdue]:
    """From plan and follow-up rows (``repository.plans_and_follow_ups``): each signed plan whose next
    follow-up day has passed (the day itself is not yet late)."""
    return [Overdue(line.trainee_id, line.doc_id, line.next_follow_up, line.overdue_days)
            for line in plan_lines(rows, plan_forms, today) if line.overdue_days > 0 and line.next_follow_up]
