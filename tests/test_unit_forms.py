"""A unit chooses which Mini-CEX its trainees are offered first: the 1–9 scale or grad av självständighet."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.world import World, login


async def placements_offer(client: AsyncTestClient, world: World) -> set[str]:
    await login(client, world, "trainee")
    return {p["mini_cex_form"] for p in (await client.get("/api/placements")).json()}


async def test_without_a_choice_the_unit_offers_the_1_to_9_mini_cex(client: AsyncTestClient, world: World) -> None:
    assert await placements_offer(client, world) == {"mini-cex"}
    await login(client, world, "studierektor")
    got = (await client.get(f"/api/units/{world.units['own']}/forms")).json()
    assert got == {"unit_id": world.units["own"], "mini_cex": "mini-cex", "default": "mini-cex",
                   "choices": ["mini-cex", "mini-cex-sjalvstandighet"]}


async def test_the_studierektor_chooses_grad_av_sjalvstandighet_and_back(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "studierektor")
    url = f"/api/units/{world.units['own']}/forms"
    changed = await client.put(url, headers=headers, json={"mini_cex": "mini-cex-sjalvstandighet"})
    assert changed.status_code == 200 and changed.json()["mini_cex"] == "mini-cex-sjalvstandighet"
    assert await placements_offer(client, world) == {"mini-cex-sjalvstandighet"}
    headers = await login(client, world, "studierektor")
    assert (await client.put(url, headers=headers, json={"mini_cex": None})).json()["mini_cex"] == "mini-cex"
    assert await placements_offer(client, world) == {"mini-cex"}


async def test_a_form_that_is_not_a_mini_cex_is_refused_and_nothing_changes(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "studierektor")
    url = f"/api/units/{world.units['own']}/forms"
    for bad in ({"mini_cex": "dops"}, {"mini_cex": "mini-cex-99"}, {"mini_cex": 3}, {"other": "x"}):
        got = await client.put(url, headers=headers, json=bad)
        assert got.status_code == 400, (bad, got.text)
    refused = await client.put(url, headers=headers, json={"mini_cex": "dops"})
    assert refused.json()["reason"] == "invalid_setting" and "mini-cex-sjalvstandighet" in refused.json()["detail"]
    assert (await client.get(url)).json()["mini_cex"] == "mini-cex"


async def test_another_units_studierektor_cannot_choose(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "other_studierektor")
    got = await client.put(f"/api/units/{world.units['own']}/forms", headers=headers, json={"mini_cex": "mini-cex-sjalvstandighet"})
    assert got.status_code == 403 and got.json()["reason"] == "not_your_unit"
    assert await placements_offer(client, world) == {"mini-cex"}
