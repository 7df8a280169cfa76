"""Issue 8, item 7: crafted input is a 4xx with a message, never a 500 (and never a half-written
record): integers past 64 bits, wrong JSON types in ``meta``, deeply nested values, a body of
thousands of ``[``, an id that already exists. One shape rule for documents (sync.limits)."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from sync.limits import MAX_DEPTH
from tests.helpers import count_rows
from tests.world import World, login
from server.privacy.ids import new_id

HUGE = 2**70


def nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


def assert_4xx(response: Any, *words: str) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    body = response.json()
    assert body["reason"] and body["detail"], body
    for word in words:
        assert word in body["detail"], body["detail"]
    return body  # type: ignore[no-any-return]


async def test_numbers_past_64_bits_are_refused_with_a_message(client: AsyncTestClient, world: World) -> None:
    tove = await login(client, world, "trainee")
    doc = new_id()
    for body in ({"client_id": "p", "since": HUGE},
                 {"client_id": "p", "since": 0, "mutations": [{"kind": "submit", "id": HUGE, "doc_id": doc, "at": 1}]},
                 {"client_id": "p", "since": 0, "mutations": [{"kind": "submit", "id": 1, "doc_id": doc, "at": HUGE}]}):
        assert_4xx(await client.post("/api/sync", headers=tove, json=body))
    assert_4xx(await client.get(f"/api/assessments?trainee_id={HUGE}"))
    create = await client.post("/api/sync", headers=tove, json={"client_id": "p", "since": 0, "mutations": [
        {"kind": "create", "id": 1, "doc_id": doc, "at": 1, "form_id": "mini-cex", "form_version": 1, "data": {},
         "meta": {"assessor_id": HUGE}}]})
    assert create.json()["results"][0]["reason"] == "invalid"
    admin = await login(client, world, "admin")
    assert_4xx(await client.post("/api/admin/programmes", headers=admin, json={
        "trainee_id": HUGE, "kind": "BT", "unit_id": 1, "start_date": "2026-01-01"}))
    assert_4xx(await client.post("/api/admin/placements", headers=admin, json={
        "programme_id": 1, "unit_id": 1, "specialty": "x", "start_date": "2026-02-30", "end_date": "2026-03-01"}))
    for path, body in (("/api/admin/programmes", {"trainee_id": world.id("trainee"), "kind": "BT", "unit_id": 999,
                                                  "start_date": "2026-01-01"}),
                       ("/api/admin/placements", {"programme_id": 1, "unit_id": 999, "specialty": "X",
                                                  "start_date": "2026-01-01", "end_date": "2026-02-01"})):
        assert_4xx(await client.post(path, headers=admin, json=body), "Unit 999")


async def test_wrong_types_in_meta_are_refused_naming_the_field(client: AsyncTestClient, world: World) -> None:
    tove = await login(client, world, "trainee")
    metas = [{"trainee_id": "x"}, {"assessor_name": 5}, {"assessor_email": ["a@b.se"]}, {"placement_id": True},
             {"assessor_name": {"first": "Ada"}}, {"amends": 17}, {"surprise": 1}]
    answer = await client.post("/api/sync", headers=tove, json={"client_id": "p", "since": 0, "mutations": [
        {"kind": "create", "id": i + 1, "doc_id": new_id(), "at": 1, "form_id": "mini-cex", "form_version": 1,
         "data": {}, "meta": meta} for i, meta in enumerate(metas)]})
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["reason"] for r in results] == ["invalid"] * len(metas)
    assert all("meta" in r["message"] for r in results)
    wrong = await client.post("/api/sync", headers=tove, json={"client_id": "p", "since": 0, "mutations": [
        {"kind": "create", "id": 9, "doc_id": new_id(), "at": 1, "form_id": "mini-cex", "form_version": 1,
         "meta": ["not", "an", "object"]}]})
    assert_4xx(wrong, "meta")
    assert await count_rows(client, "assessments") == 0


async def test_deep_values_and_bodies_of_brackets_are_refused(client: AsyncTestClient, world: World) -> None:
    tove = await login(client, world, "trainee")
    doc = new_id()
    made = await client.post("/api/sync", headers=tove, json={"client_id": "p", "since": 0, "mutations": [
        {"kind": "create", "id": 1, "doc_id": doc, "at": 1, "form_id": "mini-cex", "form_version": 1, "data": {},
         "meta": {"assessor_id": world.id("assessor")}},
        {"kind": "edit", "id": 2, "doc_id": doc, "at": 2, "base_version": 1, "fields": {"/focus": nested(MAX_DEPTH + 2)}},
        {"kind": "create", "id": 3, "doc_id": new_id(), "at": 3, "form_id": "mini-cex", "form_version": 1,
         "data": {"focus": nested(40)}, "meta": {"assessor_id": world.id("assessor")}}]})
    results = made.json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected"], made.text
    assert all(f"more than {MAX_DEPTH} levels" in r["message"] for r in results[1:])
    for path in ("/api/sync", "/api/assessments", "/api/requests", "/api/link/claim", "/api/auth/login"):
        response = await client.post(path, headers={**tove, "Content-Type": "application/json"}, content=b"[" * 50_000)
        assert_4xx(response)
    deep = b"[" * 3000 + b'"x"' + b"]" * 3000  # too deep even to encode with Python's json
    json_headers = {**tove, "Content-Type": "application/json"}
    deep_http = await client.patch(f"/api/assessments/{doc}", headers=json_headers,
                                   content=b'{"base_version": 1, "data": {"focus": ' + deep + b"}}")
    assert_4xx(deep_http, "nests")
    sync_deep = await client.post("/api/sync", headers=json_headers, content=(
        b'{"client_id": "p", "since": 0, "mutations": [{"kind": "edit", "id": 4, "doc_id": "' + doc.encode()
        + b'", "at": 4, "base_version": 1, "fields": {"/focus": ' + deep + b"}}]}"))
    assert_4xx(sync_deep, "deep")


async def test_an_id_that_exists_already_is_a_conflict(client: AsyncTestClient, world: World) -> None:
    tove = await login(client, world, "trainee")
    body = {"form_id": "mini-cex", "channel": "bedside", "id": new_id()}
    assert (await client.post("/api/requests", headers=tove, json=body)).status_code == 201
    again = await client.post("/api/requests", headers=tove, json=body)
    assert again.status_code == 409 and again.json()["reason"] == "exists"
    doc = new_id()
    made = {"form_id": "mini-cex", "id": doc, "assessor_id": world.id("assessor")}
    assert (await client.post("/api/assessments", headers=tove, json=made)).status_code == 201
    assert_4xx(await client.post("/api/assessments", headers=tove, json=made))
    clash = await client.post("/api/requests", headers=tove, json={"form_id": "mini-cex", "channel": "bedside",
                                                                   "assessment_id": doc})
    assert clash.status_code == 409 and clash.json()["reason"] == "exists"
    assert await count_rows(client, "assessment_requests") == 1
