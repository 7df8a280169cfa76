"""Issue 13: a handledningssamtal's notes may be private between the trainee and the supervisor who took
part. Nobody else reads them through any channel (the list, one assessment, its audit trail, the sync
feed, FHIR, the trainee page); the studierektor and her other supervisors see only that the meeting
took place, and the rhythm counts it. An assessment can never be private. On both databases."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests import test_overview_flags as overview
from tests.test_handledning_log import DAY, MEETING
from tests.world import World, login

on_day = overview.on_day  # the fixture that moves the server's clock
OTHERS = ("clinical_supervisor", "studierektor", "assessor", "admin")


async def _channels(client: AsyncTestClient, world: World, who: str, doc_id: str) -> dict[str, Any]:
    """What ``who`` receives about the trainee through every channel that carries assessment content."""
    headers = await login(client, world, who)
    pulled = await client.post("/api/sync", headers=headers, json={"client_id": f"{who}-phone", "since": 0})
    page = await client.get(f"/api/trainees/{world.id('trainee')}")
    return {
        "one": (await client.get(f"/api/assessments/{doc_id}")).status_code,
        "audit": (await client.get(f"/api/assessments/{doc_id}/audit")).status_code,
        "fhir": (await client.get(f"/api/fhir/QuestionnaireResponse/{doc_id}")).status_code,
        "listed": any(d["doc_id"] == doc_id for d in (await client.get("/api/assessments")).json()),
        "pulled": any(d["doc_id"] == doc_id for d in pulled.json()["changes"]),
        "texts": pulled.text + (await client.get("/api/assessments")).text + page.text,
        "meetings": page.json().get("meetings") if page.status_code == 200 else None,
    }


async def test_a_private_meeting_is_read_by_its_two_people_and_by_nobody_else(client: AsyncTestClient, world: World,
                                                                              on_day: Any) -> None:
    on_day("2026-03-20")
    tove = await login(client, world, "trainee")
    made = await client.post("/api/assessments", headers=tove, json={
        "form_id": "handledningssamtal", "assessor_id": world.id("main_supervisor"), "observed_on": DAY,
        "private": True, "data": MEETING})
    assert made.status_code == 201, made.text
    doc = made.json()
    assert doc["private"] is True
    assert (await client.post(f"/api/assessments/{doc['doc_id']}/submit", headers=tove)).status_code == 200
    hanna = await login(client, world, "main_supervisor")
    assert (await client.post(f"/api/assessments/{doc['doc_id']}/sign", headers=hanna)).status_code == 200

    for who in ("trainee", "main_supervisor"):
        seen = await _channels(client, world, who, doc["doc_id"])
        assert (seen["one"], seen["audit"], seen["fhir"], seen["listed"], seen["pulled"]) == (200, 200, 200, True, True), who
        assert MEETING["agenda"] in seen["texts"], who
    for who in OTHERS:
        seen = await _channels(client, world, who, doc["doc_id"])
        assert (seen["one"], seen["audit"], seen["fhir"], seen["listed"], seen["pulled"]) == (404, 404, 404, False, False), who
        for words in (MEETING["agenda"], MEETING["feedback"], MEETING["plan_next"]):
            assert words not in seen["texts"], who
    # the studierektor and the clinical supervisor see that the meeting took place, not what was said
    for who in ("studierektor", "clinical_supervisor"):
        meetings = (await _channels(client, world, who, doc["doc_id"]))["meetings"]
        assert meetings == [{"day": DAY, "kind": MEETING["kind"], "status": "signed", "private": True, "doc_id": None}], who
    hers = (await _channels(client, world, "main_supervisor", doc["doc_id"]))["meetings"]
    assert hers[0]["doc_id"] == doc["doc_id"]


async def private_meeting(client: AsyncTestClient, world: World, supervisor: str) -> str:
    tove = await login(client, world, "trainee")
    made = await client.post("/api/assessments", headers=tove, json={
        "form_id": "handledningssamtal", "assessor_id": world.id(supervisor), "observed_on": DAY,
        "private": True, "data": MEETING})
    assert made.status_code == 201 and made.json()["private"] is True, made.text
    return made.json()["doc_id"]  # type: ignore[no-any-return]


async def test_a_private_meeting_still_counts_in_the_rhythm(client: AsyncTestClient, world: World,
                                                             on_day: Any) -> None:
    on_day("2026-04-05")  # 26 days after the meeting, 95 after the placement began
    assert "handledning_missed" in overview.rules(await overview.flags_seen_by(client, world))
    doc_id = await private_meeting(client, world, "main_supervisor")
    tove = await login(client, world, "trainee")
    assert (await client.post(f"/api/assessments/{doc_id}/submit", headers=tove)).status_code == 200
    assert "handledning_missed" not in overview.rules(await overview.flags_seen_by(client, world))


async def test_it_is_private_from_its_start_and_either_of_the_two_may_open_it(client: AsyncTestClient,
                                                                             world: World) -> None:
    doc_id = await private_meeting(client, world, "clinical_supervisor")
    await login(client, world, "main_supervisor")  # her HHL, who was not there
    assert (await client.get(f"/api/assessments/{doc_id}")).status_code == 404
    hanna = await login(client, world, "main_supervisor")
    hidden = await client.post(f"/api/assessments/{doc_id}/meta", headers=hanna, json={"private": False})
    assert hidden.status_code == 404 and hidden.json()["reason"] == "not_found"
    karin = await login(client, world, "clinical_supervisor")
    opened = await client.post(f"/api/assessments/{doc_id}/meta", headers=karin, json={"private": False})
    assert opened.status_code == 200 and opened.json()["private"] is False
    await login(client, world, "main_supervisor")
    assert (await client.get(f"/api/assessments/{doc_id}")).status_code == 200
    # once others may have read it, it cannot be closed again: that would promise what it cannot keep
    tove = await login(client, world, "trainee")
    closed = await client.post(f"/api/assessments/{doc_id}/meta", headers=tove, json={"private": True})
    assert closed.status_code == 409 and closed.json()["reason"] == "private_from_start"
    assert (await client.get(f"/api/assessments/{doc_id}")).json()["private"] is False


async def test_an_assessment_cannot_be_private(client: AsyncTestClient, world: World) -> None:
    tove = await login(client, world, "trainee")
    refused = await client.post("/api/assessments", headers=tove, json={
        "form_id": "mini-cex", "assessor_id": world.id("assessor"), "private": True})
    assert refused.status_code == 400 and refused.json()["reason"] == "invalid"
    assert "only the notes of a handledningssamtal" in refused.json()["detail"]
    made = await client.post("/api/assessments", headers=tove, json={"form_id": "mini-cex", "assessor_id": world.id("assessor")})
    header = await client.post(f"/api/assessments/{made.json()['doc_id']}/meta", headers=tove, json={"private": True})
    assert header.status_code == 400 and header.json()["reason"] == "invalid"
    assert (await client.get(f"/api/assessments/{made.json()['doc_id']}")).json()["private"] is False
