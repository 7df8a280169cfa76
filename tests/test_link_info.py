"""Issue 10: what the assessor's landing page is told when she opens a request link (``GET /api/link``):
the form, the placement and unit, the trainee's message and the link's expiry, and nothing of the
trainee beyond her name; a 360 rater's link says that the answer is anonymous, and opening it tells
the trainee nothing."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

import tests.requests_support as support
from tests.mail_support import MailServer
from tests.requests_support import EXTERNAL, ME, ask, bearer, claimed_secret, mailed_link, token_of
from tests.rounds_support import RATERS, start_round
from tests.world import World, login

settings, smtp = support.settings, support.smtp  # fixtures: real SMTP, no demo mode

MESSAGE = "Tack för att du tittade på bukundersökningen i morse!"
#: what the landing page may be told before the device holds the request
SHOWN = {"request_id", "doc_id", "form_id", "form_version", "form_title", "anonymous", "status", "trainee_name",
         "message", "placement", "specialty", "unit", "expires_at", "claimed", "held_here", "assessor_name", "assessor_title",
         "assessor_workplace", "assessor_email", "missing_for_signature", "claim_refusals", "last_claim_refused_at"}


def leaks(info: dict[str, Any], world: World, *secrets: str) -> list[str]:
    """The trainee's e-mail or a token in the answer (her id has no key of its own: see SHOWN)."""
    text = repr(info)
    return [s for s in (world.emails["trainee"], *secrets) if s and s in text]


async def test_the_link_says_what_is_asked_where_and_until_when(client: AsyncTestClient, world: World,
                                                                 smtp: MailServer) -> None:
    headers = await login(client, world, "trainee")
    made = await ask(client, headers, message=MESSAGE, placement_id=world.placements["placement"])
    client.cookies.clear()
    token = token_of(await mailed_link(smtp, EXTERNAL["assessor_email"]))
    response = await client.get("/api/link", headers=bearer(token))
    assert response.status_code == 200, response.text
    info = response.json()
    assert set(info) <= SHOWN
    assert info["form_id"] == "mini-cex" and info["form_title"] == {"sv": "Mini-CEX", "en": "Mini-CEX"}
    assert info["anonymous"] is False
    assert info["trainee_name"] == world.names["trainee"]
    assert info["message"] == MESSAGE
    assert info["placement"] == "Internmedicin, Medicinkliniken Testsjukhuset"
    assert info["specialty"] == "Internmedicin" and info["unit"] == "Medicinkliniken Testsjukhuset"
    assert info["expires_at"] == made["expires_at"] and info["expires_at"] > made["created_at"]
    assert info["status"] == "opened" and info["claimed"] is False and info["held_here"] is False
    # before this phone holds the request it hears nothing of who the trainee asked, nor of the trainee
    assert info["assessor_name"] is None and info["assessor_email"] is None
    assert EXTERNAL["assessor_email"] not in repr(info) and EXTERNAL["assessor_name"] not in repr(info)
    assert leaks(info, world, token) == []

    # the device that holds it hears what it said itself, and still nothing more of the trainee
    secret = await claimed_secret(client, token)
    held = (await client.get("/api/link", headers=bearer(secret))).json()
    assert held["held_here"] is True and held["assessor_name"] == ME["name"]
    assert held["assessor_workplace"] == ME["workplace"] and held["missing_for_signature"] == []
    assert held["form_title"]["sv"] == "Mini-CEX" and held["unit"] == "Medicinkliniken Testsjukhuset"
    assert leaks(held, world, token, secret) == []


async def test_a_360_raters_link_says_it_is_anonymous_and_opening_it_tells_the_trainee_nothing(
    client: AsyncTestClient, world: World, smtp: MailServer
) -> None:
    view = await start_round(client, world)
    headers = await login(client, world, "trainee")
    assert (await client.post(f"/api/rounds/{view['id']}/send", headers=headers)).status_code == 200
    before = (await client.get(f"/api/rounds/{view['id']}")).json()
    client.cookies.clear()
    name, email, _ = RATERS[0]
    token = token_of(await mailed_link(smtp, email, "360", count=len(RATERS)))
    info = (await client.get("/api/link", headers=bearer(token))).json()
    assert set(info) <= SHOWN
    assert info["anonymous"] is True and info["form_id"] == "msf-rater" and info["form_title"]["sv"]
    assert info["trainee_name"] == world.names["trainee"] and info["message"] is None
    # the rater is not told whom else the trainee asked, nor the name the trainee typed for her
    assert info["assessor_name"] is None and name not in repr(info) and RATERS[1][0] not in repr(info)
    assert leaks(info, world, token) == []
    secret = await claimed_secret(client, token)
    held = (await client.get("/api/link", headers=bearer(secret))).json()
    assert held["anonymous"] is True and leaks(held, world, token, secret) == []

    # the trainee sees her round as before the link was opened and claimed
    await login(client, world, "trainee")
    after = (await client.get(f"/api/rounds/{view['id']}")).json()
    assert after == before and after["raters"] is None
    assert ME["name"] not in repr(after) and ME["email"] not in repr(after)
