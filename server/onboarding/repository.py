"""Password links and the account changes they make."""

from __future__ import annotations

from ..db import Database, Row, Tx


async def active_user_by_email(db: Database | Tx, email: str) -> Row | None:
    return await db.fetchone("SELECT id, email, name FROM users WHERE lower(email) = lower(?) AND active = 1", (email,))


async def active_user(db: Database | Tx, user_id: int) -> Row | None:
    return await db.fetchone("SELECT id, email, name, password_hash FROM users WHERE id = ? AND active = 1", (user_id,))


async def create_link(tx: Tx, *, user_id: int, purpose: str, nonce: str, now: str, expires_at: str,
                      created_by: int | None) -> None:
    """A new link; every earlier unused link of the same person stops working."""
    await tx.execute("UPDATE password_links SET used_at = ? WHERE user_id = ? AND used_at IS NULL", (now, user_id))
    await tx.execute(
        """INSERT INTO password_links (user_id, purpose, nonce, created_at, expires_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?)""", (user_id, purpose, nonce, now, expires_at, created_by))


async def link_by_nonce(db: Database | Tx, nonce: str) -> Row | None:
    return await db.fetchone(
        """SELECT l.*, u.email, u.name, u.active FROM password_links l JOIN users u ON u.id = l.user_id
           WHERE l.nonce = ?""", (nonce,))


async def use_link(tx: Tx, link_id: int, user_id: int, password_hash: str, now: str) -> bool:
    """Set the password and spend the link, once: False when another request spent it first."""
    row = await tx.fetchone("UPDATE password_links SET used_at = ? WHERE id = ? AND used_at IS NULL RETURNING id",
                            (now, link_id))
    if row is None:
        return False
    await tx.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))
    await tx.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))  # a new password ends every login
    return True
