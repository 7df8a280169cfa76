"""The rows one person's export is made of, table by table. Secrets (password and token hashes,
session ids, nonces, mail bodies, which carry links) are never selected; neither are the rows that
are someone else's (another trainee's assessments, a 360 rater's single answer, who rated her)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..db import Database, Row, Tx

#: assessment_requests without its secrets
REQUEST_COLUMNS = ("id, assessment_id, trainee_id, channel, assessor_name, assessor_email, assessor_title, "
                   "assessor_workplace, message, created_at, expires_at, reminders_sent, last_reminded_at, opened_at, "
                   "declined_at, decline_reason, withdrawn_at, claimed_at, claimed_email, claimed_name, disputed_at, "
                   "round_id, updated_at")
ASSESSMENT_COLUMNS = ("id, form_id, form_version, form_hash, trainee_id, assessor_id, assessor_name, assessor_email, "
                      "placement_id, observed_on, delmal, private, follows_up_id, status, data, conflicts, version, "
                      "deleted, amends_id, reflection, content_hash, created_by, created_at, updated_at, submitted_at, "
                      "signed_at, signed_by, acknowledged_at, countersigned_at, countersigned_by, returned_reason")


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values) or "NULL"


async def person(db: Database | Tx, user_id: int) -> Row | None:
    return await db.fetchone("SELECT id, email, name, title, workplace, active, created_at FROM users WHERE id = ?",
                             [user_id])


async def roles(db: Database | Tx, user_id: int) -> list[Row]:
    return await db.fetch("SELECT * FROM user_roles WHERE user_id = ? ORDER BY id", [user_id])


async def programmes(db: Database | Tx, user_id: int) -> list[Row]:
    return await db.fetch("SELECT * FROM programmes WHERE trainee_id = ? OR main_supervisor_id = ? ORDER BY id",
                          [user_id, user_id])


async def placements(db: Database | Tx, user_id: int) -> list[Row]:
    return await db.fetch(
        """SELECT pl.* FROM placements pl JOIN programmes pr ON pr.id = pl.programme_id
           WHERE pr.trainee_id = ? OR pl.clinical_supervisor_id = ? ORDER BY pl.id""", [user_id, user_id])


async def own_assessments(db: Database | Tx, user_id: int, hidden_forms: Sequence[str]) -> list[Row]:
    """Her assessments as trainee, every version of every one, except single 360 answers about her."""
    hidden = f"AND form_id NOT IN ({_marks(hidden_forms)})" if hidden_forms else ""
    return await db.fetch(
        f"SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE trainee_id = ? {hidden} ORDER BY created_at, id",
        [user_id, *hidden_forms])


async def written_for_others(db: Database | Tx, user_id: int, actor: str) -> list[Row]:
    """What she wrote or signed as assessor about someone else: that she did, never its content."""
    return await db.fetch(
        """SELECT id, form_id, form_version, observed_on, status, created_at, submitted_at, signed_at
           FROM assessments WHERE trainee_id <> ? AND (assessor_id = ? OR created_by = ? OR signed_by = ?
                                                      OR countersigned_by = ?)
           ORDER BY created_at, id""", [user_id, user_id, actor, actor, actor])


async def audit_of(db: Database | Tx, assessment_ids: Sequence[str]) -> list[Row]:
    rows: list[Row] = []
    ids = list(assessment_ids)
    for start in range(0, len(ids), 400):
        chunk = ids[start:start + 400]
        rows += await db.fetch(f"SELECT * FROM audit_events WHERE assessment_id IN ({_marks(chunk)}) ORDER BY id", chunk)
    return rows


async def own_actions(db: Database | Tx, user_id: int, actor: str, except_ids: Sequence[str],
                      hidden_forms: Sequence[str]) -> list[Row]:
    """Her audit events on documents that are not hers: when and what, not the content (``detail``);
    never on a 360 rater's answer about her (sending the round's requests made them: the round says so)."""
    mine = set(except_ids)
    about_her = f"AND NOT (a.trainee_id = ? AND a.form_id IN ({_marks(hidden_forms)}))" if hidden_forms else ""
    rows = await db.fetch(
        f"""SELECT e.id, e.assessment_id, e.at, e.action FROM audit_events e JOIN assessments a ON a.id = e.assessment_id
            WHERE e.actor = ? {about_her} ORDER BY e.id""",
        [actor, *([user_id, *hidden_forms] if hidden_forms else [])])
    return [r for r in rows if r["assessment_id"] not in mine]


async def requests(db: Database | Tx, user_id: int) -> list[Row]:
    """The requests she sent (to assess her; a 360 round's requests are its aggregates' business)."""
    return await db.fetch(f"SELECT {REQUEST_COLUMNS} FROM assessment_requests WHERE trainee_id = ? AND round_id IS NULL "
                          "ORDER BY created_at, id", [user_id])


async def requests_to(db: Database | Tx, email: str, user_id: int) -> list[Row]:
    """The requests that asked her to assess someone: when asked, opened, answered (not whom)."""
    return await db.fetch(
        """SELECT id, assessment_id, created_at, expires_at, opened_at, declined_at, decline_reason, claimed_at
           FROM assessment_requests WHERE trainee_id <> ? AND (lower(assessor_email) = lower(?) OR lower(claimed_email) = lower(?))
           ORDER BY created_at, id""", [user_id, email, email])


async def rounds(db: Database | Tx, user_id: int) -> list[Row]:
    return await db.fetch(
        """SELECT id, status, deadline, min_total, group_minimums, self_assessment_id, created_at, opened_at, closed_at,
                  released_at, agreed_points FROM msf_rounds WHERE trainee_id = ? ORDER BY created_at, id""", [user_id])


async def round_actions(db: Database | Tx, user_id: int) -> list[Row]:
    return await db.fetch("SELECT id, round_id, at, action FROM msf_round_events WHERE actor_id = ? ORDER BY id", [user_id])


async def sessions(db: Database | Tx, user_id: int) -> list[Row]:
    return await db.fetch("SELECT created_at, expires_at FROM sessions WHERE user_id = ? ORDER BY created_at", [user_id])


async def devices(db: Database | Tx, actor: str) -> list[Row]:
    return await db.fetch("SELECT client_id, updated_at FROM sync_clients WHERE actor = ? ORDER BY client_id", [actor])


async def refused(db: Database | Tx, actor: str) -> list[Row]:
    return await db.fetch("SELECT * FROM refused_mutations WHERE actor = ? ORDER BY id", [actor])


async def reminders(db: Database | Tx, user_id: int) -> list[Row]:
    return await db.fetch("SELECT * FROM plan_reminders WHERE recipient_id = ? ORDER BY sent_at, assessment_id", [user_id])


async def mail(db: Database | Tx, email: str) -> list[Row]:
    return await db.fetch("""SELECT id, kind, subject, status, created_at, sent_at FROM mail_outbox
                             WHERE lower(to_address) = lower(?) ORDER BY id""", [email])


async def settings_changed(db: Database | Tx, user_id: int) -> list[Row]:
    return await db.fetch("SELECT id, unit_id, key, value, updated_at FROM unit_settings WHERE updated_by = ? ORDER BY id",
                          [user_id])


async def admin_events_about(db: Database | Tx, user_id: int) -> list[Row]:
    """When an administrator acted on her account (an export made for her), without who (an admin's id)."""
    return await db.fetch("SELECT id, at, action FROM admin_events WHERE subject_user_id = ? ORDER BY id", [user_id])
