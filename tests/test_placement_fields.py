"""A placement carries what the BT certificates and the Slutbedömning's header ask of it: its type
(primärvård, akut sjukvård, psykiatri, annan), its sysselsättningsgrad and its days of absence. The
admin API takes them (or the defaults: not known, 100 %, 0 days), refuses a bad value with a 400 and
stores nothing, and every list of placements returns them."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from server.db import Database
from server.db.migrate import all_migrations, migrate
from server.demo import load_demo
from server.errors import InvalidInput
from server.people import repository as people
from server.settings import Settings
from tests.helpers import count_rows, in_app, migrated_upto
from tests.world import World, build_world, login

FIELDS = ("placement_type", "employment_rate_percent", "absence_days")


async def a_programme(client: AsyncTestClient, world: World, admin: dict[str, str]) -> int:
    """A second BT of the world's trainee, so that her placements can be added to it."""
    made = await client.post("/api/admin/programmes", headers=admin, json={
        "trainee_id": world.id("trainee"), "kind": "BT", "unit_id": world.units["own"], "start_date": "2027-01-01"})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def placement(programme: int, world: World, **fields: Any) -> dict[str, Any]:
    """A placement of ``programme``, 2027-01-01 to 2027-03-31 (90 days), with ``fields`` added."""
    return {"programme_id": programme, "unit_id": world.units["own"], "specialty": "Psykiatri",
            "start_date": "2027-01-01", "end_date": "2027-03-31",
            "clinical_supervisor_id": world.id("clinical_supervisor")} | fields


async def listed(client: AsyncTestClient, world: World, who: str, placement_id: int) -> dict[str, Any]:
    await login(client, world, who)
    answer = await client.get("/api/placements")
    assert answer.status_code == 200, answer.text
    (found,) = [p for p in answer.json() if p["id"] == placement_id]
    return found  # type: ignore[no-any-return]


def facts(p: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(p[k] for k in FIELDS)


async def test_a_placement_made_without_them_is_of_unknown_type_full_time_without_absence(
        client: AsyncTestClient, world: World) -> None:
    admin = await login(client, world, "admin")
    made = await client.post("/api/admin/placements", headers=admin,
                             json=placement(await a_programme(client, world, admin), world))
    assert made.status_code == 201, made.text
    assert facts(await listed(client, world, "trainee", made.json()["id"])) == (None, 100, 0)
    # the world's own placements (made before anyone said) too
    assert facts(await listed(client, world, "trainee", world.placements["placement"])) == (None, 100, 0)


async def test_a_placement_made_with_them_lists_them_to_the_trainee_and_her_supervisors(
        client: AsyncTestClient, world: World) -> None:
    admin = await login(client, world, "admin")
    programme = await a_programme(client, world, admin)
    made = await client.post("/api/admin/placements", headers=admin, json=placement(
        programme, world, placement_type="psykiatri", employment_rate_percent=75, absence_days=3))
    assert made.status_code == 201, made.text
    placement_id = made.json()["id"]
    for who in ("trainee", "clinical_supervisor", "main_supervisor"):
        assert facts(await listed(client, world, who, placement_id)) == ("psykiatri", 75, 3), who
    # the trainee page (where a clinical supervisor starts the Slutbedömning) carries them too
    await login(client, world, "clinical_supervisor")
    page = (await client.get(f"/api/trainees/{world.id('trainee')}")).json()
    (shown,) = [p for p in page["trainee"]["placements"] if p["placement_id"] == placement_id]
    assert facts(shown) == ("psykiatri", 75, 3)
    # the bounds themselves are allowed, and null says "not known yet"
    edge = await client.post("/api/admin/placements", headers=await login(client, world, "admin"), json=placement(
        programme, world, placement_type=None, employment_rate_percent=1, absence_days=90))
    assert edge.status_code == 201, edge.text
    assert facts(await listed(client, world, "trainee", edge.json()["id"])) == (None, 1, 90)


@pytest.mark.parametrize("field, value", [
    ("placement_type", "kirurgi"), ("placement_type", ""), ("placement_type", "Psykiatri"), ("placement_type", 2),
    ("employment_rate_percent", 0), ("employment_rate_percent", 101), ("employment_rate_percent", -50),
    ("employment_rate_percent", 75.5), ("employment_rate_percent", "heltid"), ("employment_rate_percent", None),
    ("employment_rate_percent", True),
    ("absence_days", -1), ("absence_days", 3661), ("absence_days", 2.5), ("absence_days", "två"), ("absence_days", None),
    # longer than the placement's 90 days
    ("absence_days", 91),
])
async def test_a_bad_value_is_refused_naming_it_and_nothing_is_stored(
        client: AsyncTestClient, world: World, field: str, value: Any) -> None:
    """(A number in a string, "75", is read as the number, as in every body the server decodes.)"""
    admin = await login(client, world, "admin")
    programme = await a_programme(client, world, admin)
    before = await count_rows(client, "placements")
    refused = await client.post("/api/admin/placements", headers=admin, json=placement(programme, world, **{field: value}))
    assert refused.status_code == 400, refused.text
    body = refused.json()
    assert body["reason"] == "invalid" and field in body["detail"], body
    assert await count_rows(client, "placements") == before


async def test_the_repository_refuses_them_too(client: AsyncTestClient, world: World) -> None:
    """The CLI and the demo write through the repository, not the API's body rules."""
    db: Database = client.app.state.db
    admin = await login(client, world, "admin")
    programme = await a_programme(client, world, admin)
    before = await count_rows(client, "placements")
    base = {"programme_id": programme, "unit_id": world.units["own"], "specialty": "Psykiatri",
            "start_date": "2027-01-01", "end_date": "2027-03-31", "clinical_supervisor_id": None}
    for field, value in (("placement_type", "kirurgi"), ("employment_rate_percent", 0), ("employment_rate_percent", True),
                         ("absence_days", -1)):
        async def create(field: str = field, value: Any = value) -> int:
            return await people.create_placement(db, **base, **{field: value})

        with pytest.raises(InvalidInput) as refused:
            await in_app(client, create)
        assert refused.value.reason == "invalid" and [e["field"] for e in refused.value.extra] == [f"/{field}"]
    assert await count_rows(client, "placements") == before


async def test_placements_made_before_get_the_defaults(settings: Settings) -> None:
    async with migrated_upto(settings, "0008_rounds") as before:
        world = await build_world(before)
        assert await migrate(before) == [m.ID for m in all_migrations() if m.ID >= "0009_placement_fields"]
        rows = await before.fetch("SELECT id, placement_type, employment_rate_percent, absence_days FROM placements")
    assert {r["id"]: facts(r) for r in rows} == {p: (None, 100, 0) for p in world.placements.values()}


async def test_the_demo_placements_say_their_type_rate_and_absence(client: AsyncTestClient, settings: Settings) -> None:
    db: Database = client.app.state.db
    assert await in_app(client, load_demo, db, settings)
    rows = await in_app(client, db.fetch, """SELECT t.name, pl.specialty, pl.placement_type, pl.employment_rate_percent,
                                                    pl.absence_days FROM placements pl
                                             JOIN programmes pr ON pr.id = pl.programme_id
                                             JOIN users t ON t.id = pr.trainee_id""")
    demo = {(r["name"], r["specialty"]): facts(r) for r in rows}
    assert demo[("Linnea Sjöberg", "Psykiatri")] == ("psykiatri", 75, 2)
    assert demo[("Bea Bergström", "Allmänmedicin")] == ("primarvard", 100, 0)
    assert demo[("Bea Bergström", "Akut sjukvård (internmedicin)")] == ("akut_sjukvard", 100, 0)
    assert demo[("Omar Haddad", "Kirurgi")] == ("annan", 100, 4)
    assert all(f[0] is not None for f in demo.values())
