"""Issue 13, the handledning rhythm as flags, on a controlled clock: a month without a documented
handledningssamtal (a week in primary care; each unit may set its own) and a hand-over between two
placements without a handledaravstämning are each flagged once, for the studierektor, the HHL and the
clinical supervisor. The world's placement runs 2026-01-01 to 2026-06-30 at the own unit."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from server.db import Database
from server.people import repository as people
from tests import test_overview_flags as overview
from tests.helpers import in_app
from tests.world import World, login

on_day = overview.on_day  # the fixture that moves the server's clock
flags_seen_by, rules = overview.flags_seen_by, overview.rules

NOTES = {"agenda": "Läget", "placement_status": "Bra", "plan_next": "Två Mini-CEX"}


async def meeting(client: AsyncTestClient, world: World, on: str, kind: str = "hhl", *, submit: bool = True) -> str:
    """Tove documents a meeting held on ``on`` with her HHL (submitted for Hanna's confirmation)."""
    tove = await login(client, world, "trainee")
    made = await client.post("/api/assessments", headers=tove, json={
        "form_id": "handledningssamtal", "assessor_id": world.id("main_supervisor"), "observed_on": on,
        "data": NOTES | {"kind": kind}})
    assert made.status_code == 201, made.text
    if submit:
        assert (await client.post(f"/api/assessments/{made.json()['doc_id']}/submit", headers=tove)).status_code == 200
    return made.json()["doc_id"]  # type: ignore[no-any-return]


def of_rule(flags: list[dict[str, Any]], rule: str) -> list[dict[str, Any]]:
    return [f for f in flags if f["rule"] == rule]


async def test_a_month_without_handledning_is_flagged_once(client: AsyncTestClient, world: World, on_day: Any) -> None:
    on_day("2026-01-20")  # 19 days into the placement: not yet
    assert not of_rule(await flags_seen_by(client, world), "handledning_missed")
    on_day("2026-02-15")
    for who in ("studierektor", "main_supervisor", "clinical_supervisor"):
        (flag,) = of_rule(await flags_seen_by(client, world, who), "handledning_missed")
        assert flag["numbers"] == {"days": 45, "limit": 31, "last": None}, who
        assert flag["placement_id"] == world.placements["placement"]
    await login(client, world, "studierektor")
    assert "inget handledningssamtal på 45 dagar (gräns 31)" in (await client.get("/api/overview.csv")).text
    await meeting(client, world, "2026-02-10", submit=False)  # a draft is not yet a documented meeting
    assert of_rule(await flags_seen_by(client, world), "handledning_missed")
    await meeting(client, world, "2026-02-10")
    assert not of_rule(await flags_seen_by(client, world), "handledning_missed")
    on_day("2026-03-20")  # 38 days after the last one
    assert rules(await flags_seen_by(client, world))["handledning_missed"] == {"days": 38, "limit": 31, "last": "2026-02-10"}


async def test_the_unit_sets_its_rhythm_and_primary_care_meets_weekly(client: AsyncTestClient, world: World,
                                                                      on_day: Any) -> None:
    on_day("2026-02-20")
    await meeting(client, world, "2026-02-10")
    assert not of_rule(await flags_seen_by(client, world), "handledning_missed")
    sara = await login(client, world, "studierektor")
    changed = await client.put(f"/api/units/{world.units['own']}/rules", headers=sara,
                               json={"max_days_between_handledning": 7})
    assert changed.status_code == 200, changed.text
    assert rules(await flags_seen_by(client, world))["handledning_missed"]["limit"] == 7
    await client.put(f"/api/units/{world.units['own']}/rules", headers=sara, json={"max_days_between_handledning": 31})
    assert not of_rule(await flags_seen_by(client, world), "handledning_missed")

    async def to_primary_care(db: Database) -> None:
        async def change(tx: Any) -> None:
            await tx.execute("UPDATE placements SET placement_type = 'primarvard' WHERE id = ?", (world.placements["placement"],))
        await db.transaction(change)

    await in_app(client, to_primary_care, client.app.state.db)
    assert rules(await flags_seen_by(client, world))["handledning_missed"] == {"days": 10, "limit": 7, "last": "2026-02-10"}


async def test_a_hand_over_without_a_handledaravstamning_is_flagged(client: AsyncTestClient, world: World,
                                                                   on_day: Any) -> None:
    async def next_placement(db: Database) -> int:
        row = await db.fetchone("SELECT programme_id FROM placements WHERE id = ?", (world.placements["placement"],))
        return await people.create_placement(
            db, programme_id=row["programme_id"], unit_id=world.units["own"], specialty="Kirurgi",
            start_date="2026-07-01", end_date="2026-12-31", clinical_supervisor_id=world.id("clinical_supervisor"))

    surgery = await in_app(client, next_placement, client.app.state.db)
    on_day("2026-07-10")  # within two weeks of the hand-over: still time
    await meeting(client, world, "2026-07-05")  # an ordinary meeting is not the hand-over's avstämning
    assert not of_rule(await flags_seen_by(client, world), "handover_without_check")
    on_day("2026-07-20")
    for who in ("studierektor", "main_supervisor", "clinical_supervisor"):
        (flag,) = of_rule(await flags_seen_by(client, world, who), "handover_without_check")
        assert flag["numbers"] == {"on": "2026-07-01", "from": "Internmedicin", "to": "Kirurgi", "limit": 14}, who
        assert flag["placement_id"] == surgery
    await login(client, world, "studierektor")
    csv = (await client.get("/api/overview.csv")).text
    assert "ingen handledaravstämning vid bytet från Internmedicin till Kirurgi (2026-07-01)" in csv
    await meeting(client, world, "2026-06-24", kind="handledaravstamning")
    assert not of_rule(await flags_seen_by(client, world), "handover_without_check")
