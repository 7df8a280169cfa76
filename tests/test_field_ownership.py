"""Issue 9, section 1: field ownership. A form version's ui sections say who fills them in
(``filled_by``): on Mini-CEX and DOPS version 2 the trainee fills in the context with the assessor,
and only the assessor rates and gives feedback. A trainee's change of an assessor's field is refused
(``not_your_field``, naming the fields) on every path, sync and REST, and nothing of it is stored.
Version 1 keeps what it always was: both editors fill in everything."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

import tests.requests_support as support
from tests.helpers import MINI_CEX_ASSESSORS, MINI_CEX_COMPLETE, MINI_CEX_CONTEXT as CONTEXT, count_rows, fill_assessors_part
from tests.requests_support import claimed_secret, link_sync, mutation, token_of
from tests.test_sync_api import Device, reasons
from tests.world import World, login
from server.privacy.ids import new_id

settings, smtp = support.settings, support.smtp  # fixtures: real SMTP for the request link

RATINGS = {f"/{k}": v for k, v in MINI_CEX_ASSESSORS.items()}  # ratings, time, feedback, by pointer
ANAMNES_REFUSED = "Only the assessor fills in /anamnes on a mini-cex (version 2); nothing of this change was stored."
#: a new Mini-CEX through REST gets the current version, 3
ANAMNES_REFUSED_V3 = ANAMNES_REFUSED.replace("(version 2)", "(version 3)")


def create(device: Device, world: World, data: dict[str, Any], version: int = 2, **meta: Any) -> dict[str, Any]:
    return device.mutation("create", new_id(), form_id="mini-cex", form_version=version, data=data,
                           meta={"assessor_id": world.id("assessor"), **meta})


def only(answer: dict[str, Any]) -> dict[str, Any]:
    (result,) = answer["results"]
    return result  # type: ignore[no-any-return]


async def trainees_draft(client: AsyncTestClient, world: World, version: int = 2) -> tuple[Device, str]:
    """The trainee's phone, and her new draft with the context filled in."""
    phone = Device(client, await login(client, world, "trainee"))
    m = create(phone, world, CONTEXT, version)
    assert only(await phone.push(m))["status"] == "applied"
    return phone, m["doc_id"]


async def stored(client: AsyncTestClient, world: World, who: str, doc_id: str) -> dict[str, Any]:
    await login(client, world, who)
    response = await client.get(f"/api/assessments/{doc_id}")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_a_trainee_starts_a_version_2_mini_cex_with_the_context(client: AsyncTestClient, world: World) -> None:
    _, doc_id = await trainees_draft(client, world)
    doc = await stored(client, world, "trainee", doc_id)
    assert doc["form_version"] == 2 and doc["data"] == CONTEXT


async def test_a_trainee_who_rates_herself_in_a_create_is_refused_and_nothing_is_stored(
    client: AsyncTestClient, world: World
) -> None:
    phone = Device(client, await login(client, world, "trainee"))
    m = create(phone, world, {**CONTEXT, "anamnes": 7})
    result = only(await phone.push(m))
    assert result == {"id": m["id"], "status": "rejected", "doc_id": m["doc_id"], "version": None,
                      "reason": "not_your_field", "message": ANAMNES_REFUSED}
    assert await count_rows(client, "assessments") == 0 and await count_rows(client, "audit_events") == 0
    # what she typed is kept for her alone, as every refused mutation is
    (kept,) = (await client.get("/api/sync/refused")).json()
    assert kept["reason"] == "not_your_field" and kept["detail"]["mutation"]["data"]["anamnes"] == 7


async def test_every_assessors_field_is_named(client: AsyncTestClient, world: World) -> None:
    phone = Device(client, await login(client, world, "trainee"))
    result = only(await phone.push(create(phone, world, MINI_CEX_COMPLETE)))
    assert result["reason"] == "not_your_field"
    for pointer in RATINGS:
        assert pointer in result["message"]
    assert "/focus" not in result["message"] and "/setting" not in result["message"]


async def test_a_trainees_edit_of_a_rating_is_refused_whole(client: AsyncTestClient, world: World) -> None:
    phone, doc_id = await trainees_draft(client, world)
    answer = await phone.push(phone.mutation("edit", doc_id, base_version=1,
                                             fields={"/focus": "Dyspné", "/anamnes": 7, "/strengths": "Bra."}))
    assert reasons(answer) == ["not_your_field"]
    assert only(answer)["message"] == ("Only the assessor fills in /anamnes, /strengths on a mini-cex (version 2); "
                                       "nothing of this change was stored.")
    doc = await stored(client, world, "trainee", doc_id)
    assert doc["version"] == 1 and doc["data"] == CONTEXT  # not even /focus, which was hers


async def test_the_trainee_keeps_filling_in_the_context(client: AsyncTestClient, world: World) -> None:
    phone, doc_id = await trainees_draft(client, world)
    answer = await phone.push(phone.mutation("edit", doc_id, base_version=1, fields={"/focus": "Dyspné"}))
    assert only(answer)["status"] == "applied"
    assert (await stored(client, world, "trainee", doc_id))["data"]["focus"] == "Dyspné"


async def test_the_assessor_fills_in_the_ratings_and_signs(client: AsyncTestClient, world: World) -> None:
    _, doc_id = await trainees_draft(client, world)
    assessor = Device(client, await login(client, world, "assessor"))
    answer = await assessor.push(assessor.mutation("edit", doc_id, base_version=1, fields=RATINGS),
                                 assessor.mutation("submit", doc_id), assessor.mutation("sign", doc_id))
    assert [r["status"] for r in answer["results"]] == ["applied", "applied", "applied"]
    doc = await stored(client, world, "assessor", doc_id)
    assert doc["status"] == "signed" and doc["data"] == MINI_CEX_COMPLETE


async def test_repeating_the_assessors_value_changes_nothing_and_is_not_refused(
    client: AsyncTestClient, world: World
) -> None:
    phone, doc_id = await trainees_draft(client, world)
    assessor = Device(client, await login(client, world, "assessor"))
    assert only(await assessor.push(assessor.mutation("edit", doc_id, base_version=1, fields={"/anamnes": 7})))["status"] == "applied"
    await login(client, world, "trainee")
    same = await phone.push(phone.mutation("edit", doc_id, base_version=2, fields={"/anamnes": 7, "/focus": "Dyspné"}))
    assert only(same)["status"] == "applied"
    other = await phone.push(phone.mutation("edit", doc_id, base_version=3, fields={"/anamnes": 8}))
    assert reasons(other) == ["not_your_field"]
    assert (await stored(client, world, "trainee", doc_id))["data"]["anamnes"] == 7


async def test_a_clinical_supervisor_who_is_the_assessor_rates(client: AsyncTestClient, world: World) -> None:
    phone = Device(client, await login(client, world, "trainee"))
    m = create(phone, world, CONTEXT, assessor_id=world.id("clinical_supervisor"))
    assert only(await phone.push(m))["status"] == "applied"
    supervisor = Device(client, await login(client, world, "clinical_supervisor"))
    answer = await supervisor.push(supervisor.mutation("edit", m["doc_id"], base_version=1, fields=RATINGS))
    assert only(answer)["status"] == "applied"


async def test_an_assessor_starts_a_complete_version_2_for_the_trainee(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "assessor")
    response = await client.post("/api/assessments", headers=headers,
                                 json={"form_id": "mini-cex", "trainee_id": world.id("trainee"), "data": MINI_CEX_COMPLETE})
    assert response.status_code == 201, response.text
    assert response.json()["form_version"] == 3 and response.json()["data"] == MINI_CEX_COMPLETE


async def test_rest_refuses_the_trainees_rating_on_create_and_on_edit(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "trainee")
    body = {"form_id": "mini-cex", "assessor_id": world.id("assessor")}  # the newest version: 2
    refused = await client.post("/api/assessments", headers=headers, json={**body, "data": {**CONTEXT, "anamnes": 7}})
    assert refused.status_code == 403
    assert refused.json()["reason"] == "not_your_field" and refused.json()["detail"] == ANAMNES_REFUSED_V3
    assert await count_rows(client, "assessments") == 0

    created = await client.post("/api/assessments", headers=headers, json={**body, "data": CONTEXT})
    assert created.status_code == 201 and created.json()["form_version"] == 3
    doc_id = created.json()["doc_id"]
    edit = await client.patch(f"/api/assessments/{doc_id}", headers=headers,
                              json={"base_version": 1, "data": {"complexity": "hog", "helhetsbedomning": 9}})
    assert edit.status_code == 403 and edit.json()["reason"] == "not_your_field"
    assert "/helhetsbedomning" in edit.json()["detail"] and "/complexity" not in edit.json()["detail"]
    assert (await client.get(f"/api/assessments/{doc_id}")).json()["data"] == CONTEXT
    assert await count_rows(client, "refused_mutations") == 0  # REST answers the refusal at once


async def test_an_amendment_by_the_trainee_copies_the_ratings_but_does_not_change_them(
    client: AsyncTestClient, world: World
) -> None:
    _, doc_id = await trainees_draft(client, world)
    assessor = Device(client, await login(client, world, "assessor"))
    await assessor.push(assessor.mutation("edit", doc_id, base_version=1, fields=RATINGS),
                        assessor.mutation("submit", doc_id), assessor.mutation("sign", doc_id))
    headers = await login(client, world, "trainee")
    copy = await client.post(f"/api/assessments/{doc_id}/amend", headers=headers, json={})
    assert copy.status_code == 201, copy.text
    changed = await client.post(f"/api/assessments/{doc_id}/amend", headers=headers,
                                json={"data": {**MINI_CEX_COMPLETE, "anamnes": 9}})
    assert changed.status_code == 403 and changed.json()["reason"] == "not_your_field"


async def test_a_request_links_assessor_fills_in_everything(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "trainee")
    response = await client.post("/api/requests", headers=headers, json={"form_id": "mini-cex", "channel": "bedside"})
    assert response.status_code == 201, response.text
    request = response.json()
    doc_id = request["assessment_id"]
    client.cookies.clear()
    secret = await claimed_secret(client, token_of(request["link"]))
    fill = {f"/{k}": v for k, v in MINI_CEX_COMPLETE.items()}
    answer = await link_sync(client, secret, [mutation(1, "edit", doc_id, base_version=1, fields=fill),
                                              mutation(2, "submit", doc_id), mutation(3, "sign", doc_id)])
    assert answer.status_code == 200, answer.text
    assert [r["status"] for r in answer.json()["results"]] == ["applied", "applied", "applied"]
    (change,) = answer.json()["changes"]
    assert change["form_version"] == 3 and change["status"] == "signed" and change["data"] == MINI_CEX_COMPLETE


async def test_version_1_still_lets_both_editors_fill_in_everything(client: AsyncTestClient, world: World) -> None:
    phone = Device(client, await login(client, world, "trainee"))
    m = create(phone, world, MINI_CEX_COMPLETE, version=1)
    answer = await phone.push(m, phone.mutation("edit", m["doc_id"], base_version=1, fields={"/anamnes": 3}))
    assert [r["status"] for r in answer["results"]] == ["applied", "applied"]
    assert (await stored(client, world, "trainee", m["doc_id"]))["data"] == {**MINI_CEX_COMPLETE, "anamnes": 3}


async def test_dops_version_2_leaves_the_ratings_to_the_assessor(client: AsyncTestClient, world: World) -> None:
    phone = Device(client, await login(client, world, "trainee"))
    context = {"procedure": "Lumbalpunktion", "setting": "vardavdelning", "times_performed_before": 2}
    ok = phone.mutation("create", new_id(), form_id="dops", form_version=2, data=context,
                        meta={"assessor_id": world.id("assessor")})
    assert only(await phone.push(ok))["status"] == "applied"
    refused = await phone.push(phone.mutation("edit", ok["doc_id"], base_version=1,
                                              fields={"/overall_independence": 4, "/aseptik": "sjalvstandigt"}))
    assert reasons(refused) == ["not_your_field"]
    assert "/overall_independence" in only(refused)["message"] and "/aseptik" in only(refused)["message"]


async def test_the_catalog_serves_who_fills_each_section_in(client: AsyncTestClient) -> None:
    form = (await client.get("/api/forms/mini-cex/2")).json()
    assert [s.get("filled_by") for s in form["ui"]["sections"]] == [
        ["trainee", "assessor"], ["assessor"], ["assessor"], ["assessor"]]
    assert all("filled_by" not in s for s in (await client.get("/api/forms/mini-cex/1")).json()["ui"]["sections"])
    latest = {f["id"]: f["version"] for f in (await client.get("/api/forms")).json() if f["latest"]}
    assert latest["mini-cex"] == 3 and latest["dops"] == 3
    newest = (await client.get("/api/forms/mini-cex/3")).json()
    assert [(s["id"], s["filled_by"], s.get("optional", False)) for s in newest["ui"]["sections"]] == [
        ("context", ["trainee", "assessor"], False), ("ratings", ["assessor"], False), ("feedback", ["assessor"], False),
        ("assessor", ["assessor"], True), ("reflection", ["trainee"], False)]


async def test_a_trainee_cannot_delete_a_draft_holding_the_assessors_part(client: AsyncTestClient, world: World) -> None:
    """Never a word lost: once the assessor has rated, the draft is not the trainee's to throw away."""
    trainee = await login(client, world, "trainee")
    own = (await client.post("/api/assessments", headers=trainee, json={
        "form_id": "mini-cex", "assessor_id": world.id("assessor"), "data": CONTEXT})).json()
    assert (await client.delete(f"/api/assessments/{own['doc_id']}", headers=trainee)).status_code == 200  # only hers
    doc = (await client.post("/api/assessments", headers=trainee, json={
        "form_id": "mini-cex", "assessor_id": world.id("assessor"), "data": CONTEXT})).json()
    rated = await fill_assessors_part(client, await login(client, world, "assessor"), doc)
    trainee = await login(client, world, "trainee")
    refused = await client.delete(f"/api/assessments/{doc['doc_id']}", headers=trainee)
    assert refused.status_code == 403 and refused.json()["reason"] == "others_part_filled", refused.text
    kept = (await client.get(f"/api/assessments/{doc['doc_id']}")).json()
    assert kept["status"] == "draft" and kept["data"]["strengths"] == rated["data"]["strengths"]
    assessor = await login(client, world, "assessor")
    assert (await client.delete(f"/api/assessments/{doc['doc_id']}", headers=assessor)).status_code == 200
