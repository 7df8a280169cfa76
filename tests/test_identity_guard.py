"""Issue 8, item 3: every string a client sends passes the personnummer guard before anything is
looked up, authorized or stored: ids, keys, pointers and metadata too. A refused identity number is
kept nowhere (not the audit trail, not the stored sync results) and never echoed (the field is
named, not the value). Ids, e-mails and names are validated."""

from __future__ import annotations

import uuid
from typing import Any

from litestar.testing import AsyncTestClient

from tests.helpers import create_mini_cex, in_app
from tests.world import World, login
from server.privacy.ids import new_id

PN = "19121212-1212"
DIGITS = ("19121212", "121212-1212", "1212121212")


def m(n: int, kind: str, doc_id: str, **body: Any) -> dict[str, Any]:
    return {"kind": kind, "id": n, "doc_id": doc_id, "at": 1_800_000_000_000 + n, **body}


def create(n: int, world: World, doc_id: str | None = None, **body: Any) -> dict[str, Any]:
    return m(n, "create", doc_id or new_id(), **({"form_id": "mini-cex", "form_version": 1, "data": {},
                                                            "meta": {"assessor_id": world.id("assessor")}} | body))


async def stored_text(client: AsyncTestClient) -> str:
    """Everything the tables that keep client content hold, as one text."""
    db = client.app.state.db
    parts = []
    for table in ("assessments", "audit_events", "sync_results", "sync_clients", "refused_mutations", "rate_limits"):
        rows = await in_app(client, db.fetch, f"SELECT * FROM {table}")
        parts.append(repr(rows))
    return "\n".join(parts)


def assert_nowhere(*texts: str) -> None:
    for text in texts:
        for digits in DIGITS:
            assert digits not in text, text[:400]


async def test_every_place_in_a_mutation_is_guarded_and_nothing_is_kept(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "trainee")
    theirs = await create_mini_cex(client, await login(client, world, "other_trainee"),
                                   assessor_id=world.id("other_assessor"))
    headers = await login(client, world, "trainee")
    doc = new_id()
    crafted = [
        create(1, world, doc, meta={"assessor_name": "Ada", "assessor_email": f"{PN}@sjukhus.test"}),
        create(2, world, doc, data={PN: "x"}),                                  # a data key
        create(3, world, doc, form_id=f"mini-cex-{PN.replace('-', '')}"),          # a form id
        create(4, world, f"19121212-1212-4212-8212-{uuid.uuid4().hex[:12]}"),   # a doc id that is a UUID
        create(5, world, doc),                                                 # the real one
        m(6, "edit", doc, base_version=1, fields={f"/{PN}": "x"}),              # a pointer
        m(7, "edit", doc, base_version=1, fields={"/focus": ["ok", [f"Pat {PN}"]]}),  # deep in a value
        m(8, "edit", theirs["doc_id"], base_version=1, fields={"/focus": f"Pat {PN}"}),  # someone else's: not_found
        m(9, "return", doc, reason=f"Fel patient {PN}"),
    ]
    response = await client.post("/api/sync", headers=headers, json={"client_id": "tove-phone", "since": 0,
                                                                       "mutations": crafted})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["reason"] for r in results] == ["identity_number"] * 4 + [None] + ["identity_number"] * 4
    assert [r["message"].split('"')[1] for r in results if r["reason"]] == [
        "meta/assessor_email", "(a field name)", "form_id", "doc_id",
        "a field name", "/focus/1/0", "/focus", "reason"]
    assert results[3]["doc_id"] == ""  # not even the id comes back
    assert_nowhere(response.text, await in_app(client, stored_text, client))
    replay = await client.post("/api/sync", headers=headers, json={"client_id": "tove-phone", "since": 0,
                                                                     "mutations": crafted})
    assert [r["status"] for r in replay.json()["results"]] == ["duplicate"] * 9
    assert_nowhere(replay.text)


async def test_a_client_id_and_the_http_api_are_guarded_before_anything_runs(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "trainee")
    refused = await client.post("/api/sync", headers=headers, json={"client_id": PN, "since": 0, "mutations": []})
    assert refused.status_code == 400 and refused.json()["reason"] == "identity_number"
    assert "client_id" in refused.json()["detail"]
    cases = [
        ("POST", "/api/assessments", {"form_id": "mini-cex", "assessor_name": "Ada", "assessor_email": f"{PN}@x.se"}),
        ("POST", "/api/assessments", {"form_id": PN}),
        ("POST", f"/api/assessments/{PN}/submit", None),
        ("GET", f"/api/assessments?form_id={PN}", None),
        ("GET", f"/api/colleagues?q={PN}", None),
        ("POST", "/api/requests", {"form_id": "mini-cex", "assessor_name": f"Pat {PN}", "assessor_email": "a@b.se"}),
    ]
    for method, path, body in cases:
        response = await client.request(method, path, headers=headers, json=body)
        assert response.status_code == 400 and response.json()["reason"] == "identity_number", (path, response.text)
        assert_nowhere(response.text)
    assert_nowhere(await in_app(client, stored_text, client))


async def test_ids_emails_and_names_are_validated(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "trainee")
    for body in ({"client_id": "no spaces allowed", "since": 0},
                 {"client_id": "ok", "since": 0, "mutations": [create(1, world, "not-a-uuid")]}):
        response = await client.post("/api/sync", headers=headers, json=body)
        assert response.status_code == 400 and response.json()["reason"] == "invalid", response.text
    answer = await client.post("/api/sync", headers=headers, json={"client_id": "ok", "since": 0, "mutations": [
        create(1, world, meta={"assessor_name": "Ada", "assessor_email": "not an address"}),
        create(2, world, meta={"assessor_name": "A" * 201}),
        create(3, world, meta={"assessor_name": "Ada", "assessor_email": "ada@sjukhus.se"})]})
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected", "applied"]
    assert "meta.assessor_email" in results[0]["message"] and "meta.assessor_name" in results[1]["message"]


async def test_the_numbers_of_a_mutation_are_guarded_too(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "trainee")
    doc = new_id()
    answer = await client.post("/api/sync", headers=headers, json={"client_id": "p", "since": 0, "mutations": [
        create(1, world, doc), m(2, "edit", doc, base_version=1, fields={"/anamnes": 1212121212}),
        m(3, "edit", doc, base_version=1212121212, fields={"/focus": "x"}) | {"at": 5},
        m(4, "submit", doc) | {"at": 1212121212}]})
    assert [r["reason"] for r in answer.json()["results"]] == [None, "identity_number", "identity_number",
                                                               "identity_number"]
    assert_nowhere(answer.text, await in_app(client, stored_text, client))
