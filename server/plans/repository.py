"""The plans and follow-ups a reader may see, and the reminders already sent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..db import Database, Row, Tx

SIGNED = ("signed", "acknowledged", "countersigned")
DOCUMENTED = ("submitted", *SIGNED)


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values) or "NULL"


async def plans_and_follow_ups(db: Database, trainees_sql: str, params: list[Any], visible_where: str,
                               visible_params: list[Any], forms: Sequence[str]) -> list[Row]:
    """Every live plan and follow-up of these trainees that the reader may see (``visible_where`` on
    alias ``a``): its id, trainee (and name), form, status, day, data and the plan it follows up."""
    if not forms:
        return []
    return await db.fetch(
        f"""SELECT a.id, a.trainee_id, t.name AS trainee_name, a.form_id, a.form_version, a.status, a.observed_on,
                   a.data, a.follows_up_id
            FROM assessments a JOIN users t ON t.id = a.trainee_id
            WHERE a.trainee_id IN ({trainees_sql}) AND a.form_id IN ({_marks(forms)}) AND a.deleted = 0
              AND {visible_where}""",
        (*params, *forms, *visible_params))


async def signed_plans_with_people(db: Database, forms: Sequence[str]) -> list[Row]:
    """Every signed plan with its trainee and HHL (for the reminders), and how many documented
    follow-ups it has."""
    return await db.fetch(
        f"""SELECT a.id, a.data, a.trainee_id, t.name AS trainee_name, t.email AS trainee_email,
                   a.assessor_id, h.name AS hhl_name, h.email AS hhl_email
            FROM assessments a JOIN users t ON t.id = a.trainee_id JOIN users h ON h.id = a.assessor_id
            WHERE a.form_id IN ({_marks(forms)}) AND a.deleted = 0 AND a.status IN ({_marks(SIGNED)})
              AND t.active = 1 AND h.active = 1""",
        (*forms, *SIGNED))


async def claim_reminder(tx: Tx, plan_id: str, due_on: str, recipient_id: int, sent_at: str) -> bool:
    """Whether this reminder is ours to send: the first to insert its row sends it (exactly once, also
    with several server processes on one PostgreSQL)."""
    row = await tx.fetchone(
        """INSERT INTO plan_reminders (assessment_id, due_on, recipient_id, sent_at) VALUES (?, ?, ?, ?)
           ON CONFLICT DO NOTHING RETURNING assessment_id""", (plan_id, due_on, recipient_id, sent_at))
    return row is not None
