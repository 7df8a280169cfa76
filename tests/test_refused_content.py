"""Issue 8, item 5: knowing a document's id does not let anyone write into its audit trail. Refused
content is kept only for the person who sent it (so nothing they typed is lost) and shown only to them."""

from __future__ import annotations


from litestar.testing import AsyncTestClient

from tests.helpers import create_mini_cex
from tests.world import World, login
from server.privacy.ids import new_id


async def test_a_strangers_refused_edit_stays_out_of_the_owners_audit_trail(client: AsyncTestClient, world: World) -> None:
    tove = await login(client, world, "trainee")
    doc = (await create_mini_cex(client, tove, assessor_id=world.id("assessor")))["doc_id"]
    await login(client, world, "other_trainee")
    answer = await client.post("/api/sync", headers=await login(client, world, "other_trainee"), json={
        "client_id": "olles-phone", "since": 0, "mutations": [
            {"kind": "edit", "id": 1, "doc_id": doc, "at": 1, "base_version": 1, "fields": {"/focus": "Olles text"}},
            {"kind": "sign", "id": 2, "doc_id": doc, "at": 2}]})
    assert [r["reason"] for r in answer.json()["results"]] == ["not_found", "not_found"]
    olles = (await client.get("/api/sync/refused")).json()
    assert [(r["doc_id"], r["kind"]) for r in olles] == [(doc, "sign"), (doc, "edit")]
    assert olles[1]["detail"]["mutation"]["fields"] == {"/focus": "Olles text"}  # kept for Olle

    await login(client, world, "trainee")
    audit = (await client.get(f"/api/assessments/{doc}/audit")).json()
    assert [e["action"] for e in audit] == ["create"] and "Olle" not in repr(audit)
    assert (await client.get("/api/sync/refused")).json() == []  # not shown to Tove either


async def test_the_owners_own_refused_edit_is_kept_for_her_alone(client: AsyncTestClient, world: World) -> None:
    tove = await login(client, world, "trainee")
    doc = (await create_mini_cex(client, tove, assessor_id=world.id("assessor")))["doc_id"]
    await client.post("/api/sync", headers=tove, json={"client_id": "toves-phone", "since": 0, "mutations": [
        {"kind": "edit", "id": 1, "doc_id": doc, "at": 1, "base_version": 9, "fields": {"/focus": "Min text"}},
        {"kind": "edit", "id": 2, "doc_id": new_id(), "at": 2, "base_version": 1, "fields": {"/focus": "y"}}]})
    mine = (await client.get("/api/sync/refused")).json()
    assert [r["reason"] for r in mine] == ["not_found", "invalid"]
    await login(client, world, "main_supervisor")
    assert (await client.get("/api/sync/refused")).json() == []
    assert "Min text" not in (await client.get(f"/api/assessments/{doc}/audit")).text
