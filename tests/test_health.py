"""``GET /api/health`` tells an operator (or a load balancer) whether the database answers and how far
it is migrated: 200 when it answers, 503 ``database_unavailable`` when it does not."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import Any

from litestar.testing import AsyncTestClient

from server.app import create_app
from server.db.migrate import all_migrations
from server.health import TIMEOUT_SECONDS
from server.settings import Settings
from tests.helpers import in_app, migrated_upto

NEWEST = all_migrations()[-1].ID


async def test_a_migrated_database_that_answers_is_ok_and_current(client: AsyncTestClient) -> None:
    response = await client.get("/api/health")
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ok", "database": "ok",
                               "migration": {"latest": NEWEST, "current": True, "code_latest": NEWEST}}


async def test_a_database_behind_the_code_says_so(settings: Settings) -> None:
    older = all_migrations()[-2].ID
    async with migrated_upto(settings, older):
        pass
    app = create_app(dataclasses.replace(settings, job_interval_seconds=0), run_migrations=False)
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/api/health")
    assert response.status_code == 200, response.text
    assert response.json()["migration"] == {"latest": older, "current": False, "code_latest": NEWEST}


async def _hold_every_connection(db: Any) -> tuple[asyncio.Event, list[asyncio.Task[None]]]:
    """On the app's loop: every reader connection (SQLite) or pooled connection (PostgreSQL) taken by a
    query that does not finish until the event is set, as when the database hangs."""
    release = asyncio.Event()

    async def hold() -> None:
        if db.dialect == "sqlite":
            conn = await db._readers.get()
            try:
                await release.wait()
            finally:
                db._readers.put_nowait(conn)
        else:
            async with db.engine.pool.acquire():
                await release.wait()

    count = 3 if db.dialect == "sqlite" else db.engine.pool.get_max_size()
    tasks = [asyncio.create_task(hold()) for _ in range(count)]
    await asyncio.sleep(0.1)
    return release, tasks


async def _release(release: asyncio.Event, tasks: list[asyncio.Task[None]]) -> None:
    release.set()
    await asyncio.gather(*tasks)


async def test_a_database_that_does_not_answer_in_time_is_503(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, job_interval_seconds=0))
    async with AsyncTestClient(app=app) as client:
        db = app.state.db
        release, tasks = await in_app(client, _hold_every_connection, db)
        try:
            started = time.monotonic()
            response = await client.get("/api/health")
            waited = time.monotonic() - started
        finally:
            await in_app(client, _release, release, tasks)
        assert response.status_code == 503, response.text
        assert response.json() == {
            "status_code": 503, "reason": "database_unavailable",
            "detail": "The database does not answer (checked with a 2 s timeout); see the server's log.",
            "extra": {"status": "unavailable", "database": "unavailable"}}
        assert TIMEOUT_SECONDS - 0.1 <= waited < TIMEOUT_SECONDS + 2  # a short timeout, not a hang
        assert (await client.get("/api/health")).status_code == 200  # answers again once the database does


async def test_a_closed_database_is_503_at_once(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, job_interval_seconds=0))
    async with AsyncTestClient(app=app) as client:
        await in_app(client, app.state.db.close)
        started = time.monotonic()
        response = await client.get("/api/health")
        assert response.status_code == 503 and response.json()["reason"] == "database_unavailable"
        assert time.monotonic() - started < TIMEOUT_SECONDS
