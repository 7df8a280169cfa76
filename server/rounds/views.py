"""What a caller sees of a round: its state (``effective_status``: an open round past its deadline *is*
closed), the answers that count (``answered_of``: frozen when it closes), the totals per group, what
the caller may do now, and, for supervisors only, every rater by name. The trainee's view is built
from the same rows with the names left out, never filtered afterwards."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import msgspec

from .. import clock
from ..assessments.participants import TraineeContext
from ..auth.principal import Principal
from ..db import Database, Row, Tx
from ..requests.status import LOCKED, request_status
from . import repository
from .rules import ADVISED_NOMINATIONS, GROUPS
from .validity import failures

SUPERVISING = frozenset({"main_supervisor", "studierektor"})


class GroupTotal(msgspec.Struct):
    group: str
    label: str
    nominated: int
    answered: int
    minimum: int


class RuleFailure(msgspec.Struct):
    rule: str
    needed: int
    got: int
    group: str | None
    message: str


class RaterView(msgspec.Struct):
    """A rater as supervisors see them (the trainee sees this only for her nominations, before the
    requests go out, and then without any state)."""

    id: str
    name: str
    email: str
    group: str
    #: nominated, sent, opened, in_progress, answered, declined, expired
    state: str
    last_reminded_at: str | None = None
    #: the answer's overall judgement, once answered (supervisors only)
    concern: str | None = None
    assessment_id: str | None = None


class HiddenComment(msgspec.Struct):
    assessment_id: str
    field: str
    reason: str
    hidden_by: str
    hidden_at: str


class RoundView(msgspec.Struct, kw_only=True):
    id: str
    trainee_id: int
    trainee_name: str
    status: str
    deadline: str
    min_total: int
    group_minimums: dict[str, int]
    created_at: str
    opened_at: str | None
    closed_at: str | None
    released_at: str | None
    nominated: int
    answered: int
    totals: list[GroupTotal]
    #: once closed: whether the minimums hold, and which rule fails
    valid: bool | None
    failures: list[RuleFailure]
    advised_nominations: tuple[int, int] = ADVISED_NOMINATIONS
    self_assessment_id: str | None = None
    self_assessed: bool = False
    agreed_points: str | None = None
    #: what the caller may do now: nominate, remove, send, remind, close, extend, hide, release, agree, self
    can: list[str]
    #: supervisors only: every rater by name, how many answers raised a concern, and a reminder that
    #: who answered is never told to the trainee
    raters: list[RaterView] | None = None
    #: the trainee, while nominating: how many her main supervisor nominated (she sees only her own names)
    nominated_by_supervisor: int = 0
    concerns: int | None = None
    confidential: bool = False
    #: supervisors only: the comments hidden from the trainee, by whom and why
    hidden: list[HiddenComment] | None = None


@dataclass(frozen=True)
class Access:
    roles: frozenset[str]

    @property
    def trainee(self) -> bool:
        return "trainee" in self.roles

    @property
    def main_supervisor(self) -> bool:
        return "main_supervisor" in self.roles

    @property
    def supervising(self) -> bool:
        return bool(self.roles & SUPERVISING)


def effective_status(row: Row, now: dt.datetime) -> str:
    if row["status"] == "open" and row["deadline"] <= clock.iso(now):
        return "closed"
    return str(row["status"])


def rater_state(rater: Row, now: dt.datetime) -> str:
    if rater["request_id"] is None:
        return "nominated"
    state = request_status(rater, clock.iso(now))
    return "answered" if state == "completed" else state


def answer_data(rater: Row) -> dict[str, Any]:
    return json.loads(rater["answer_data"]) if rater["answer_data"] else {}


def cutoff_of(row: Row, now: dt.datetime) -> str | None:
    """The moment a closed round stopped counting answers (None while it is open)."""
    if effective_status(row, now) in ("nominating", "open"):
        return None
    return str(row["closed_at"] or row["deadline"])


def answered_of(raters: list[Row], now: dt.datetime, row: Row) -> list[Row]:
    """The answers that count: signed, and once the round is closed, signed before it closed. So the
    report and the totals never move after closing (a late signature through a rater's own account
    would otherwise be worked out by comparing two reports)."""
    cutoff = cutoff_of(row, now)
    return [r for r in raters if rater_state(r, now) == "answered"
            and (cutoff is None or (r["signed_at"] or "") <= cutoff)]


def actions(status: str, access: Access, valid: bool | None) -> list[str]:
    can: list[str] = []
    nominator = access.trainee or access.main_supervisor
    if status in ("nominating", "open") and nominator:
        can.append("nominate")
    if status == "nominating" and nominator:
        can += ["remove", "send"]
    if access.main_supervisor:
        if status == "open":
            can += ["remind", "close"]
        if status in ("open", "closed"):
            can += ["extend", "hide"]
        if status == "closed" and valid:
            can.append("release")
    if status == "released" and (access.trainee or access.main_supervisor):
        can.append("agree")
    if access.trainee and status != "released":
        can.append("self")
    return can


async def round_view(db: Database | Tx, principal: Principal, row: Row, ctx: TraineeContext, access: Access,
                     now: dt.datetime) -> RoundView:
    raters = await repository.raters_of(db, row["id"])
    status = effective_status(row, now)
    minimums: dict[str, int] = json.loads(row["group_minimums"])
    answered = answered_of(raters, now, row)
    per_group = {g: sum(1 for r in answered if r["rater_group"] == g) for g in GROUPS}
    failed = failures(per_group, row["min_total"], minimums) if status in ("closed", "released") else []
    valid = None if status in ("nominating", "open") else not failed
    trainee = await db.fetchone("SELECT name FROM users WHERE id = ?", (row["trainee_id"],))
    self_row = await repository.self_assessment(db, row["self_assessment_id"]) if row["self_assessment_id"] else None
    view = RoundView(
        id=row["id"], trainee_id=row["trainee_id"], trainee_name=trainee["name"] if trainee else "", status=status,
        deadline=row["deadline"], min_total=row["min_total"], group_minimums=minimums, created_at=row["created_at"],
        opened_at=row["opened_at"], closed_at=row["closed_at"] or (row["deadline"] if status != row["status"] else None),
        released_at=row["released_at"], nominated=len(raters), answered=len(answered),
        totals=[GroupTotal(g, label, sum(1 for r in raters if r["rater_group"] == g), per_group[g], minimums.get(g, 0))
                for g, label in GROUPS.items()],
        valid=valid, failures=[RuleFailure(f.rule, f.needed, f.got, f.group, f.message) for f in failed],
        self_assessment_id=row["self_assessment_id"],
        self_assessed=bool(self_row and self_row["status"] in LOCKED),
        agreed_points=row["agreed_points"] if status == "released" else None,
        can=actions(status, access, valid),
    )
    if access.supervising:
        view.raters = [RaterView(r["id"], r["name"], r["email"], r["rater_group"], rater_state(r, now),
                                 r["last_reminded_at"], answer_data(r).get("overall_concern") if r in answered else None,
                                 r["assessment_id"]) for r in raters]
        view.concerns = sum(1 for r in answered if answer_data(r).get("overall_concern") in ("viss", "allvarlig"))
        view.confidential = True
        view.hidden = [HiddenComment(h["assessment_id"], h["field"], h["reason"], h["hidden_by_name"], h["hidden_at"])
                       for h in await repository.hidden_of(db, row["id"])]
    elif status == "nominating":
        # her own list while she nominates: the names she typed, no state; those her main supervisor
        # added are only counted (whom else he asked is not hers to know)
        own = [r for r in raters if r["nominated_by"] == principal.user_id]
        view.raters = [RaterView(r["id"], r["name"], r["email"], r["rater_group"], "nominated") for r in own]
        view.nominated_by_supervisor = len(raters) - len(own)
    return view
