"""POST /api/sync over HTTP: one round trip pushes and pulls; every rejection reason has a test."""

from __future__ import annotations

import json
from typing import Any

from litestar.testing import AsyncTestClient

from tests.helpers import MINI_CEX_COMPLETE, count_rows
from tests.world import World, login
from server.privacy.ids import new_id


class Device:
    """A client_id with its own mutation numbering and checkpoint, as a phone keeps them."""

    def __init__(self, client: AsyncTestClient, headers: dict[str, str]) -> None:
        self.client, self.headers = client, headers
        self.client_id = new_id()
        self.next_id, self.since = 1, 0

    def mutation(self, kind: str, doc_id: str, **body: Any) -> dict[str, Any]:
        m = {"kind": kind, "id": self.next_id, "doc_id": doc_id, "at": 1_800_000_000_000 + self.next_id, **body}
        self.next_id += 1
        return m

    async def push(self, *mutations: dict[str, Any], since: int | None = None) -> dict[str, Any]:
        response = await self.client.post("/api/sync", headers=self.headers, json={
            "client_id": self.client_id, "since": self.since if since is None else since, "mutations": list(mutations)})
        assert response.status_code == 200, response.text
        answer = response.json()
        self.since = answer["checkpoint"]
        return answer  # type: ignore[no-any-return]


def create(device: Device, world: World, data: dict[str, Any] | None = None, **meta: Any) -> dict[str, Any]:
    return device.mutation("create", new_id(), form_id="mini-cex", form_version=1, data=data or {},
                           meta={"assessor_id": world.id("assessor"), **meta})


def reasons(answer: dict[str, Any]) -> list[str | None]:
    return [r["reason"] for r in answer["results"]]


async def test_push_and_pull_in_one_round_trip_includes_own_writes(client: AsyncTestClient, world: World) -> None:
    phone = Device(client, await login(client, world, "trainee"))
    m = create(phone, world, {"focus": "Dyspné"})
    answer = await phone.push(m, phone.mutation("edit", m["doc_id"], base_version=1, fields={"/setting": "mottagning"}))
    assert [r["status"] for r in answer["results"]] == ["applied", "applied"]
    (change,) = answer["changes"]
    assert change["doc_id"] == m["doc_id"] and change["data"] == {"focus": "Dyspné", "setting": "mottagning"}
    assert answer["checkpoint"] == change["seq"] and answer["has_more"] is False
    assert (await phone.push())["changes"] == []


async def test_a_replayed_push_has_no_second_effect_and_the_same_answer(client: AsyncTestClient, world: World) -> None:
    phone = Device(client, await login(client, world, "trainee"))
    m = create(phone, world, {"focus": "Buksmärta"})
    first = await phone.push(m, since=0)
    audit_before = await count_rows(client, "audit_events")
    again = await phone.push(m, since=0)
    assert again["results"][0]["status"] == "duplicate" and again["results"][0]["version"] == first["results"][0]["version"]
    assert await count_rows(client, "assessments") == 1 and await count_rows(client, "audit_events") == audit_before


async def test_a_gap_is_rejected_so_the_client_resends_in_order(client: AsyncTestClient, world: World) -> None:
    phone = Device(client, await login(client, world, "trainee"))
    first, second = create(phone, world), create(phone, world)
    answer = await phone.push(second)
    assert reasons(answer) == ["gap"] and await count_rows(client, "assessments") == 0
    answer = await phone.push(first, second)
    assert [r["status"] for r in answer["results"]] == ["applied", "applied"]


async def test_same_field_by_two_people_is_a_conflict_until_resolved(client: AsyncTestClient, world: World) -> None:
    trainee_phone = Device(client, await login(client, world, "trainee"))
    m = create(trainee_phone, world)
    await trainee_phone.push(m)
    doc = m["doc_id"]
    assessor_phone = Device(client, await login(client, world, "assessor"))
    answer = await assessor_phone.push(assessor_phone.mutation("edit", doc, base_version=1, fields={
        "/focus": "Hjärtsvikt", "/minutes_observed": 15}))
    assert answer["results"][0]["status"] == "applied"
    trainee_phone.headers = await login(client, world, "trainee")
    answer = await trainee_phone.push(trainee_phone.mutation("edit", doc, base_version=1, fields={
        "/focus": "KOL-exacerbation", "/setting": "mottagning"}))
    assert answer["results"][0]["status"] == "conflict"
    change = next(c for c in answer["changes"] if c["doc_id"] == doc)
    assert change["data"]["setting"] == "mottagning" and change["data"]["minutes_observed"] == 15
    sides = {s["value"] for s in change["conflicts"]["/focus"]["values"]}
    assert sides == {"Hjärtsvikt", "KOL-exacerbation"}
    blocked = await trainee_phone.push(trainee_phone.mutation("submit", doc))
    assert reasons(blocked) == ["open_conflicts"]
    resolved = await trainee_phone.push(trainee_phone.mutation("resolve", doc, fields={"/focus": "KOL-exacerbation"}))
    change = next(c for c in resolved["changes"] if c["doc_id"] == doc)
    assert change["conflicts"] == {} and change["data"]["focus"] == "KOL-exacerbation"
    assert reasons(await trainee_phone.push(trainee_phone.mutation("resolve", doc, fields={"/focus": "x"}))) == ["no_conflict"]


async def test_every_rejection_reason_and_the_rest_of_the_batch_still_applies(
    client: AsyncTestClient, world: World
) -> None:
    trainee_headers = await login(client, world, "trainee")
    phone = Device(client, trainee_headers)
    complete, draft = create(phone, world, MINI_CEX_COMPLETE), create(phone, world, {"focus": "Yrsel"})
    await phone.push(complete, draft, phone.mutation("submit", complete["doc_id"]))
    c, d = complete["doc_id"], draft["doc_id"]
    answer = await phone.push(
        phone.mutation("edit", c, base_version=2, fields={"/focus": "x"}),                   # submitted
        phone.mutation("edit", d, base_version=1, fields={"/strengths": "19121212-1212"}),    # personnummer
        phone.mutation("edit", d, base_version=1, fields={"/minutes_observed": "tio"}),       # schema
        phone.mutation("sign", c),                                                           # trainee may not sign
        phone.mutation("edit", new_id(), base_version=1, fields={"/focus": "x"}),   # no such document
        phone.mutation("create", c, form_id="mini-cex", form_version=1, data={}, meta={}),   # exists
        phone.mutation("submit", d),                                                         # incomplete
        phone.mutation("acknowledge", d),                                                    # not signed
        phone.mutation("edit", d, base_version=1, fields={"/focus": "Yrsel och illamående"}),  # fine
        phone.mutation("create", new_id(), form_id="mini-cex", form_version=7, data={}, meta={}),
    )
    assert reasons(answer) == [
        "not_editable", "identity_number", "invalid", "forbidden", "not_found", "exists", "invalid",
        "invalid_transition", None, "invalid",
    ]
    assert answer["results"][8]["status"] == "applied"
    assert "/strengths" in answer["results"][1]["message"] and "/minutes_observed" in answer["results"][2]["message"]
    assessor = Device(client, await login(client, world, "assessor"))
    await assessor.push(assessor.mutation("sign", c))
    locked = await assessor.push(assessor.mutation("edit", c, base_version=3, fields={"/focus": "x"}))
    assert reasons(locked) == ["locked"]
    phone.headers = await login(client, world, "trainee")
    await phone.push(phone.mutation("delete", d))
    assert reasons(await phone.push(phone.mutation("edit", d, base_version=9, fields={"/focus": "x"}))) == ["deleted"]
    other = Device(client, await login(client, world, "other_trainee"))
    assert reasons(await other.push(other.mutation("edit", c, base_version=3, fields={"/focus": "x"}))) == ["not_found"]


async def test_the_change_feed_carries_tombstones_and_only_what_the_caller_may_see(
    client: AsyncTestClient, world: World
) -> None:
    phone = Device(client, await login(client, world, "trainee"))
    m = create(phone, world)
    await phone.push(m)
    await phone.push(phone.mutation("delete", m["doc_id"]))
    feed = (await phone.push(since=0))["changes"]
    assert [c["deleted"] for c in feed] == [True]
    stranger = Device(client, await login(client, world, "other_trainee"))
    assert (await stranger.push(since=0))["changes"] == []


async def test_oversized_and_malformed_requests(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "trainee")
    phone = Device(client, headers)
    too_many = [create(phone, world) for _ in range(101)]
    response = await client.post("/api/sync", headers=headers, json={"client_id": phone.client_id, "since": 0,
                                                                      "mutations": too_many})
    assert response.status_code == 413 and "100" in response.json()["detail"]
    big = [create(phone, world, {"strengths": "x" * 6000}) for _ in range(100)]
    response = await client.post("/api/sync", headers=headers, content=json.dumps(
        {"client_id": phone.client_id, "since": 0, "mutations": big}).encode(),)
    assert response.status_code == 413
    for body in (b"{", b'{"client_id": 1, "since": 0}', b'{"client_id": "a", "since": -1}',
                 b'{"client_id": "a", "since": 0, "mutations": [{"kind": "teleport", "id": 1}]}'):
        response = await client.post("/api/sync", headers=headers | {"Content-Type": "application/json"}, content=body)
        assert response.status_code == 400, body
    assert await count_rows(client, "assessments") == 0


async def test_a_client_id_belongs_to_one_person(client: AsyncTestClient, world: World) -> None:
    phone = Device(client, await login(client, world, "trainee"))
    await phone.push(create(phone, world))
    phone.headers = await login(client, world, "assessor")
    response = await client.post("/api/sync", headers=phone.headers, json={
        "client_id": phone.client_id, "since": 0, "mutations": [create(phone, world)]})
    assert response.status_code == 403


async def test_refused_content_is_kept_for_its_sender_but_never_a_personnummer(
    client: AsyncTestClient, world: World
) -> None:
    phone = Device(client, await login(client, world, "trainee"))
    m = create(phone, world, MINI_CEX_COMPLETE)
    await phone.push(m, phone.mutation("submit", m["doc_id"]))
    answer = await phone.push(
        phone.mutation("edit", m["doc_id"], base_version=2, fields={"/strengths": "Lugn och metodisk"}),
        phone.mutation("edit", m["doc_id"], base_version=2, fields={"/strengths": "Pat 19121212-1212"}))
    assert reasons(answer) == ["not_editable", "identity_number"]
    kept = (await client.get("/api/sync/refused")).json()
    assert [(r["doc_id"], r["reason"]) for r in kept] == [(m["doc_id"], "not_editable")]
    assert kept[0]["detail"]["mutation"]["fields"] == {"/strengths": "Lugn och metodisk"}
    for text in ((await client.get("/api/sync/refused")).text, (await client.get(f"/api/assessments/{m['doc_id']}/audit")).text):
        assert "19121212" not in text
    assert "Lugn och metodisk" not in (await client.get(f"/api/assessments/{m['doc_id']}/audit")).text


async def test_the_same_mutation_id_twice_in_one_batch_is_answered_duplicate(client: AsyncTestClient, world: World) -> None:
    phone = Device(client, await login(client, world, "trainee"))
    m = create(phone, world, {"focus": "Först"})
    twin = m | {"doc_id": new_id(), "data": {"focus": "Samma id, annat innehåll"}}
    answer = await phone.push(m, twin)
    assert [r["status"] for r in answer["results"]] == ["applied", "duplicate"]
    assert answer["results"][1]["doc_id"] == m["doc_id"]  # the first answer, not the twin's document
    assert await count_rows(client, "assessments") == 1
