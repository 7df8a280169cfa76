"""Small helpers shared by API tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from litestar.testing import AsyncTestClient

from server.db import Database, open_database
from server.db.migrate import migrate
from server.settings import Settings

T = TypeVar("T")

MINI_CEX_COMPLETE: dict[str, Any] = {
    "setting": "akutmottagning", "encounter": "ny", "focus": "Bröstsmärta", "complexity": "medel",
    "patient_age_band": "65-79", "anamnes": 7, "status": 6, "kommunikation": 8, "klinisk_bedomning": 6,
    "professionalism": "ej_observerat", "organisation": 5, "helhetsbedomning": 6, "minutes_observed": 20,
    "minutes_feedback": 10, "strengths": "Strukturerad anamnes.", "development_areas": "Tidsdisposition.",
    "agreed_action": "Ny Mini-CEX om två veckor.",
}
#: a Mini-CEX's context, which the trainee fills in too; from version 2 the rest (ratings, time,
#: feedback) is filled in by the assessor only (``filled_by`` in ui.json)
MINI_CEX_CONTEXT: dict[str, Any] = {k: MINI_CEX_COMPLETE[k] for k in
                                    ("setting", "encounter", "focus", "complexity", "patient_age_band")}
MINI_CEX_ASSESSORS: dict[str, Any] = {k: v for k, v in MINI_CEX_COMPLETE.items() if k not in MINI_CEX_CONTEXT}


async def create_mini_cex(client: AsyncTestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = await client.post("/api/assessments", json={"form_id": "mini-cex", **body}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def fill_assessors_part(client: AsyncTestClient, headers: dict[str, str], doc: dict[str, Any]) -> dict[str, Any]:
    """The assessor (``headers``) fills in her part of a Mini-CEX draft: ratings, time and feedback."""
    response = await client.patch(f"/api/assessments/{doc['doc_id']}", headers=headers,
                                  json={"base_version": doc["version"], "data": MINI_CEX_ASSESSORS})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def in_app(client: AsyncTestClient, fn: Callable[..., Awaitable[T]], *args: Any) -> T:
    """Run ``fn(*args)`` on the app's own event loop: the test client runs the app (and its database
    connections) in a portal thread, and asyncio objects belong to one loop."""
    return await asyncio.to_thread(client.blocking_portal.call, fn, *args)


async def count_rows(client: AsyncTestClient, table: str) -> int:
    async def count() -> int:
        row = await client.app.state.db.fetchone(f"SELECT count(*) AS n FROM {table}")
        return int(row["n"])

    return await in_app(client, count)


@asynccontextmanager
async def migrated_upto(settings: Settings, migration_id: str) -> AsyncIterator[Database]:
    """The test database migrated only as far as ``migration_id``, as it stood then (for testing what a
    later migration does to the rows made before it)."""
    database = await open_database(settings.database_url, settings.sqlite_path if settings.is_sqlite else None)
    try:
        await migrate(database, upto=migration_id)
        yield database
    finally:
        await database.close()
