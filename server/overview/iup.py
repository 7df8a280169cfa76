"""A placement's IUP (individuellt utbildningsprogram) as the overview reads it: the latest signed
revision per placement, its planned assessments (which replace the unit's default target for
"behind"), and its follow-up rhythm (SPUR: at least twice a term; the unit sets how often)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

import msgspec

from .progress import Flag, PlacementStatus
from .repository import SIGNED_STATES
from .rules import FlagRules

TERM_DAYS = 182  # a term is half a year
_decode = msgspec.json.Decoder(dict[str, Any]).decode


class CurrentIup(msgspec.Struct, kw_only=True):
    doc_id: str
    placement_id: int
    #: instrument -> planned count, and their sum
    planned: dict[str, int]
    planned_total: int
    #: the day of the latest signed revision or documented follow-up
    last_reviewed: str


def current_iups(rows: Iterable[dict[str, Any]], iup_forms: Iterable[str]) -> dict[int, CurrentIup]:
    """Per placement: its latest signed IUP revision (a revision amends the one before and is signed
    anew), with the day it was last reviewed (that revision, or a follow-up of any revision of it)."""
    iup_forms = set(iup_forms)
    rows = list(rows)
    latest: dict[int, dict[str, Any]] = {}
    placement_of: dict[str, int] = {}
    for r in rows:
        if r["form_id"] in iup_forms and r["placement_id"] is not None:
            placement_of[r["id"]] = int(r["placement_id"])
            if r["status"] in SIGNED_STATES:
                best = latest.get(int(r["placement_id"]))
                if best is None or (r["signed_at"] or "") > (best["signed_at"] or ""):
                    latest[int(r["placement_id"])] = r
    reviewed: dict[int, str] = {p: str(r["observed_on"]) for p, r in latest.items()}
    for r in rows:
        target = placement_of.get(r["follows_up_id"] or "")
        if target in reviewed and r["status"] in ("submitted", *SIGNED_STATES) and r["observed_on"]:
            reviewed[target] = max(reviewed[target], str(r["observed_on"]))
    found = {}
    for placement_id, r in latest.items():
        planned = {k: v for k, v in (_decode(r["data"]).get("planned") or {}).items() if isinstance(v, int)}
        found[placement_id] = CurrentIup(doc_id=r["id"], placement_id=placement_id, planned=planned,
                                         planned_total=sum(planned.values()), last_reviewed=reviewed[placement_id])
    return found


def follow_up_interval(rules: FlagRules) -> int:
    """Days an IUP may go without a follow-up: a term shared by the follow-ups it asks for."""
    return math.floor(TERM_DAYS / rules.iup_follow_ups_per_term)


def iup_follow_up_flag(p: PlacementStatus, iup: CurrentIup, rules: FlagRules, today: dt.date) -> Flag | None:
    """``iup_follow_up_missed`` for a current placement whose IUP was last reviewed longer ago than the
    unit's rhythm allows."""
    if p.phase != "current":
        return None
    limit = follow_up_interval(rules)
    quiet = (today - dt.date.fromisoformat(iup.last_reviewed)).days
    if quiet <= limit:
        return None
    return Flag("iup_follow_up_missed", {"days": quiet, "limit": limit, "last": iup.last_reviewed, "doc_id": iup.doc_id},
                p.placement_id)
