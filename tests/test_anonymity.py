"""Issue 8, item 2: a trainee never receives a token or link for anything she is not the actor of.
E-mail requests and 360 raters get their links by e-mail only; a 360 rater's answer, and whether a
given rater answered or declined, reach the trainee through no channel."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

import tests.requests_support as support
from server.requests import clock
from server.requests.reminders import run_reminders
from server.settings import REPO_ROOT
from tests.helpers import in_app
from tests.mail_support import MailServer
from tests.requests_support import EXTERNAL, ask, bearer, claimed_secret, link_sync, mailed_link, mutation, token_of
from tests.world import World, login

settings, smtp = support.settings, support.smtp  # fixtures: real SMTP, no demo mode
RATER = json.loads((Path(REPO_ROOT) / "schemas/forms/msf-rater/1/examples/valid/typisk.json").read_text())
RATER = RATER | {"strengths": "Tar sig tid för de anhöriga, varje gång."}


async def test_an_email_request_gives_the_trainee_no_link(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "trainee")
    made = await ask(client, headers)
    listed = (await client.get("/api/requests", headers=headers)).json()
    for view in (made, *listed):
        assert view["link"] is None and view["qr_svg"] is None
    qr = await client.get(f"/api/requests/{made['id']}/qr.svg", headers=headers)
    assert qr.status_code == 409 and qr.json()["reason"] == "no_qr"
    for step in ("remind", "renew"):
        answer = await client.post(f"/api/requests/{made['id']}/{step}", headers=headers)
        assert answer.status_code == 200 and answer.json()["link"] is None


async def test_a_360_rater_is_anonymous_towards_the_trainee_through_every_channel(
    client: AsyncTestClient, world: World, smtp: MailServer
) -> None:
    headers = await login(client, world, "trainee")
    bedside = await client.post("/api/requests", headers=headers, json={"form_id": "msf-rater", "channel": "bedside"})
    assert bedside.status_code == 400 and bedside.json()["reason"] == "anonymous_by_email"
    direct = await client.post("/api/assessments", headers=headers, json={"form_id": "msf-rater",
                                                                           "assessor_id": world.id("assessor")})
    assert direct.status_code == 400 and direct.json()["reason"] == "anonymous_by_email"
    made = await ask(client, headers, form_id="msf-rater")
    declining = await ask(client, headers, form_id="msf-rater", assessor_name="Dora Dekl",
                          assessor_email="dora@sjukhus.test")
    doc = made["assessment_id"]
    what_she_sees = ["/api/home", f"/api/trainees/{world.id('trainee')}", "/api/trainees"]
    before = [(await client.get(path, headers=headers)).json() for path in what_she_sees]

    # the rater answers by the e-mailed link, without an account; another rater declines with a reason
    client.cookies.clear()
    secret = await claimed_secret(client, token_of(await mailed_link(smtp, EXTERNAL["assessor_email"])))
    answer = await link_sync(client, secret, [mutation(1, "edit", doc, base_version=1,
                                                       fields={f"/{k}": v for k, v in RATER.items()}),
                                              mutation(2, "submit", doc), mutation(3, "sign", doc)])
    assert [r["status"] for r in answer.json()["results"]] == ["applied"] * 3
    declined = await client.post("/api/link/decline", headers=bearer(token_of(await mailed_link(smtp, "dora@sjukhus.test"))),
                                 json={"reason": "Jag har inte arbetat med Tove."})
    assert declined.status_code == 200

    headers = await login(client, world, "trainee")
    # her home, her page and her placements' numbers are exactly as before: no count moves with a rater
    assert [(await client.get(path, headers=headers)).json() for path in what_she_sees] == before
    seen = {r["id"]: r for r in (await client.get("/api/requests", headers=headers)).json()}
    for request in (made, declining):
        view = seen[request["id"]]
        assert view["link"] is None and view["status"] == "sent" and view["decline_reason"] is None
        assert view["opened_at"] is None and view["claimed"] is False
    pulled = (await client.post("/api/sync", headers=headers, json={"client_id": "tove-phone", "since": 0})).json()
    assert doc not in {c["doc_id"] for c in pulled["changes"]}
    for path in (f"/api/assessments/{doc}", f"/api/assessments/{doc}/audit"):
        assert (await client.get(path)).status_code == 404
    listed = (await client.get("/api/assessments")).text
    assert doc not in listed and RATER["strengths"] not in listed

    # nor by mail: no "X has signed" or "X declined" notice names a rater to the trainee
    for _ in range(2):
        await in_app(client, run_reminders, client.app.state.db, client.app.state.catalog, client.app.state.settings,
                     clock.now())
    queued = await in_app(client, client.app.state.db.fetch, "SELECT to_address, kind FROM mail_outbox")
    assert [m for m in queued if m["to_address"] == world.emails["trainee"]] == []
    assert {m["kind"] for m in queued} == {"request", "receipt"}

    # the HHL sees who answered (the round is released by them)
    await login(client, world, "main_supervisor")
    view = (await client.get(f"/api/assessments/{doc}")).json()
    assert view["data"]["strengths"] == RATER["strengths"]


async def test_renew_withdraw_remind_and_time_tell_the_trainee_nothing_about_a_rater(
    client: AsyncTestClient, world: World, smtp: MailServer
) -> None:
    headers = await login(client, world, "trainee")
    answered = await ask(client, headers, form_id="msf-rater")
    silent = await ask(client, headers, form_id="msf-rater", assessor_name="Sam Tyst", assessor_email="sam@sjukhus.test")
    client.cookies.clear()
    secret = await claimed_secret(client, token_of(await mailed_link(smtp, EXTERNAL["assessor_email"])),
                                  name="Erik Ek", title="Överläkare", workplace="Akuten", email="erik.ek@sjukhus.test")
    doc = answered["assessment_id"]
    await link_sync(client, secret, [mutation(1, "edit", doc, base_version=1, fields={f"/{k}": v for k, v in RATER.items()}),
                                     mutation(2, "submit", doc), mutation(3, "sign", doc)])

    headers = await login(client, world, "trainee")
    def shown(view: dict[str, Any]) -> tuple[Any, ...]:
        return (view["status"], view["assessor_name"], view["reminders_sent"], view["last_reminded_at"],
                view["opened_at"], view["claimed"], view["link"])

    for request in (answered, silent):
        renewed = await client.post(f"/api/requests/{request['id']}/renew", headers=headers)
        reminded = await client.post(f"/api/requests/{request['id']}/remind", headers=headers)
        assert (renewed.status_code, reminded.status_code) == (200, 200)
    views = {r["id"]: r for r in (await client.get("/api/requests", headers=headers)).json()}
    assert shown(views[answered["id"]]) == ("sent", "Erik Extern", 0, None, None, False, None)
    assert shown(views[silent["id"]]) == ("sent", "Sam Tyst", 0, None, None, False, None)
    queued = await in_app(client, client.app.state.db.fetch, "SELECT to_address FROM mail_outbox WHERE kind = 'reminder'")
    assert [m["to_address"] for m in queued] == ["sam@sjukhus.test"]  # the rater who answered is not pestered

    await in_app(client, client.app.state.db.transaction, _expire_all)
    views = {r["id"]: r for r in (await client.get("/api/requests", headers=headers)).json()}
    assert views[answered["id"]]["status"] == views[silent["id"]]["status"] == "sent"
    for request in (answered, silent):
        withdrawn = await client.post(f"/api/requests/{request['id']}/withdraw", headers=headers)
        assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


async def _expire_all(tx: Any) -> None:
    await tx.execute("UPDATE assessment_requests SET expires_at = ?", ("2020-01-01T00:00:00.000000Z",))
