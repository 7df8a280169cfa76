"""Who is behind, one test per rule, on a controlled clock: the world's placement runs 2026-01-01 to
2026-06-30 at the own unit, with Karin as clinical supervisor and Hanna as HHL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from server import clock
from tests.helpers import MINI_CEX_COMPLETE
from tests.test_lifecycle import SLUTBEDOMNING
from tests.world import World, login


@pytest.fixture
def on_day(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``on_day("2026-04-15")`` moves the server's clock to that day (09:00 UTC)."""
    def move(day: str) -> None:
        moment = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(9, 0), tzinfo=dt.UTC)
        monkeypatch.setattr(clock, "now", lambda: moment)
    return move


async def signed_mini_cex(client: AsyncTestClient, world: World, observed_on: str, *, sign: bool = True) -> str:
    tove = await login(client, world, "trainee")
    made = await client.post("/api/assessments", headers=tove, json={
        "form_id": "mini-cex", "form_version": 1, "assessor_id": world.id("assessor"), "observed_on": observed_on,
        "placement_id": world.placements["placement"], "data": MINI_CEX_COMPLETE, "delmal": ["BT1"]})
    assert made.status_code == 201, made.text
    doc_id = made.json()["doc_id"]
    assert (await client.post(f"/api/assessments/{doc_id}/submit", headers=tove)).status_code == 200
    if sign:
        asta = await login(client, world, "assessor")
        assert (await client.post(f"/api/assessments/{doc_id}/sign", headers=asta)).status_code == 200
    return doc_id  # type: ignore[no-any-return]


async def signed_final(client: AsyncTestClient, world: World, data: dict[str, Any]) -> str:
    karin = await login(client, world, "clinical_supervisor")
    made = await client.post("/api/assessments", headers=karin, json={
        "form_id": "slutbedomning-bt", "trainee_id": world.id("trainee"),
        "placement_id": world.placements["placement"], "data": data})
    assert made.status_code == 201, made.text
    doc_id = made.json()["doc_id"]
    for step in ("submit", "sign"):
        assert (await client.post(f"/api/assessments/{doc_id}/{step}", headers=karin)).status_code == 200
    return doc_id  # type: ignore[no-any-return]


async def flags_seen_by(client: AsyncTestClient, world: World, who: str = "studierektor") -> list[dict[str, Any]]:
    await login(client, world, who)
    rows = (await client.get("/api/trainees")).json()
    return next(t for t in rows if t["trainee_id"] == world.id("trainee"))["flags"]


def rules(flags: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f["rule"]: f["numbers"] for f in flags}


async def test_fewer_than_two_signed_by_the_midpoint(client: AsyncTestClient, world: World, on_day: Any) -> None:
    on_day("2026-03-01")  # a third in: not yet
    await signed_mini_cex(client, world, "2026-02-20")
    assert "behind_at_midpoint" not in rules(await flags_seen_by(client, world))
    on_day("2026-04-15")  # past the midpoint with one signed (the waiting one does not count)
    await signed_mini_cex(client, world, "2026-04-10", sign=False)
    assert rules(await flags_seen_by(client, world))["behind_at_midpoint"] == {"signed": 1, "target": 2, "percent": 58}
    await signed_mini_cex(client, world, "2026-04-12")
    assert "behind_at_midpoint" not in rules(await flags_seen_by(client, world))


async def test_the_unit_sets_its_own_target(client: AsyncTestClient, world: World, on_day: Any) -> None:
    on_day("2026-04-15")
    for day in ("2026-03-01", "2026-04-01"):
        await signed_mini_cex(client, world, day)
    assert "behind_at_midpoint" not in rules(await flags_seen_by(client, world))
    sara = await login(client, world, "studierektor")
    changed = await client.put(f"/api/units/{world.units['own']}/rules", headers=sara, json={"min_signed_by_midpoint": 3})
    assert changed.status_code == 200 and changed.json()["rules"]["min_signed_by_midpoint"] == 3
    assert changed.json()["defaults"]["min_signed_by_midpoint"] == 2
    assert rules(await flags_seen_by(client, world))["behind_at_midpoint"]["target"] == 3
    wrong = await client.put(f"/api/units/{world.units['own']}/rules", headers=sara, json={"min_signed_by_midpoint": -1})
    assert wrong.status_code == 400 and wrong.json()["reason"] == "invalid_setting"
    unknown = await client.put(f"/api/units/{world.units['own']}/rules", headers=sara, json={"lunch": 3})
    assert unknown.status_code == 400 and unknown.json()["reason"] == "unknown_setting"
    back = await client.put(f"/api/units/{world.units['own']}/rules", headers=sara, json={"min_signed_by_midpoint": None})
    assert back.json()["rules"]["min_signed_by_midpoint"] == 2
    # someone else's unit, or none at all: the same 403, so nobody learns which unit ids exist
    for unit in (world.units["other"], 99999):
        refused = await client.get(f"/api/units/{unit}/rules")
        assert refused.status_code == 403 and refused.json()["reason"] == "not_your_unit"
    await login(client, world, "admin")
    assert (await client.get("/api/units/99999/rules")).status_code == 404


async def test_no_assessment_for_30_days_during_a_placement(client: AsyncTestClient, world: World, on_day: Any) -> None:
    on_day("2026-01-25")
    assert "no_recent_assessment" not in rules(await flags_seen_by(client, world))
    on_day("2026-02-05")  # 35 days since the placement began, nothing at all
    assert rules(await flags_seen_by(client, world))["no_recent_assessment"] == {"days": 35, "limit": 30, "last": None}
    await signed_mini_cex(client, world, "2026-02-04", sign=False)  # any activity counts, signed or not
    assert "no_recent_assessment" not in rules(await flags_seen_by(client, world))
    on_day("2026-03-10")
    assert rules(await flags_seen_by(client, world))["no_recent_assessment"] == {"days": 34, "limit": 30,
                                                                                 "last": "2026-02-04"}
    on_day("2026-07-20")  # the placement has ended: this rule is for placements under way
    assert "no_recent_assessment" not in rules(await flags_seen_by(client, world))


async def test_slutbedomning_missing_14_days_after_the_end(client: AsyncTestClient, world: World, on_day: Any) -> None:
    on_day("2026-07-10")
    assert "final_missing" not in rules(await flags_seen_by(client, world))
    on_day("2026-07-20")
    assert rules(await flags_seen_by(client, world))["final_missing"] == {"days": 20, "limit": 14}
    await signed_final(client, world, SLUTBEDOMNING)
    assert "final_missing" not in rules(await flags_seen_by(client, world))


async def test_a_request_unanswered_for_14_days(client: AsyncTestClient, world: World, on_day: Any) -> None:
    on_day("2026-03-01")
    tove = await login(client, world, "trainee")
    asked = await client.post("/api/requests", headers=tove, json={"form_id": "mini-cex", "channel": "bedside"})
    assert asked.status_code == 201, asked.text
    on_day("2026-03-10")
    assert "request_unanswered" not in rules(await flags_seen_by(client, world))
    on_day("2026-03-20")
    assert rules(await flags_seen_by(client, world))["request_unanswered"] == {"count": 1, "oldest_days": 19, "limit": 14}
    tove = await login(client, world, "trainee")
    assert (await client.post(f"/api/requests/{asked.json()['id']}/withdraw", headers=tove)).status_code == 200
    assert "request_unanswered" not in rules(await flags_seen_by(client, world))


async def test_a_failed_slutbedomning_asks_for_a_handlingsplan(client: AsyncTestClient, world: World, on_day: Any) -> None:
    on_day("2026-06-25")
    failed = SLUTBEDOMNING | {"overall_result": "ej_godkand", "action_plan_needed": True,
                              "delmal": {"BT15": {"outcome": "ej_uppnatt", "how_checked": "Läkemedelsgenomgång"},
                                         "BT3": {"outcome": "ej_uppnatt", "how_checked": "Samtal"},
                                         "BT1": {"outcome": "uppnatt", "how_checked": "Mini-CEX"}}}
    doc_id = await signed_final(client, world, failed)
    for who in ("studierektor", "main_supervisor", "clinical_supervisor"):
        found = rules(await flags_seen_by(client, world, who))
        assert found["final_not_approved"] == {"doc_id": doc_id}, who
        assert "final_concern" not in found, "no warning ticked, no warning flag"
        assert found["delmal_not_reached"] == {"delmal": ["BT3", "BT15"], "doc_id": doc_id}, who
    # the studierektor's table puts her first and says why, in the CSV too
    await login(client, world, "studierektor")
    table = (await client.get("/api/overview")).json()
    assert table[0]["trainee_id"] == world.id("trainee") and table[0]["weight"] == 3
    text = (await client.get("/api/overview.csv")).text
    assert text.startswith("\ufeffBT/ST/AT-läkare;") and "delmål ej uppnått (BT3, BT15) – handlingsplan behövs" in text


async def test_a_trainee_in_two_programmes_is_seen_through_both(client: AsyncTestClient, world: World,
                                                                on_day: Any) -> None:
    """A BT at one unit and then an ST at another: both units' studierektorer and both HHLs follow her."""
    from server.people import repository as people
    from tests.helpers import in_app

    on_day("2026-04-15")
    st = await in_app(client, lambda: people.create_programme(
        client.app.state.db, trainee_id=world.id("trainee"), kind="ST", unit_id=world.units["other"],
        main_supervisor_id=world.id("other_main_supervisor"), start_date="2026-07-01"))
    assert st
    for studierektor, unit in (("studierektor", "own"), ("other_studierektor", "other")):
        await login(client, world, studierektor)
        table = (await client.get("/api/overview")).json()
        assert world.id("trainee") in {t["trainee_id"] for t in table}, studierektor
        home = (await client.get("/api/home")).json()
        assert home["studierektor"][0]["trainees"] >= 1 and home["studierektor"][0]["unit_id"] == world.units[unit]
    for hhl in ("main_supervisor", "other_main_supervisor"):
        await login(client, world, hhl)
        home = (await client.get("/api/home")).json()
        assert world.id("trainee") in {t["trainee_id"] for t in home["main_supervisor"]}, hhl


async def test_a_coaching_loop_she_signs_herself_is_listed_but_never_counted(client: AsyncTestClient, world: World,
                                                                           on_day: Any) -> None:
    """A Coachloopen is the trainee's own plan, signed by her: it is no assessment by someone else, so it
    counts neither towards the signed ones nor as recent activity; her page still lists it."""
    on_day("2026-04-15")
    await signed_mini_cex(client, world, "2026-02-20")
    tove = await login(client, world, "trainee")
    made = await client.post("/api/assessments", headers=tove, json={
        "form_id": "coachloopen", "assessor_id": world.id("clinical_supervisor"), "observed_on": "2026-04-14",
        "placement_id": world.placements["placement"], "data": {
            "topic": "Prioritering", "nulage": "Stressad.", "onskat_lage": "Lugn.", "hinder": "Tiden.",
            "resurser": "Kollegorna.", "agera": "Börjar i morgon."}})
    assert made.status_code == 201, made.text
    doc_id = made.json()["doc_id"]
    for step in ("submit", "sign"):
        assert (await client.post(f"/api/assessments/{doc_id}/{step}", headers=tove)).status_code == 200
    found = rules(await flags_seen_by(client, world))
    assert found["behind_at_midpoint"] == {"signed": 1, "target": 2, "percent": 58}
    assert found["no_recent_assessment"]["last"] == "2026-02-20"
    await login(client, world, "clinical_supervisor")
    page = (await client.get(f"/api/trainees/{world.id('trainee')}")).json()
    assert doc_id in {a["doc_id"] for a in page["assessments"]}


async def test_a_slutbedomning_with_a_warning_flags_the_trainee_for_the_hhl(client: AsyncTestClient, world: World,
                                                                           on_day: Any) -> None:
    on_day("2026-06-25")
    warned = SLUTBEDOMNING | {"concern": True, "concern_comment": "Osäker i läkemedelsgenomgångar."}
    doc_id = await signed_final(client, world, warned)
    for who in ("main_supervisor", "studierektor", "clinical_supervisor"):
        assert rules(await flags_seen_by(client, world, who))["final_concern"] == {"doc_id": doc_id}, who
    await login(client, world, "studierektor")
    assert "varning i slutbedömningen" in (await client.get("/api/overview.csv")).text
