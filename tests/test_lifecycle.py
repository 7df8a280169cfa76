"""One assessment from draft to countersigned, through the HTTP API, and every refused step."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.helpers import MINI_CEX_COMPLETE, MINI_CEX_CONTEXT, count_rows, create_mini_cex, fill_assessors_part
from tests.world import World, login


async def _step(client: AsyncTestClient, headers: dict[str, str], doc: dict[str, Any], step: str,
                expect: int, **body: Any) -> dict[str, Any]:
    response = await client.post(f"/api/assessments/{doc['doc_id']}/{step}", json=body or None, headers=headers)
    assert response.status_code == expect, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_mini_cex_from_draft_to_acknowledged(client: AsyncTestClient, world: World) -> None:
    trainee = await login(client, world, "trainee")
    doc = await create_mini_cex(client, trainee, assessor_id=world.id("assessor"),
                                placement_id=world.placements["placement"], data={"setting": "mottagning"})
    assert (doc["status"], doc["version"], doc["trainee_id"]) == ("draft", 1, world.id("trainee"))
    assert doc["form_hash"].startswith("sha256:")
    assert set(doc["permissions"]) >= {"edit", "submit", "delete"}

    edited = await client.patch(f"/api/assessments/{doc['doc_id']}", headers=trainee,
                                json={"base_version": 1, "data": MINI_CEX_CONTEXT})
    assert edited.status_code == 200, edited.text
    assert edited.json()["version"] == 2 and edited.json()["data"]["focus"] == "Bröstsmärta"
    rated = await fill_assessors_part(client, await login(client, world, "assessor"), edited.json())
    assert rated["version"] == 3 and rated["data"] == MINI_CEX_COMPLETE

    trainee = await login(client, world, "trainee")
    submitted = await _step(client, trainee, doc, "submit", 200)
    assert submitted["status"] == "submitted" and submitted["submitted_at"]

    refused = await client.patch(f"/api/assessments/{doc['doc_id']}", headers=trainee,
                                 json={"base_version": 4, "data": {"focus": "Annat"}})
    assert refused.status_code == 409 and refused.json()["reason"] == "not_editable"
    assert (await _step(client, trainee, doc, "sign", 403))["reason"] == "forbidden"

    assessor = await login(client, world, "assessor")
    returned = await _step(client, assessor, doc, "return", 200, reason="Fyll i tid för återkoppling.")
    assert returned["status"] == "draft" and returned["returned_reason"] == "Fyll i tid för återkoppling."
    fixed = await client.patch(f"/api/assessments/{doc['doc_id']}", headers=assessor,
                               json={"base_version": returned["version"], "data": {"minutes_feedback": 15}})
    assert fixed.status_code == 200, fixed.text
    await _step(client, assessor, doc, "submit", 200)
    signed = await _step(client, assessor, doc, "sign", 200)
    assert signed["status"] == "signed" and signed["content_hash"] and signed["signed_by"] == f"user:{world.id('assessor')}"

    locked = await client.patch(f"/api/assessments/{doc['doc_id']}", headers=assessor,
                                json={"base_version": signed["version"], "data": {"focus": "Ändrat"}})
    assert locked.status_code == 409 and locked.json()["reason"] == "locked"
    assert (await _step(client, assessor, doc, "submit", 409))["reason"] == "invalid_transition"
    assert (await _step(client, assessor, doc, "sign", 409))["reason"] == "invalid_transition"
    assert (await _step(client, assessor, doc, "acknowledge", 403))["reason"] == "forbidden"
    assert (await _step(client, assessor, doc, "countersign", 409))["reason"] == "invalid_transition"

    trainee = await login(client, world, "trainee")
    acknowledged = await _step(client, trainee, doc, "acknowledge", 200, reflection="Jag ska träna på tidsdisposition.")
    assert acknowledged["status"] == "acknowledged"
    assert acknowledged["reflection"] == "Jag ska träna på tidsdisposition."
    assert acknowledged["content_hash"] == signed["content_hash"] and acknowledged["data"] == signed["data"]
    assert (await _step(client, trainee, doc, "acknowledge", 409))["reason"] == "invalid_transition"

    audit = (await client.get(f"/api/assessments/{doc['doc_id']}/audit")).json()
    assert [e["action"] for e in audit] == ["create", "edit", "edit", "submit", "return", "edit", "submit", "sign",
                                         "acknowledge"]
    assert {e["actor"] for e in audit} == {f"user:{world.id('trainee')}", f"user:{world.id('assessor')}"}


async def test_submission_needs_a_complete_valid_document(client: AsyncTestClient, world: World) -> None:
    trainee = await login(client, world, "trainee")
    doc = await create_mini_cex(client, trainee, assessor_id=world.id("assessor"), data={"focus": "Yrsel"})
    refused = await _step(client, trainee, doc, "submit", 400)
    assert refused["reason"] == "invalid" and "/strengths" in refused["detail"]
    assert (await client.get(f"/api/assessments/{doc['doc_id']}")).json()["status"] == "draft"


async def test_a_signed_assessment_is_corrected_by_an_amendment(client: AsyncTestClient, world: World) -> None:
    trainee = await login(client, world, "trainee")
    doc = await create_mini_cex(client, trainee, assessor_id=world.id("assessor"), data=MINI_CEX_CONTEXT)
    assessor = await login(client, world, "assessor")
    await fill_assessors_part(client, assessor, doc)
    await _step(client, assessor, doc, "submit", 200)
    signed = await _step(client, assessor, doc, "sign", 200)
    response = await client.post(f"/api/assessments/{doc['doc_id']}/amend", json={}, headers=assessor)
    assert response.status_code == 201, response.text
    amendment = response.json()
    assert amendment["amends_id"] == doc["doc_id"] and amendment["status"] == "draft"
    assert amendment["data"] == signed["data"] and amendment["doc_id"] != doc["doc_id"]
    original = (await client.get(f"/api/assessments/{doc['doc_id']}")).json()
    assert original["content_hash"] == signed["content_hash"] and original["status"] == "signed"
    draft = await create_mini_cex(client, assessor, trainee_id=world.id("trainee"))
    refused = await client.post(f"/api/assessments/{draft['doc_id']}/amend", json={}, headers=assessor)
    assert refused.status_code == 409 and refused.json()["reason"] == "invalid_transition"


async def test_slutbedomning_needs_the_clinical_supervisor_and_the_hhl_countersignature(
    client: AsyncTestClient, world: World
) -> None:
    trainee = await login(client, world, "trainee")
    refused = await client.post("/api/assessments", headers=trainee, json={
        "form_id": "slutbedomning-bt", "placement_id": world.placements["placement"]})
    assert refused.status_code == 403, refused.text

    supervisor = await login(client, world, "clinical_supervisor")
    missing = await client.post("/api/assessments", headers=supervisor, json={
        "form_id": "slutbedomning-bt", "trainee_id": world.id("trainee")})
    assert missing.status_code == 400 and "placement" in missing.json()["detail"]
    created = await client.post("/api/assessments", headers=supervisor, json={
        "form_id": "slutbedomning-bt", "trainee_id": world.id("trainee"),
        "placement_id": world.placements["placement"], "data": SLUTBEDOMNING})
    assert created.status_code == 201, created.text
    doc = created.json()
    assert doc["assessor_id"] == world.id("clinical_supervisor")
    await _step(client, supervisor, doc, "submit", 200)
    await _step(client, supervisor, doc, "sign", 200)
    assert (await _step(client, supervisor, doc, "countersign", 403))["reason"] == "forbidden"

    trainee = await login(client, world, "trainee")
    await _step(client, trainee, doc, "acknowledge", 200)
    assert (await _step(client, trainee, doc, "countersign", 403))["reason"] == "forbidden"
    other_hhl = await login(client, world, "other_main_supervisor")
    assert (await _step(client, other_hhl, doc, "countersign", 404))["reason"] == "not_found"
    hhl = await login(client, world, "main_supervisor")
    done = await _step(client, hhl, doc, "countersign", 200)
    assert done["status"] == "countersigned" and done["countersigned_by"] == f"user:{world.id('main_supervisor')}"
    assert (await _step(client, hhl, doc, "countersign", 409))["reason"] == "invalid_transition"


async def test_deleting_a_draft_leaves_a_tombstone(client: AsyncTestClient, world: World) -> None:
    trainee = await login(client, world, "trainee")
    doc = await create_mini_cex(client, trainee, assessor_id=world.id("assessor"))
    response = await client.delete(f"/api/assessments/{doc['doc_id']}", headers=trainee)
    assert response.status_code == 200, response.text
    tomb = (await client.get(f"/api/assessments/{doc['doc_id']}")).json()
    assert tomb["deleted"] is True and tomb["data"] == {}
    again = await client.patch(f"/api/assessments/{doc['doc_id']}", headers=trainee,
                               json={"base_version": tomb["version"], "data": {"focus": "x"}})
    assert again.status_code == 409 and again.json()["reason"] == "deleted"
    listed = (await client.get("/api/assessments")).json()
    assert doc["doc_id"] not in {a["doc_id"] for a in listed}


async def test_refused_input_writes_nothing(client: AsyncTestClient, world: World) -> None:
    trainee = await login(client, world, "trainee")
    before = (await count_rows(client, "assessments"), await count_rows(client, "audit_events"))
    cases = [
        (b"{not json", 400),
        (b'{"form_id": 5}', 400),
        (b'{"form_id": "mini-cex", "data": {"minutes_observed": "tjugo"}}', 400),
        (b'{"form_id": "no-such-form"}', 400),
        (b'{"form_id": "mini-cex", "form_version": 99}', 400),
        (b'{"form_id": "mini-cex", "surprise": 1}', 400),
        (b'{"form_id": "mini-cex", "data": {"strengths": "Pat 19121212-1212 kom in"}}', 400),
        (b'{"form_id": "mini-cex", "id": "not-a-uuid"}', 400),
        (b'{"form_id": "mini-cex", "data": {"focus": "' + b"x" * 2_000_000 + b'"}}', 413),
    ]
    for body, status in cases:
        response = await client.post("/api/assessments", content=body,
                                     headers=trainee | {"Content-Type": "application/json"})
        assert response.status_code == status, (body[:80], response.text[:300])
        assert response.json()["detail"], body[:80]
    assert (await count_rows(client, "assessments"), await count_rows(client, "audit_events")) == before


async def test_a_personnummer_is_refused_naming_the_field(client: AsyncTestClient, world: World) -> None:
    trainee = await login(client, world, "trainee")
    doc = await create_mini_cex(client, trainee, assessor_id=world.id("assessor"))
    response = await client.patch(f"/api/assessments/{doc['doc_id']}", headers=trainee,
                                  json={"base_version": 1, "data": {"agreed_action": "Ring 121212-1212 imorgon"}})
    assert response.status_code == 400
    assert response.json()["reason"] == "identity_number" and "/agreed_action" in response.json()["detail"]
    reflection = await client.post(f"/api/assessments/{doc['doc_id']}/acknowledge", headers=trainee,
                                   json={"reflection": "191212121212"})
    assert reflection.status_code in (400, 409)


SLUTBEDOMNING: dict[str, Any] = {
    "unit": "Medicinkliniken", "specialty": "Internmedicin", "period_start": "2026-01-01",
    "period_end": "2026-06-30", "employment_rate_percent": 100, "absence_days": 3,
    "delmal": {"BT1": {"outcome": "uppnatt", "how_checked": "Mini-CEX och medsittning", "evidence": []},
               "BT9": {"outcome": "pagaende", "how_checked": "Handledarsamtal", "evidence": []}},
    "strengths": "Trygg i akuta bedömningar.", "development_areas": "Läkemedelsgenomgångar.",
    "overall_result": "godkand",
    # version 2 (issue 12): the placement's type, the handledning held, who issues it
    "placement_type": "akut_sjukvard", "supervision_frequency": "varannan_vecka",
    "supervision_by": "Klinisk handledare, specialistläkare", "issuer_specialty": "Internmedicin",
    "issuer_workplace": "Medicinkliniken",
}
