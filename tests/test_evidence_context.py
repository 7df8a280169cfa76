"""Issue 9, part 1: every assessment is evidence in context. It carries the day of the observed
activity and its placement (the trainee's placement whose period holds that day, unless she names
another of hers), and the BT delmål it gives evidence for: metadata, not form data, on every path
(sync, the API, requests), in the change feed, and migrated onto rows made before."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from server import clock
from server.db import Database, Tx
from server.db.migrate import all_migrations, migrate
from server.people import repository as people
from server.privacy.ids import new_id
from server.settings import Settings
from tests.helpers import in_app, migrated_upto
from tests.world import World, login

TODAY = clock.today()  # the Swedish day, as the server reckons it (not the machine's UTC day)


async def current_placement(client: AsyncTestClient, world: World) -> int:
    """A second placement of Tove's that holds today (the world's own ran January to June)."""
    db = client.app.state.db
    rows = await in_app(client, db.fetch, "SELECT id FROM programmes WHERE trainee_id = ?", (world.id("trainee"),))
    return await in_app(client, _placement, db, rows[0]["id"], world)


async def _placement(db: Database, programme_id: int, world: World) -> int:
    return await people.create_placement(
        db, programme_id=programme_id, unit_id=world.units["own"], specialty="Akutsjukvård",
        start_date=(TODAY - dt.timedelta(days=30)).isoformat(), end_date=(TODAY + dt.timedelta(days=30)).isoformat(),
        clinical_supervisor_id=world.id("clinical_supervisor"))


def mutation(n: int, kind: str, doc_id: str, **body: Any) -> dict[str, Any]:
    return {"kind": kind, "id": n, "doc_id": doc_id, "at": int(dt.datetime.now(dt.UTC).timestamp() * 1000), **body}


async def push(client: AsyncTestClient, headers: dict[str, str], *mutations: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/api/sync", headers=headers, json={"client_id": f"c-{new_id()[:8]}", "since": 0,
                                                                       "mutations": list(mutations)})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_the_day_and_the_placement_follow_from_the_activity(client: AsyncTestClient, world: World) -> None:
    now_placement = await current_placement(client, world)
    tove = await login(client, world, "trainee")
    today_doc, march_doc = new_id(), new_id()
    answer = await push(client, tove,
                        mutation(1, "create", today_doc, form_id="mini-cex", form_version=1,
                                 meta={"assessor_id": world.id("assessor")}),
                        mutation(2, "create", march_doc, form_id="mini-cex", form_version=1,
                                 meta={"assessor_id": world.id("assessor"), "observed_on": "2026-03-02",
                                       "delmal": ["BT9", "BT1", "BT9"]}))
    changes = {c["doc_id"]: c for c in answer["changes"]}
    assert changes[today_doc]["observed_on"] == TODAY.isoformat() and changes[today_doc]["placement_id"] == now_placement
    assert changes[march_doc]["observed_on"] == "2026-03-02"
    assert changes[march_doc]["placement_id"] == world.placements["placement"]  # the one of that spring
    assert changes[march_doc]["delmal"] == ["BT1", "BT9"]

    made = await client.post("/api/requests", headers=tove, json={"form_id": "mini-cex", "channel": "bedside"})
    view = (await client.get(f"/api/assessments/{made.json()['assessment_id']}")).json()
    assert view["placement_id"] == now_placement and view["observed_on"] == TODAY.isoformat()  # it counts there
    overview = await login(client, world, "clinical_supervisor")
    rows = (await client.get("/api/trainees", headers=overview)).json()
    counted = {p["placement_id"]: p for t in rows for p in t["placements"]}
    assert counted[now_placement]["drafts"] == 2


async def test_the_header_is_changed_on_a_draft_by_those_who_may(client: AsyncTestClient, world: World) -> None:
    now_placement = await current_placement(client, world)
    tove = await login(client, world, "trainee")
    doc = new_id()
    await push(client, tove, mutation(1, "create", doc, form_id="mini-cex", form_version=1,
                                      meta={"assessor_id": world.id("assessor")}))
    moved = await client.post(f"/api/assessments/{doc}/meta", headers=tove,
                              json={"placement_id": world.placements["placement"], "observed_on": "2026-04-01"})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["placement_id"], moved.json()["observed_on"]) == (world.placements["placement"], "2026-04-01")
    cases = [
        ({"placement_id": world.placements["other_placement"]}, "invalid"),  # not one of hers
        ({"observed_on": (TODAY + dt.timedelta(days=3)).isoformat()}, "invalid"),
        ({"delmal": ["BT3"]}, "invalid"),  # a Mini-CEX gives no evidence for BT3
        ({"surprise": 1}, "invalid"), ({}, "invalid"),
    ]
    for meta, reason in cases:
        response = await client.post(f"/api/assessments/{doc}/meta", headers=tove, json=meta)
        assert response.status_code == 400 and response.json()["reason"] == reason, (meta, response.text)
    asta = await login(client, world, "assessor")
    ticked = await client.post(f"/api/assessments/{doc}/meta", headers=asta, json={"delmal": ["BT8", "BT10"]})
    assert ticked.status_code == 200 and ticked.json()["delmal"] == ["BT8", "BT10"]
    refused = await client.post(f"/api/assessments/{doc}/meta", headers=asta, json={"placement_id": now_placement})
    assert refused.status_code == 403  # only the trainee moves it between her placements
    sync_refused = await push(client, asta, mutation(1, "set_meta", doc, meta={"placement_id": now_placement}))
    assert sync_refused["results"][0]["reason"] == "forbidden"

    await login(client, world, "trainee")
    assert (await client.post(f"/api/assessments/{doc}/meta", headers=tove, json={"delmal": []})).status_code == 200
    audit = [e["action"] for e in (await client.get(f"/api/assessments/{doc}/audit")).json()]
    assert audit == ["create", "set_meta", "set_meta", "set_meta"]


@pytest.fixture
async def old_database(settings: Settings) -> AsyncIterator[Database]:
    """A database migrated up to the migration before this one, as it stood."""
    async with migrated_upto(settings, "0004_claim_details") as database:
        yield database


async def test_rows_made_before_get_their_day_and_placement(old_database: Database, settings: Settings) -> None:
    from tests.world import build_world

    world = await build_world(old_database)

    async def insert(tx: Tx) -> None:
        for doc_id, created, placement in (("11111111-1111-4111-8111-111111111111", "2026-02-10T09:00:00.000000Z", None),
                                           ("22222222-2222-4222-8222-222222222222", "2025-02-10T09:00:00.000000Z", None),
                                           ("33333333-3333-4333-8333-333333333333", "2026-02-10T09:00:00.000000Z",
                                            world.placements["placement"])):
            await tx.execute(
                """INSERT INTO assessments (id, form_id, form_version, form_hash, trainee_id, placement_id, status, data,
                     field_meta, conflicts, version, seq, deleted, created_by, created_at, updated_at)
                   VALUES (?, 'mini-cex', 1, 'h', ?, ?, 'draft', '{}', '{}', '{}', 1, 0, 0, 'user:1', ?, ?)""",
                (doc_id, world.id("trainee"), placement, created, created))

    await old_database.transaction(insert)
    later = [m.ID for m in all_migrations() if m.ID >= "0005_evidence_context"]
    assert await migrate(old_database) == later
    rows = {r["id"][:2]: r for r in await old_database.fetch("SELECT id, observed_on, placement_id FROM assessments")}
    assert (rows["11"]["observed_on"], rows["11"]["placement_id"]) == ("2026-02-10", world.placements["placement"])
    assert (rows["22"]["observed_on"], rows["22"]["placement_id"]) == ("2025-02-10", None)  # no placement then
    assert rows["33"]["placement_id"] == world.placements["placement"]
