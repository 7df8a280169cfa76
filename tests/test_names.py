"""A person's name is one line: a line break or control character in any name a client sends (a
request's assessor, a claiming assessor, a nominated rater) is a 400 that says so in words, and
nothing is stored."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.helpers import count_rows
from tests.rounds_support import start_round
from tests.world import World, login

BAD = ("Erik\nEk", "Erik\r\nBcc: x@y.se", "Tab\there", "   ", "nul\x00")


async def test_a_name_with_a_line_break_is_refused_in_words(client: AsyncTestClient, world: World) -> None:
    view = await start_round(client, world, raters=[])
    headers = await login(client, world, "trainee")
    before = (await count_rows(client, "assessment_requests"), await count_rows(client, "msf_round_raters"))
    for name in BAD:
        asked = await client.post("/api/requests", headers=headers, json={
            "form_id": "mini-cex", "channel": "email", "assessor_name": name, "assessor_email": "erik@sjukhus.test"})
        nominated = await client.post(f"/api/rounds/{view['id']}/raters", headers=headers,
                                      json={"name": name, "email": "erik@sjukhus.test", "group": "sjukskoterska"})
        for answer in (asked, nominated):
            assert answer.status_code == 400, (name, answer.text)
            assert "a name on one line" in answer.json()["detail"], answer.text
    assert (await count_rows(client, "assessment_requests"), await count_rows(client, "msf_round_raters")) == before
    ok = await client.post(f"/api/rounds/{view['id']}/raters", headers=headers,
                           json={"name": "Åsa Öberg-Lind", "email": "asa@sjukhus.test", "group": "sjukskoterska"})
    assert ok.status_code == 201
