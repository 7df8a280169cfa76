"""Issue 8, item 13: ``/api/colleagues?role=trainee`` shows only the trainees a user has a reason to
pick, never every trainee: a trainee lists none, a supervisor their own, an assessor those they have
assessed or been asked by, and others only by typing a name."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.helpers import create_mini_cex
from tests.world import World, login


async def trainee_ids(client: AsyncTestClient, query: str = "") -> set[int]:
    response = await client.get(f"/api/colleagues?role=trainee&q={query}")
    assert response.status_code == 200, response.text
    return {c["id"] for c in response.json()}


async def test_a_trainee_cannot_list_the_other_trainees(client: AsyncTestClient, world: World) -> None:
    await login(client, world, "trainee")
    response = await client.get("/api/colleagues?role=trainee")
    assert response.status_code == 403 and response.json()["reason"] == "forbidden"
    assert "Olle" not in response.text
    assert (await client.get("/api/colleagues?role=trainee&q=Olle")).status_code == 403


async def test_each_picker_sees_only_trainees_they_have_a_reason_to_pick(client: AsyncTestClient, world: World) -> None:
    await login(client, world, "clinical_supervisor")
    assert await trainee_ids(client) == {world.id("trainee")}  # her placement's trainee, not the other unit's
    await login(client, world, "studierektor")
    assert await trainee_ids(client) == {world.id("trainee")}
    await login(client, world, "assessor")
    assert await trainee_ids(client) == set()  # never met anyone here yet
    assert await trainee_ids(client, "ol") == set()  # two letters enumerate nobody
    assert await trainee_ids(client, "olle") == {world.id("other_trainee")}  # she knows whom she stands beside

    headers = await login(client, world, "trainee")
    await create_mini_cex(client, headers, assessor_id=world.id("assessor"))
    await login(client, world, "assessor")
    assert await trainee_ids(client) == {world.id("trainee")}  # assessed before: in her offline list
