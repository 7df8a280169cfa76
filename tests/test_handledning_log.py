"""Issue 13, the handledning log: a Handledningssamtal is a catalog form whose workflow says the trainee
documents the meeting (seed 000's "Alla träffar": agenda, how the placement goes, feedback, evaluation,
plan for next time, the next date) and one of her supervisors confirms it by signing. It is never
counted as an assessment; a colleague who is not her supervisor cannot confirm it. On both databases."""

from __future__ import annotations

import json
from typing import Any

from litestar.testing import AsyncTestClient

from server.settings import REPO_ROOT
from tests.world import World, login

EXAMPLES = REPO_ROOT / "schemas/forms/handledningssamtal/1/examples/valid"
MEETING: dict[str, Any] = json.loads((EXAMPLES / "med-hhl.json").read_text("utf-8"))
DAY = "2026-03-10"  # within the world's placement (2026-01-01 – 2026-06-30)


async def logged(client: AsyncTestClient, world: World, supervisor: str, data: dict[str, Any] = MEETING) -> dict[str, Any]:
    tove = await login(client, world, "trainee")
    made = await client.post("/api/assessments", headers=tove, json={
        "form_id": "handledningssamtal", "assessor_id": world.id(supervisor), "observed_on": DAY, "data": data})
    assert made.status_code == 201, made.text
    return made.json()  # type: ignore[no-any-return]


async def signed_count(client: AsyncTestClient, world: World) -> int:
    await login(client, world, "studierektor")
    (row,) = [r for r in (await client.get("/api/overview")).json() if r["trainee_id"] == world.id("trainee")]
    return sum(p["signed"] + p["waiting"] + p["drafts"] for p in row["placements"])


async def test_the_trainee_documents_the_meeting_and_her_hhl_confirms_it(client: AsyncTestClient, world: World) -> None:
    doc = await logged(client, world, "main_supervisor")
    assert doc["form_version"] == 1 and doc["data"] == MEETING and doc["status"] == "draft"
    tove = await login(client, world, "trainee")
    assert (await client.post(f"/api/assessments/{doc['doc_id']}/submit", headers=tove)).status_code == 200
    # she cannot confirm her own meeting: the supervisor's signature is the confirmation
    own = await client.post(f"/api/assessments/{doc['doc_id']}/sign", headers=tove)
    assert own.status_code == 403 and own.json()["reason"] == "forbidden"
    hanna = await login(client, world, "main_supervisor")
    signed = await client.post(f"/api/assessments/{doc['doc_id']}/sign", headers=hanna)
    assert signed.status_code == 200, signed.text
    seen = (await client.get(f"/api/assessments/{doc['doc_id']}")).json()
    assert seen["status"] == "signed" and seen["assessor_name"] == world.names["main_supervisor"]
    assert seen["data"]["plan_next"] == MEETING["plan_next"]


async def test_the_supervisor_writes_only_her_comment(client: AsyncTestClient, world: World) -> None:
    doc = await logged(client, world, "clinical_supervisor")
    karin = await login(client, world, "clinical_supervisor")
    notes = await client.patch(f"/api/assessments/{doc['doc_id']}", headers=karin, json={
        "base_version": doc["version"], "data": {"agenda": "Något annat"}})
    assert notes.status_code == 403 and notes.json()["reason"] == "not_your_field"
    comment = await client.patch(f"/api/assessments/{doc['doc_id']}", headers=karin, json={
        "base_version": doc["version"], "data": {"supervisor_comment": "Vi ses om fyra veckor."}})
    assert comment.status_code == 200, comment.text
    assert comment.json()["data"] == MEETING | {"supervisor_comment": "Vi ses om fyra veckor."}


async def test_a_colleague_who_is_not_her_supervisor_cannot_confirm_it(client: AsyncTestClient, world: World) -> None:
    tove = await login(client, world, "trainee")
    for who in ("assessor", "other_clinical_supervisor", "other_main_supervisor"):
        refused = await client.post("/api/assessments", headers=tove, json={
            "form_id": "handledningssamtal", "assessor_id": world.id(who), "observed_on": DAY, "data": MEETING})
        assert refused.status_code == 400 and refused.json()["reason"] == "invalid", who
        assert "one of the trainee's supervisors" in refused.json()["detail"], who
    assert all(d["form_id"] != "handledningssamtal" for d in (await client.get("/api/assessments")).json())


async def test_a_supervisor_who_starts_it_is_the_one_who_confirms(client: AsyncTestClient, world: World) -> None:
    hanna = await login(client, world, "main_supervisor")
    made = await client.post("/api/assessments", headers=hanna, json={
        "form_id": "handledningssamtal", "trainee_id": world.id("trainee"), "observed_on": DAY,
        "data": {"kind": "hhl"}})
    assert made.status_code == 201, made.text
    assert made.json()["assessor_id"] == world.id("main_supervisor")


async def test_a_confirmed_meeting_never_counts_as_an_assessment(client: AsyncTestClient, world: World) -> None:
    before = await signed_count(client, world)
    doc = await logged(client, world, "clinical_supervisor")
    tove = await login(client, world, "trainee")
    assert (await client.post(f"/api/assessments/{doc['doc_id']}/submit", headers=tove)).status_code == 200
    karin = await login(client, world, "clinical_supervisor")
    assert (await client.post(f"/api/assessments/{doc['doc_id']}/sign", headers=karin)).status_code == 200
    assert await signed_count(client, world) == before
    listed = (await client.get("/api/forms")).json()
    (form,) = [f for f in listed if f["id"] == "handledningssamtal"]
    assert form["workflow"]["purpose"] == "handledning" and form["workflow"]["evidence_for"] == []
