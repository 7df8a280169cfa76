"""Fixed-window rate limits counted in the database, so every server process shares them.

Counting is atomic: an attempt is counted (``INSERT … ON CONFLICT DO UPDATE … RETURNING``) *before*
the work it guards, and the count it gets back decides. A burst of parallel attempts therefore gets
exactly ``limit`` tries, never more; work that should not count (a correct password) is released
afterwards.
"""

from __future__ import annotations

import hashlib
import time

from litestar.exceptions import TooManyRequestsException

from .db import Database, Tx

_UPSERT = """INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
             ON CONFLICT (key) DO UPDATE SET
               count = CASE WHEN rate_limits.window_start = excluded.window_start
                            THEN rate_limits.count + 1 ELSE 1 END,
               window_start = excluded.window_start
             RETURNING count"""


def _window(window_seconds: int) -> int:
    now = int(time.time())
    return now - now % window_seconds


def limit_key(kind: str, subject: str) -> str:
    """A key of bounded length whatever the subject (an e-mail address, an IPv6 address)."""
    return f"{kind}:{hashlib.sha256(subject.encode()).hexdigest()[:40]}"


async def count_hits(db: Database, keys: list[str], window_seconds: int) -> list[int]:
    """Count one hit for each key in the current window, in one transaction; return the new counts."""
    window_start = _window(window_seconds)

    async def upsert(tx: Tx) -> list[int]:
        counts = []
        for key in keys:
            row = await tx.fetchone(_UPSERT, (key, window_start))
            assert row is not None
            counts.append(int(row["count"]))
        return counts

    return await db.transaction(upsert)


async def release_hits(db: Database, keys: list[str], window_seconds: int) -> None:
    """Take back one hit of each key (the attempt turned out not to count)."""
    window_start = _window(window_seconds)

    async def release(tx: Tx) -> None:
        await tx.executemany(
            "UPDATE rate_limits SET count = count - 1 WHERE key = ? AND window_start = ? AND count > 0",
            [(key, window_start) for key in keys])

    await db.transaction(release)


def too_many(what: str, window_seconds: int) -> TooManyRequestsException:
    return TooManyRequestsException(
        f"Too many {what}; wait {window_seconds // 60 or 1} minute(s) and try again.",
        headers={"Retry-After": str(window_seconds)},
    )


async def enforce(db: Database, key: str, *, limit: int, window_seconds: int, what: str) -> None:
    """Count this hit; over ``limit`` in the window is a 429 that says how long to wait."""
    (count,) = await count_hits(db, [key], window_seconds)
    if count > limit:
        raise too_many(what, window_seconds)
