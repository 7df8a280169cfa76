"""Set-based reads behind the overview: a few grouped queries for any number of trainees, never a
query per trainee or per placement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


from ..db import Database, Row
from .rules import SETTING_PREFIX

SIGNED_STATES = ("signed", "acknowledged", "countersigned")


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values) or "NULL"


async def placements_of(db: Database, trainees_sql: str, params: list[Any]) -> list[Row]:
    """Every programme of the given trainees with its placements (a programme without any gives one
    row with ``placement_id`` NULL), names joined in; a trainee's newest programme first."""
    return await db.fetch(
        f"""SELECT pr.trainee_id, t.name AS trainee_name, t.title AS trainee_title, pr.id AS programme_id,
                   pr.kind AS programme, pr.unit_id AS programme_unit_id, pu.name AS programme_unit,
                   pr.main_supervisor_id, hhl.name AS main_supervisor_name,
                   pl.id AS placement_id, pl.unit_id, un.name AS unit_name, pl.specialty, pl.start_date, pl.end_date,
                   pl.clinical_supervisor_id, ks.name AS clinical_supervisor_name, pl.placement_type,
                   pl.employment_rate_percent, pl.absence_days
            FROM programmes pr
            JOIN users t ON t.id = pr.trainee_id
            JOIN units pu ON pu.id = pr.unit_id
            LEFT JOIN users hhl ON hhl.id = pr.main_supervisor_id
            LEFT JOIN placements pl ON pl.programme_id = pr.id
            LEFT JOIN units un ON un.id = pl.unit_id
            LEFT JOIN users ks ON ks.id = pl.clinical_supervisor_id
            WHERE pr.trainee_id IN ({trainees_sql})
            ORDER BY t.name, pr.trainee_id, pr.start_date DESC, pr.id DESC, pl.start_date, pl.id""",
        params,
    )


async def handledning_of(db: Database, trainees_sql: str, params: list[Any], forms: Sequence[str]) -> list[Row]:
    """Each documented handledningssamtal (submitted for confirmation or confirmed; a draft is not yet
    one): its trainee, its day, its data (the kind of meeting is in it), its status and whether it is
    private. Private ones count too: that a meeting took place is never private, what was said is."""
    if not forms:
        return []
    documented = _marks(("submitted", *SIGNED_STATES))
    return await db.fetch(
        f"""SELECT id, trainee_id, observed_on, data, status, private FROM assessments
            WHERE trainee_id IN ({trainees_sql}) AND form_id IN ({_marks(forms)}) AND deleted = 0
              AND status IN ({documented}) AND observed_on IS NOT NULL""",
        (*params, *forms, "submitted", *SIGNED_STATES))


async def iups_of(db: Database, trainees_sql: str, params: list[Any], forms: Sequence[str]) -> list[Row]:
    """Every live IUP and IUP follow-up of these trainees: its id, form, status, placement, day, data and
    the IUP it follows up."""
    if not forms:
        return []
    return await db.fetch(
        f"""SELECT id, trainee_id, form_id, status, placement_id, observed_on, signed_at, data, follows_up_id
            FROM assessments WHERE trainee_id IN ({trainees_sql}) AND form_id IN ({_marks(forms)}) AND deleted = 0""",
        (*params, *forms))


async def formative_counts(db: Database, trainees_sql: str, params: list[Any], forms: Sequence[str]) -> list[Row]:
    """Per trainee and placement: signed, waiting (submitted) and draft formative assessments, and the
    day of the latest activity."""
    signed = _marks(SIGNED_STATES)
    return await db.fetch(
        f"""SELECT trainee_id, placement_id,
                   sum(CASE WHEN status IN ({signed}) THEN 1 ELSE 0 END) AS signed,
                   sum(CASE WHEN status = 'submitted' THEN 1 ELSE 0 END) AS waiting,
                   sum(CASE WHEN status = 'draft' THEN 1 ELSE 0 END) AS drafts,
                   max(observed_on) AS last_observed_on
            FROM assessments
            WHERE deleted = 0 AND form_id IN ({_marks(forms)}) AND trainee_id IN ({trainees_sql})
            GROUP BY trainee_id, placement_id""",
        [*SIGNED_STATES, *forms, *params],
    )


async def finals_of(db: Database, trainees_sql: str, params: list[Any], forms: Sequence[str]) -> list[Row]:
    """Every Slutbedömning of the given trainees (few: one per placement), newest last; its answers
    only once signed (what it concluded)."""
    signed = _marks(SIGNED_STATES)
    return await db.fetch(
        f"""SELECT id, trainee_id, placement_id, status, CASE WHEN status IN ({signed}) THEN data END AS data,
                   assessor_id, signed_at, acknowledged_at,
                   countersigned_at, observed_on, form_id, form_version
            FROM assessments
            WHERE deleted = 0 AND form_id IN ({_marks(forms)}) AND trainee_id IN ({trainees_sql})
            ORDER BY created_at""",
        [*SIGNED_STATES, *forms, *params],
    )


async def open_requests_of(db: Database, trainees_sql: str, params: list[Any],
                           hidden_forms: Sequence[str]) -> list[Row]:
    """Requests still waiting for their answer: not withdrawn, declined or signed (an expired link
    still waits: the trainee renews it or withdraws the request)."""
    signed = _marks(SIGNED_STATES)
    return await db.fetch(
        f"""SELECT rq.trainee_id, rq.created_at, a.placement_id
            FROM assessment_requests rq JOIN assessments a ON a.id = rq.assessment_id
            WHERE rq.trainee_id IN ({trainees_sql}) AND rq.withdrawn_at IS NULL AND rq.declined_at IS NULL
              AND a.deleted = 0 AND a.status NOT IN ({signed})
              AND a.form_id NOT IN ({_marks(hidden_forms)})""",
        [*params, *SIGNED_STATES, *hidden_forms],
    )


async def flag_settings_rows(db: Database, unit_id: int) -> list[Row]:
    return await db.fetch("SELECT key, value, updated_at, updated_by FROM unit_settings WHERE unit_id = ? AND key LIKE ?",
                          (unit_id, f"{SETTING_PREFIX}%"))
