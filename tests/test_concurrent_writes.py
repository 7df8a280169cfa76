"""SQLite has one writer: concurrent writes through the API must all succeed, none 'database is locked'."""

from __future__ import annotations

import asyncio

from litestar.testing import AsyncTestClient

from tests.helpers import count_rows
from tests.world import World, login

CONCURRENT = 48


async def test_48_concurrent_creates_and_edits_all_succeed(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "trainee")

    async def create(i: int) -> int:
        response = await client.post("/api/assessments", headers=headers, json={
            "form_id": "mini-cex", "assessor_id": world.id("assessor"), "data": {"focus": f"Fall {i}"}})
        return response.status_code

    statuses = await asyncio.gather(*(create(i) for i in range(CONCURRENT)))
    assert statuses == [201] * CONCURRENT
    assert await count_rows(client, "assessments") == CONCURRENT

    docs = (await client.get("/api/assessments")).json()

    async def edit(doc: dict) -> int:
        response = await client.patch(f"/api/assessments/{doc['doc_id']}", headers=headers,
                                      json={"base_version": doc["version"], "data": {"complexity": "medel"}})
        return response.status_code

    assert await asyncio.gather(*(edit(d) for d in docs)) == [200] * CONCURRENT
    seqs = [d["seq"] for d in (await client.get("/api/assessments")).json()]
    assert len(set(seqs)) == CONCURRENT  # every change got its own sequence number
