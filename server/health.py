"""``GET /api/health``: whether this process and its database answer, and the database's migration level.

Polled by load balancers and by ``bench/live_server.py`` while a server starts, so it is one small
query (the migrations table) under a short timeout, and the code's own migration list is read once.
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Any

from litestar import Response, get
from litestar.di import NamedDependency

from .db import Database
from .db.migrate import all_migrations
from .errors import error_response

log = logging.getLogger("bedside.health")
#: how long the database may take to answer before the server counts as unavailable
TIMEOUT_SECONDS = 2.0


@lru_cache(maxsize=1)
def code_migrations() -> tuple[int, str]:
    """How many migrations this code has, and the id of the newest."""
    ids = [module.ID for module in all_migrations()]
    return len(ids), ids[-1]


async def migration_level(db: Database) -> dict[str, Any]:
    """The newest migration applied to the database, and whether it is the code's newest (``current``)."""
    row = await db.fetchone("SELECT count(*) AS n, max(id) AS latest FROM migrations")
    applied, latest = (int(row["n"]), row["latest"]) if row else (0, None)
    count, newest = code_migrations()
    return {"latest": latest, "current": applied == count and latest == newest, "code_latest": newest}


@get("/api/health", operation_id="health", tags=["meta"])
async def health(db: NamedDependency[Database]) -> Response[dict[str, Any]]:
    """200 ``{status: ok, database: ok, migration: {latest, current, code_latest}}`` when the database
    answers within 2 s; otherwise 503 (reason ``database_unavailable``). ``current`` is false when the
    database is behind this code (the server migrates when it starts) or ahead of it."""
    try:
        migration = await asyncio.wait_for(migration_level(db), timeout=TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001 - any failure to answer (timeout, connection, closed) is "unavailable"
        log.warning("health: the database does not answer: %s", type(exc).__name__)
        return error_response(
            503, reason="database_unavailable",
            detail=f"The database does not answer (checked with a {TIMEOUT_SECONDS:g} s timeout); see the server's log.",
            extra={"status": "unavailable", "database": "unavailable"})
    return Response({"status": "ok", "database": "ok", "migration": migration}, status_code=200)
