"""The SQL of the rounds domain: rounds, their raters (with their requests' state), hidden comments
and the round's events."""

from __future__ import annotations

import json
from typing import Any

from ..db import Database, Row, Tx
from ..unit_settings import read_unit_settings

Reader = Database | Tx

RATER_SELECT = """SELECT x.*, r.assessment_id, r.expires_at, r.withdrawn_at, r.declined_at, r.opened_at,
       r.last_reminded_at, r.reminders_sent, r.token_nonce, a.status AS doc_status, a.version AS doc_version,
       a.signed_at, a.data AS answer_data
FROM msf_round_raters x
LEFT JOIN assessment_requests r ON r.id = x.request_id
LEFT JOIN assessments a ON a.id = r.assessment_id"""


async def round_row(db: Reader, round_id: str, *, for_update: bool = False) -> Row | None:
    lock = db.for_update if for_update and isinstance(db, Tx) else ""
    return await db.fetchone(f"SELECT * FROM msf_rounds WHERE id = ?{lock}", (round_id,))


async def rounds_of(db: Reader, trainee_ids: list[int]) -> list[Row]:
    if not trainee_ids:
        return []
    marks = ", ".join("?" for _ in trainee_ids)
    return await db.fetch(f"SELECT * FROM msf_rounds WHERE trainee_id IN ({marks}) ORDER BY created_at DESC, id",
                          trainee_ids)


async def raters_of(db: Reader, round_id: str) -> list[Row]:
    return await db.fetch(f"{RATER_SELECT} WHERE x.round_id = ? ORDER BY x.nominated_at, x.id", (round_id,))


async def rater_row(db: Reader, round_id: str, rater_id: str) -> Row | None:
    return await db.fetchone(f"{RATER_SELECT} WHERE x.round_id = ? AND x.id = ?", (round_id, rater_id))


async def hidden_of(db: Reader, round_id: str) -> list[Row]:
    return await db.fetch("""SELECT h.*, u.name AS hidden_by_name FROM msf_hidden_comments h
                             JOIN users u ON u.id = h.hidden_by WHERE h.round_id = ? ORDER BY h.id""", (round_id,))


async def add_event(tx: Tx, round_id: str, at: str, actor_id: int, action: str, detail: dict[str, Any]) -> None:
    await tx.execute("INSERT INTO msf_round_events (round_id, at, actor_id, action, detail) VALUES (?, ?, ?, ?, ?)",
                     (round_id, at, actor_id, action, json.dumps(detail, ensure_ascii=False, sort_keys=True)))


async def events_of(db: Reader, round_id: str) -> list[Row]:
    return await db.fetch(
        """SELECT e.at, e.action, e.detail, u.name AS actor_name FROM msf_round_events e
           JOIN users u ON u.id = e.actor_id WHERE e.round_id = ? ORDER BY e.id""", (round_id,))


async def unit_settings_of(db: Reader, unit_ids: list[int], prefix: str) -> dict[str, Any]:
    """The round settings of the trainee's programme units (the lowest unit id wins a disagreement)."""
    stored = await read_unit_settings(db, unit_ids)
    merged: dict[str, Any] = {}
    for unit_id in sorted(stored, reverse=True):
        merged |= {key[len(prefix):]: value for key, value in stored[unit_id].items() if key.startswith(prefix)}
    return merged


async def self_assessment(db: Reader, assessment_id: str) -> Row | None:
    return await db.fetchone("SELECT id, trainee_id, form_id, form_version, status, data FROM assessments WHERE id = ?",
                             (assessment_id,))
