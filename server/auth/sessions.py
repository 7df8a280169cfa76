"""Server-side login sessions stored in the database (shared by every server process)."""

from __future__ import annotations

import datetime as dt

from ..db import Database, Tx, utc_now
from .principal import Principal
from .tokens import new_token, token_hash

COOKIE_NAME = "bedside_session"


def _expiry(days: int) -> str:
    when = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


async def create_session(db: Database, user_id: int, days: int) -> str:
    """Store a new session and return its token (only the token's hash is stored)."""
    token = new_token()

    async def insert(tx: Tx) -> None:
        await tx.execute("DELETE FROM sessions WHERE user_id = ? AND expires_at < ?", (user_id, utc_now()))
        await tx.execute(
            "INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            (token_hash(token), user_id, utc_now(), _expiry(days)),
        )

    await db.transaction(insert)
    return token


async def delete_session(db: Database, token: str) -> None:
    async def delete(tx: Tx) -> None:
        await tx.execute("DELETE FROM sessions WHERE id = ?", (token_hash(token),))

    await db.transaction(delete)


async def principal_for_session(db: Database, token: str) -> Principal | None:
    rows = await db.lookup(
        """SELECT u.id, u.name, u.email, r.role, r.unit_id
           FROM sessions s JOIN users u ON u.id = s.user_id
           LEFT JOIN user_roles r ON r.user_id = u.id
           WHERE s.id = ? AND s.expires_at > ? AND u.active = 1""",
        (token_hash(token), utc_now()),
    )
    if not rows:
        return None
    return principal_from_rows(rows, session_token=token)


async def load_principal(db: Database, user_id: int) -> Principal | None:
    rows = await db.fetch(
        """SELECT u.id, u.name, u.email, r.role, r.unit_id FROM users u
           LEFT JOIN user_roles r ON r.user_id = u.id WHERE u.id = ? AND u.active = 1""",
        (user_id,),
    )
    return principal_from_rows(rows) if rows else None


def principal_from_rows(rows: list[dict], session_token: str = "") -> Principal:
    first = rows[0]
    roles = frozenset(r["role"] for r in rows if r["role"])
    units = frozenset(r["unit_id"] for r in rows if r["role"] == "studierektor" and r["unit_id"] is not None)
    return Principal(
        user_id=first["id"], name=first["name"], email=first["email"], roles=roles,
        studierektor_units=units, session_token=session_token,
    )
