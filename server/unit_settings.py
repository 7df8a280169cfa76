"""Per-unit settings (``unit_settings``): a JSON value under a key such as ``flags.<rule>`` or
``rounds.<setting>``; a unit without a row for a key uses the default of the feature that reads it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from .db import Database, Tx, utc_now


async def read_unit_settings(db: Database | Tx, unit_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The stored settings of these units: unit id → key → value (a unit or key without a row is absent)."""
    if not unit_ids:
        return {}
    marks = ", ".join("?" for _ in unit_ids)
    rows = await db.fetch(f"SELECT unit_id, key, value FROM unit_settings WHERE unit_id IN ({marks})", list(unit_ids))
    settings: dict[int, dict[str, Any]] = {}
    for r in rows:
        settings.setdefault(int(r["unit_id"]), {})[r["key"]] = msgspec.json.decode(r["value"])
    return settings


async def write_unit_settings(db: Database, unit_id: int, values: dict[str, Any], user_id: int) -> None:
    """Set each key of ``values`` (None: back to the default), in one transaction, noting who did it (on the
    row, and as an administrative event: who, when, which unit, what)."""

    async def write(tx: Tx) -> None:
        now = utc_now()
        await tx.execute("INSERT INTO admin_events (at, actor_id, action, subject_user_id, detail) VALUES (?, ?, ?, NULL, ?)",
                         (now, user_id, "unit_settings", msgspec.json.encode({"unit_id": unit_id, "values": values}).decode()))
        for key, value in values.items():
            await tx.execute("DELETE FROM unit_settings WHERE unit_id = ? AND key = ?", (unit_id, key))
            if value is not None:
                await tx.execute(
                    "INSERT INTO unit_settings (unit_id, key, value, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)",
                    (unit_id, key, msgspec.json.encode(value).decode(), now, user_id))

    await db.transaction(write)
