"""The trainee page: placements on a timeline, every assessment by placement, and the delmål matrix
(per BT delmål the signed evidence for it and each placement's latest Slutbedömning outcome)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from ..access import visible_assessments_where
from ..assessments.views import restricted_forms
from ..auth.principal import Principal
from ..catalog import Catalog
from ..db import Database
from ..errors import NotFound
from .progress import meeting_of
from .repository import SIGNED_STATES, handledning_of
from .service import FormKinds, TraineeStatus, trainee_statuses

_decode_list = msgspec.json.Decoder(list[str]).decode
_decode_data = msgspec.json.Decoder(dict[str, Any]).decode
SUMMARY_LENGTH = 120


class EvidenceItem(msgspec.Struct, kw_only=True):
    """One assessment as the trainee page lists it (no form answers beyond its one-line summary)."""

    doc_id: str
    form_id: str
    form_version: int
    status: str
    observed_on: str | None
    placement_id: int | None
    assessor_name: str | None
    delmal: list[str]
    summary: str | None


class DelmalRow(msgspec.Struct, kw_only=True):
    delmal: str
    #: signed formative assessments that give evidence for this delmål
    evidence: list[str]
    #: placement id (as text, a JSON key) → the latest signed Slutbedömning's outcome and its id
    outcomes: dict[str, dict[str, str]]


class MeetingEntry(msgspec.Struct, kw_only=True):
    """One line of her handledning log as every supervisor of hers sees it: that a meeting took place,
    when, what kind, whether it is confirmed. ``doc_id`` only when the reader may open its notes (a
    private one: its trainee and its supervisor)."""

    day: str
    kind: str | None
    status: str
    private: bool
    doc_id: str | None


class TraineePage(msgspec.Struct, kw_only=True):
    trainee: TraineeStatus
    assessments: list[EvidenceItem]
    delmal: list[DelmalRow]
    #: the handledning log, newest first
    meetings: list[MeetingEntry] = []


def summary_of(catalog: Catalog, form_id: str, version: int, data: dict[str, Any]) -> str | None:
    """The form's one-line summary (the field its catalog entry names), shortened."""
    form = catalog.get(form_id, version)
    pointer = form.summary_field if form else None
    if not pointer:
        return None
    value = data.get(pointer.lstrip("/"))
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


async def trainee_page(db: Database, catalog: Catalog, principal: Principal, trainee_id: int,
                       today: dt.date) -> TraineePage:
    statuses = await trainee_statuses(db, catalog, principal, today, only_trainee=trainee_id)
    if not statuses:
        raise NotFound(f"No trainee {trainee_id} that you follow.")
    kinds = FormKinds.of(catalog)
    where, params = visible_assessments_where(principal, kinds.hidden, restricted_forms=restricted_forms(catalog))
    hidden = ", ".join("?" for _ in kinds.hidden) or "NULL"
    rows = await db.fetch(
        f"""SELECT a.id, a.form_id, a.form_version, a.status, a.observed_on, a.placement_id, a.delmal, a.data,
                   COALESCE(u.name, a.assessor_name) AS assessor_name
            FROM assessments a LEFT JOIN users u ON u.id = a.assessor_id
            WHERE {where} AND a.trainee_id = ? AND a.deleted = 0 AND a.form_id NOT IN ({hidden})
            ORDER BY a.observed_on DESC, a.created_at DESC""",
        [*params, trainee_id, *kinds.hidden],
    )
    items = [EvidenceItem(
        doc_id=r["id"], form_id=r["form_id"], form_version=int(r["form_version"]), status=r["status"],
        observed_on=r["observed_on"], placement_id=r["placement_id"], assessor_name=r["assessor_name"],
        delmal=_decode_list(r["delmal"]) if r["delmal"] else [],
        summary=summary_of(catalog, r["form_id"], int(r["form_version"]), _decode_data(r["data"])))
        for r in rows]
    readable = {i.doc_id for i in items}
    meetings = [MeetingEntry(day=m.day, kind=m.kind, status=r["status"], private=bool(r["private"]),
                             doc_id=r["id"] if r["id"] in readable else None)
                for r in await handledning_of(db, "SELECT CAST(? AS INTEGER) AS trainee_id", [trainee_id], kinds.handledning)
                for m in (meeting_of(r),)]
    meetings.sort(key=lambda m: m.day, reverse=True)
    return TraineePage(trainee=statuses[0], assessments=items, delmal=delmal_matrix(catalog, statuses[0], items, kinds),
                       meetings=meetings)


def delmal_matrix(catalog: Catalog, trainee: TraineeStatus, items: list[EvidenceItem], kinds: FormKinds) -> list[DelmalRow]:
    vocabulary = catalog.vocabulary("bt-delmal", 1)
    codes = vocabulary.values if vocabulary else [f"BT{n}" for n in range(1, 19)]
    rows = {code: DelmalRow(delmal=code, evidence=[], outcomes={}) for code in codes}
    for item in items:
        if item.form_id in kinds.formative and item.status in SIGNED_STATES:
            for code in item.delmal:
                if code in rows:
                    rows[code].evidence.append(item.doc_id)
    for p in trainee.placements:
        final = p.final
        if final is None or final.status not in SIGNED_STATES:
            continue
        for code, outcome in final.outcomes.items():
            if code in rows:
                rows[code].outcomes[str(p.placement_id)] = {"outcome": outcome, "doc_id": final.doc_id}
    return list(rows.values())
