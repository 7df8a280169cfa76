"""Assessment rows <-> the sync engine's ``Document``, and the batched reads and writes of a request.

A request's work is a handful of statements whatever its size: one SELECT of the documents it
touches, one counter bump for the change sequence, one upsert and one audit insert, each set-based.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import msgspec

from sync.document import Conflict, Document, FieldMeta

from ..db import Row, Tx

_encode = msgspec.json.Encoder(order="sorted").encode
_decode_data = msgspec.json.Decoder(dict[str, Any]).decode
_decode_meta = msgspec.json.Decoder(dict[str, FieldMeta]).decode
_decode_conflicts = msgspec.json.Decoder(dict[str, Conflict]).decode

META_COLUMNS = ("trainee_id", "assessor_id", "assessor_name", "assessor_email", "placement_id", "observed_on")
_decode_delmal = msgspec.json.Decoder(list[str]).decode

COLUMNS = (
    "id", "form_id", "form_version", "form_hash", "trainee_id", "assessor_id", "assessor_name", "assessor_email",
    "placement_id", "status", "data", "field_meta", "conflicts", "version", "seq", "deleted", "amends_id",
    "reflection", "content_hash", "created_by", "created_at", "updated_at", "submitted_at", "signed_at",
    "signed_by", "acknowledged_at", "countersigned_at", "countersigned_by", "returned_reason", "observed_on", "delmal",
    "private", "follows_up_id",
)


def encode_json(value: Any) -> str:
    return _encode(value).decode()


def meta_columns(meta: dict[str, Any]) -> dict[str, Any]:
    """A document's header as the columns store it (the delmål list as JSON text)."""
    columns = {k: meta.get(k) for k in META_COLUMNS}
    columns["delmal"] = encode_json(meta["delmal"]) if meta.get("delmal") is not None else None
    columns["private"] = 1 if meta.get("private") else 0
    columns["follows_up_id"] = meta.get("follows_up")
    return columns


def row_to_document(row: Row) -> Document:
    meta = {k: row[k] for k in META_COLUMNS if row[k] is not None}
    if row["amends_id"]:
        meta["amends"] = row["amends_id"]
    if row["delmal"]:
        meta["delmal"] = _decode_delmal(row["delmal"])
    if row["private"]:
        meta["private"] = True
    if row["follows_up_id"]:
        meta["follows_up"] = row["follows_up_id"]
    return Document(
        id=row["id"], form_id=row["form_id"], form_version=row["form_version"], status=row["status"],
        version=row["version"], data=_decode_data(row["data"]), field_meta=_decode_meta(row["field_meta"]),
        conflicts=_decode_conflicts(row["conflicts"]), deleted=bool(row["deleted"]), meta=meta,
        content_hash=row["content_hash"], reflection=row["reflection"], returned_reason=row["returned_reason"],
    )




async def load_rows(tx: Tx, ids: Iterable[str]) -> dict[str, Row]:
    """The rows of these assessments, locked for update on PostgreSQL."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    marks = ", ".join("?" for _ in wanted)
    rows = await tx.fetch(f"SELECT * FROM assessments WHERE id IN ({marks}) ORDER BY id{tx.for_update}", wanted)
    return {r["id"]: r for r in rows}


async def next_sequence_numbers(tx: Tx, count: int) -> list[int]:
    """``count`` new change-sequence numbers. The counter row stays locked until COMMIT on PostgreSQL,
    so transactions commit in sequence order and a reader's checkpoint never skips a change."""
    row = await tx.fetchone(
        "UPDATE counters SET value = value + ? WHERE name = 'change_seq' RETURNING value", (count,))
    assert row is not None
    last = int(row["value"])
    return list(range(last - count + 1, last + 1))


_UPSERT = (
    f"INSERT INTO assessments ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)}) "
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in COLUMNS if c not in ("id", "created_by", "created_at"))
)


async def upsert_rows(tx: Tx, rows: Sequence[Row]) -> None:
    if rows:
        await tx.executemany(_UPSERT, [tuple(r[c] for c in COLUMNS) for r in rows])


async def insert_audit_events(tx: Tx, events: Sequence[tuple[str, str, str, str, str, str]]) -> None:
    """Events as (assessment_id, at, actor, actor_name, action, detail_json)."""
    if events:
        await tx.executemany(
            "INSERT INTO audit_events (assessment_id, at, actor, actor_name, action, detail) VALUES (?, ?, ?, ?, ?, ?)",
            events,
        )


async def insert_refused(tx: Tx, rows: Sequence[tuple[str, str, str, str, str, str, str]]) -> None:
    """Refused content as (actor, client_id, doc_id, kind, reason, at, detail_json): its sender's only."""
    if rows:
        await tx.executemany(
            "INSERT INTO refused_mutations (actor, client_id, doc_id, kind, reason, at, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


#: an assessment with the names shown, how a link signature was made (the request it answers), and
#: how many answers a second device sent for it
VIEW_SELECT = """SELECT a.*, t.name AS trainee_name, COALESCE(u.name, a.assessor_name) AS assessor_display,
                        u.title AS account_title,
                        rq.id AS request_id, rq.claimed_at AS request_claimed_at, rq.claimed_email AS signer_email,
                        rq.claimed_name AS signer_name,
                        rq.assessor_email AS invited_email, rq.assessor_title AS signer_title,
                        rq.assessor_workplace AS signer_workplace, rq.disputed_at AS disputed_at,
                        (SELECT count(*) FROM displaced_answers d WHERE d.assessment_id = a.id) AS other_answers,
                        (SELECT hu.name FROM programmes pr JOIN users hu ON hu.id = pr.main_supervisor_id
                         WHERE pr.trainee_id = a.trainee_id ORDER BY pr.start_date DESC LIMIT 1) AS main_supervisor_name,
                        cs.name AS countersigner_name
                 FROM assessments a JOIN users t ON t.id = a.trainee_id LEFT JOIN users u ON u.id = a.assessor_id
                 LEFT JOIN users cs ON cs.id = CASE WHEN a.countersigned_by LIKE 'user:%'
                                              THEN CAST(substr(a.countersigned_by, 6) AS INTEGER) END
                 LEFT JOIN assessment_requests rq ON rq.assessment_id = a.id"""
