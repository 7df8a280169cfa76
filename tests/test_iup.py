"""Issue 13, the IUP: per placement, written by the trainee with her HHL, who signs it; a revision amends
the signed one (the old one stays readable, the audit says who changed what); its planned assessments
replace the unit's default target for "behind"; the HHL records follow-ups, and an IUP not followed up
within the unit's rhythm (default twice a term) is flagged. On a controlled clock, on both databases.
The world's placement runs 2026-01-01 to 2026-06-30."""

from __future__ import annotations

import json
from typing import Any

from litestar.testing import AsyncTestClient

from server.settings import REPO_ROOT
from tests import test_overview_flags as overview
from tests.world import World, login

on_day = overview.on_day  # the fixture that moves the server's clock
IUP: dict[str, Any] = json.loads((REPO_ROOT / "schemas/forms/iup/1/examples/valid/akuten.json").read_text("utf-8"))
FOLLOW_UP = {"reviewed": "De planerade bedömningarna och BT-dagarna.", "revise": "nej"}


async def signed_iup(client: AsyncTestClient, world: World, data: dict[str, Any] = IUP, on: str = "2026-01-10") -> str:
    """Tove writes her IUP for the placement (her HHL is its signer without being named); Hanna signs it."""
    tove = await login(client, world, "trainee")
    made = await client.post("/api/assessments", headers=tove, json={
        "form_id": "iup", "placement_id": world.placements["placement"], "observed_on": on, "data": data})
    assert made.status_code == 201, made.text
    assert made.json()["assessor_id"] == world.id("main_supervisor")
    doc_id: str = made.json()["doc_id"]
    assert (await client.post(f"/api/assessments/{doc_id}/submit", headers=tove)).status_code == 200
    hanna = await login(client, world, "main_supervisor")
    assert (await client.post(f"/api/assessments/{doc_id}/sign", headers=hanna)).status_code == 200
    return doc_id


async def follow_up(client: AsyncTestClient, world: World, iup_id: str, on: str) -> None:
    hanna = await login(client, world, "main_supervisor")
    made = await client.post("/api/assessments", headers=hanna, json={
        "form_id": "iup-uppfoljning", "trainee_id": world.id("trainee"), "follows_up": iup_id, "observed_on": on,
        "data": FOLLOW_UP})
    assert made.status_code == 201, made.text
    for step in ("submit", "sign"):
        assert (await client.post(f"/api/assessments/{made.json()['doc_id']}/{step}", headers=hanna)).status_code == 200


async def test_a_revision_keeps_the_old_iup_and_says_who_changed_what(client: AsyncTestClient, world: World) -> None:
    first = await signed_iup(client, world)
    tove = await login(client, world, "trainee")
    revision = await client.post(f"/api/assessments/{first}/amend", headers=tove, json={})
    assert revision.status_code == 201, revision.text
    new_id, version = revision.json()["doc_id"], revision.json()["version"]
    changed = await client.patch(f"/api/assessments/{new_id}", headers=tove, json={
        "base_version": version, "data": {"planned": {"mini_cex": 3}}})
    assert changed.status_code == 200, changed.text
    assert (await client.post(f"/api/assessments/{new_id}/submit", headers=tove)).status_code == 200
    hanna = await login(client, world, "main_supervisor")
    assert (await client.post(f"/api/assessments/{new_id}/sign", headers=hanna)).status_code == 200
    old = (await client.get(f"/api/assessments/{first}")).json()
    assert old["status"] == "signed" and old["data"] == IUP  # the old one stays readable as it was
    new = (await client.get(f"/api/assessments/{new_id}")).json()
    assert new["amends_id"] == first and new["data"]["planned"] == IUP["planned"] | {"mini_cex": 3}
    trail = (await client.get(f"/api/assessments/{new_id}/audit")).json()
    edits = [e for e in trail if e["action"] == "edit"]
    assert edits and edits[0]["actor_name"] == world.names["trainee"]
    assert edits[0]["detail"]["mutation"]["fields"] == {"/planned/mini_cex": 3}


async def test_behind_compares_with_the_iups_planned_assessments(client: AsyncTestClient, world: World,
                                                                 on_day: Any) -> None:
    on_day("2026-04-10")  # 55 % of the placement
    for day in ("2026-02-01", "2026-03-01"):
        await overview.signed_mini_cex(client, world, day)
    assert "behind_at_midpoint" not in overview.rules(await overview.flags_seen_by(client, world))  # 2 of the default 2
    await signed_iup(client, world, IUP | {"planned": {"mini_cex": 4, "dops": 1, "cbd": 1}}, on="2026-04-01")
    flagged = overview.rules(await overview.flags_seen_by(client, world))
    assert flagged["behind_at_midpoint"] == {"signed": 2, "target": 3, "percent": 55, "planned": 6}
    await login(client, world, "studierektor")
    (row,) = [t for t in (await client.get("/api/trainees")).json() if t["trainee_id"] == world.id("trainee")]
    assert (row["placements"][0]["target"], row["placements"][0]["planned"]) == (6, 6)


async def test_an_iup_not_followed_up_twice_a_term_is_flagged(client: AsyncTestClient, world: World, on_day: Any) -> None:
    iup_id = await signed_iup(client, world, on="2026-01-10")
    on_day("2026-04-10")  # 90 days: within a term's half (91)
    assert "iup_follow_up_missed" not in overview.rules(await overview.flags_seen_by(client, world))
    on_day("2026-04-12")
    for who in ("main_supervisor", "studierektor", "clinical_supervisor"):
        flagged = overview.rules(await overview.flags_seen_by(client, world, who))
        assert flagged["iup_follow_up_missed"] == {"days": 92, "limit": 91, "last": "2026-01-10", "doc_id": iup_id}, who
    await follow_up(client, world, iup_id, on="2026-04-11")
    assert "iup_follow_up_missed" not in overview.rules(await overview.flags_seen_by(client, world))
    # the unit asks for four a term: 45 days
    sara = await login(client, world, "studierektor")
    changed = await client.put(f"/api/units/{world.units['own']}/rules", headers=sara, json={"iup_follow_ups_per_term": 4})
    assert changed.status_code == 200, changed.text
    on_day("2026-05-27")
    assert overview.rules(await overview.flags_seen_by(client, world))["iup_follow_up_missed"]["limit"] == 45


async def test_only_her_hhl_signs_the_iup_and_records_its_follow_ups(client: AsyncTestClient, world: World) -> None:
    iup_id = await signed_iup(client, world)
    for who in ("clinical_supervisor", "trainee"):
        headers = await login(client, world, who)
        refused = await client.post("/api/assessments", headers=headers, json={
            "form_id": "iup-uppfoljning", "trainee_id": world.id("trainee"), "follows_up": iup_id, "data": FOLLOW_UP})
        assert refused.status_code in (400, 403), who
    await login(client, world, "clinical_supervisor")  # the IUP is no secret for her placement's supervisor
    assert (await client.get(f"/api/assessments/{iup_id}")).status_code == 200
