"""Fixed-window rate limits counted in the database, so every server process shares them."""

from __future__ import annotations

import time

from litestar.exceptions import TooManyRequestsException

from .db import Database, Tx


async def count_hit(db: Database, key: str, window_seconds: int) -> int:
    """Count one hit for ``key`` in the current window and return the window's count."""
    now = int(time.time())
    window_start = now - now % window_seconds

    async def upsert(tx: Tx) -> int:
        row = await tx.fetchone(
            """INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
               ON CONFLICT (key) DO UPDATE SET
                 count = CASE WHEN rate_limits.window_start = excluded.window_start
                              THEN rate_limits.count + 1 ELSE 1 END,
                 window_start = excluded.window_start
               RETURNING count""",
            (key, window_start),
        )
        assert row is not None
        return int(row["count"])

    return await db.transaction(upsert)


async def current_count(db: Database, key: str, window_seconds: int) -> int:
    now = int(time.time())
    row = await db.fetchone("SELECT window_start, count FROM rate_limits WHERE key = ?", (key,))
    if row is None or int(row["window_start"]) != now - now % window_seconds:
        return 0
    return int(row["count"])


def too_many(what: str, window_seconds: int) -> TooManyRequestsException:
    return TooManyRequestsException(
        f"Too many {what}; wait {window_seconds // 60 or 1} minute(s) and try again.",
        headers={"Retry-After": str(window_seconds)},
    )


async def enforce(db: Database, key: str, *, limit: int, window_seconds: int, what: str) -> None:
    """Count this hit; over ``limit`` in the window is a 429 that says how long to wait."""
    if await count_hit(db, key, window_seconds) > limit:
        raise too_many(what, window_seconds)
