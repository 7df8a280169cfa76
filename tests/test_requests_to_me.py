"""A request to a colleague who has an account: "förfrågningar till mig", answered with their login."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

import tests.requests_support as support
from tests.helpers import MINI_CEX_COMPLETE
from tests.world import World, login

settings, smtp = support.settings, support.smtp  # fixtures: real SMTP, no demo mode


async def test_a_colleague_with_an_account_answers_from_their_own_list(client: AsyncTestClient, world: World) -> None:
    trainee = await login(client, world, "trainee")
    request = await support.ask(client, trainee, assessor_name="Asta", assessor_email=world.emails["assessor"].upper())

    assessor = await login(client, world, "assessor")
    to_me = (await client.get("/api/requests/to-me")).json()
    assert [r["id"] for r in to_me] == [request["id"]]
    doc_id = request["assessment_id"]
    mine = {a["doc_id"]: a for a in (await client.get("/api/assessments")).json()}
    assert doc_id in mine and "edit" in mine[doc_id]["permissions"]
    assert mine[doc_id]["assessor_id"] == world.id("assessor")

    edited = await client.patch(f"/api/assessments/{doc_id}", headers=assessor,
                                json={"base_version": mine[doc_id]["version"], "data": MINI_CEX_COMPLETE})
    assert edited.status_code == 200, edited.text
    for step in ("submit", "sign"):
        assert (await client.post(f"/api/assessments/{doc_id}/{step}", headers=assessor)).status_code == 200
    assert (await client.get("/api/requests/to-me")).json() == []

    await login(client, world, "trainee")
    mine = {r["id"]: r for r in (await client.get("/api/requests")).json()}
    assert mine[request["id"]]["status"] == "completed"
