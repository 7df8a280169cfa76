"""Issue 8, item 6: ``null`` clears a field, on every path: a sync edit, an HTTP edit, a create with a
null field. A cleared field that the form requires is reported as missing at submission."""

from __future__ import annotations


from litestar.testing import AsyncTestClient

from tests.helpers import MINI_CEX_CONTEXT, create_mini_cex, fill_assessors_part
from tests.world import World, login
from server.privacy.ids import new_id


async def test_null_clears_through_sync_and_http_and_a_create_may_carry_one(client: AsyncTestClient, world: World) -> None:
    tove = await login(client, world, "trainee")
    doc = new_id()
    answer = await client.post("/api/sync", headers=tove, json={"client_id": "toves-phone", "since": 0, "mutations": [
        {"kind": "create", "id": 1, "doc_id": doc, "at": 1, "form_id": "mini-cex", "form_version": 1,
         "data": {"focus": "Dyspné", "strengths": None, "anamnes": 7},
         "meta": {"assessor_id": world.id("assessor")}},
        {"kind": "edit", "id": 2, "doc_id": doc, "at": 2, "base_version": 1, "fields": {"/focus": None}}]})
    assert [r["status"] for r in answer.json()["results"]] == ["applied", "applied"], answer.text
    assert answer.json()["changes"][-1]["data"] == {"focus": None, "strengths": None, "anamnes": 7}

    edited = await client.patch(f"/api/assessments/{doc}", headers=tove, json={"base_version": 2, "data": {"anamnes": None}})
    assert edited.status_code == 200, edited.text
    assert edited.json()["data"] == {"focus": None, "strengths": None, "anamnes": None}


async def test_a_cleared_required_field_is_missing_at_submission(client: AsyncTestClient, world: World) -> None:
    tove = await login(client, world, "trainee")
    doc = await create_mini_cex(client, tove, assessor_id=world.id("assessor"), data=MINI_CEX_CONTEXT)
    doc = await fill_assessors_part(client, await login(client, world, "assessor"), doc)
    tove = await login(client, world, "trainee")
    cleared = await client.patch(f"/api/assessments/{doc['doc_id']}", headers=tove,
                                 json={"base_version": doc["version"], "data": {"focus": None}})
    assert cleared.status_code == 200
    submitted = await client.post(f"/api/assessments/{doc['doc_id']}/submit", headers=tove)
    assert submitted.status_code == 400 and "/focus" in submitted.json()["detail"]
