"""Asking a colleague: the request e-mail arrives at a real SMTP server with a working link; the
assessor answers through the link without an account; the trainee sees each status and can remind,
renew and withdraw."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from server.requests import clock
from server.requests.reminders import run_reminders
from tests.helpers import MINI_CEX_COMPLETE, in_app
from tests.mail_support import MailServer, body
from tests.requests_support import (
    BASE_URL,
    EXTERNAL,
    ME,
    ask,
    bearer,
    claimed_secret,
    link_sync,
    mailed_link,
    mutation,
    token_of,
)
import tests.requests_support as support
from tests.world import World, login

settings, smtp = support.settings, support.smtp  # fixtures: real SMTP, no demo mode


async def wake_mail_job(client: AsyncTestClient) -> None:
    client.app.state.mail_job.wake()


async def status_of(client: AsyncTestClient, headers: dict[str, str], request_id: str) -> str:
    response = await client.get("/api/requests", headers=headers)
    assert response.status_code == 200, response.text
    return next(r["status"] for r in response.json() if r["id"] == request_id)


async def test_the_request_mail_arrives_with_a_link_that_opens_the_assessment(
    client: AsyncTestClient, world: World, smtp: MailServer
) -> None:
    headers = await login(client, world, "trainee")
    request = await ask(client, headers, placement_id=world.placements["placement"], message="Gärna idag på avd 12.")
    assert request["status"] == "sent"
    assert request["link"] is None and request["qr_svg"] is None  # the link goes to the assessor only
    (mail,) = await smtp.wait_for(1)
    assert mail["To"] == EXTERNAL["assessor_email"] and "Tove Trainee ber om en bedömning" in mail["Subject"]
    text = body(mail)
    link = await mailed_link(smtp, EXTERNAL["assessor_email"])
    assert link.startswith(f"{BASE_URL}/#/svar/") and "Gärna idag på avd 12." in text

    client.cookies.clear()  # the assessor's phone, not the trainee's
    opened = await client.get("/api/link", headers=bearer(token_of(link)))
    assert opened.status_code == 200, opened.text
    info = opened.json()
    assert info["doc_id"] == request["assessment_id"] and info["trainee_name"] == "Tove Trainee"
    assert info["form_id"] == "mini-cex" and info["placement"] == "Internmedicin, Medicinkliniken Testsjukhuset"
    await login(client, world, "trainee")
    assert await status_of(client, headers, request["id"]) == "opened"


async def test_the_assessor_fills_and_signs_through_the_link_and_the_trainee_sees_it_completed(
    client: AsyncTestClient, world: World, smtp: MailServer
) -> None:
    headers = await login(client, world, "trainee")
    request = await ask(client, headers)
    doc = request["assessment_id"]
    client.cookies.clear()  # the assessor has no account and no session
    token = await claimed_secret(client, token_of(await mailed_link(smtp, EXTERNAL["assessor_email"])), **ME)

    pull = await link_sync(client, token, [])
    assert pull.status_code == 200, pull.text
    assert [c["doc_id"] for c in pull.json()["changes"]] == [doc]  # only their one assessment

    named = await client.post("/api/link/assessor", headers=bearer(token), json={"workplace": "Akuten"})
    assert named.status_code == 200 and named.json()["missing_for_signature"] == [], named.text
    answer = await link_sync(client, token, [
        mutation(1, "edit", doc, base_version=1, fields={f"/{k}": v for k, v in MINI_CEX_COMPLETE.items()}),
        mutation(2, "submit", doc), mutation(3, "sign", doc)])
    assert answer.status_code == 200, answer.text
    assert [r["status"] for r in answer.json()["results"]] == ["applied", "applied", "applied"]
    change = answer.json()["changes"][-1]
    assert change["status"] == "signed" and change["assessor_name"] == "Erik Ek"
    assert change["signed_by"] == f"request:{request['id']}"

    headers = await login(client, world, "trainee")
    assert await status_of(client, headers, request["id"]) == "completed"
    view = (await client.get(f"/api/assessments/{doc}", headers=headers)).json()
    assert view["status"] == "signed" and view["data"] == MINI_CEX_COMPLETE

    # the trainee is told, once (the mail job may have queued the notice already, woken by the signature)
    for _ in range(2):
        await in_app(client, run_reminders, client.app.state.db, client.app.state.catalog,
                     client.app.state.settings, clock.now())
    await in_app(client, wake_mail_job, client)
    await smtp.wait_for(4)  # the request, the assessor's receipt to the given and the invited address, the notice
    notice = smtp.to(world.emails["trainee"])
    assert len(notice) == 1 and "Erik Ek har signerat din Mini-CEX" in notice[0]["Subject"]

    client.cookies.clear()
    thanks = await client.get("/api/link", headers=bearer(token))
    assert thanks.status_code == 200 and thanks.json()["status"] == "completed"


async def test_a_bedside_request_needs_no_email_and_sends_none(
    client: AsyncTestClient, world: World, smtp: MailServer
) -> None:
    headers = await login(client, world, "trainee")
    response = await client.post("/api/requests", headers=headers, json={"form_id": "mini-cex", "channel": "bedside"})
    assert response.status_code == 201, response.text
    request = response.json()
    assert request["assessor_name"] == "Bedömare vid patienten" and request["qr_svg"].startswith("<svg")
    qr = await client.get(f"/api/requests/{request['id']}/qr.svg", headers=headers)
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    remind = await client.post(f"/api/requests/{request['id']}/remind", headers=headers)
    assert remind.status_code == 409 and "QR" in remind.json()["detail"]
    assert smtp.messages == []


async def test_remind_renew_and_withdraw(client: AsyncTestClient, world: World, smtp: MailServer) -> None:
    headers = await login(client, world, "trainee")
    request = await ask(client, headers)
    link = await mailed_link(smtp, EXTERNAL["assessor_email"])
    reminded = await client.post(f"/api/requests/{request['id']}/remind", headers=headers)
    assert reminded.status_code == 200, reminded.text
    assert await mailed_link(smtp, EXTERNAL["assessor_email"], "Påminnelse", count=2) == link
    for _ in range(2):
        assert (await client.post(f"/api/requests/{request['id']}/remind", headers=headers)).status_code == 200
    limited = await client.post(f"/api/requests/{request['id']}/remind", headers=headers)
    assert limited.status_code == 429

    renewed = await client.post(f"/api/requests/{request['id']}/renew", headers=headers)
    assert renewed.status_code == 200 and renewed.json()["expires_at"] >= request["expires_at"]
    assert renewed.json()["link"] is None  # still only in the assessor's mail, where the same link keeps working
    withdrawn = await client.post(f"/api/requests/{request['id']}/withdraw", headers=headers)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    again = await client.post(f"/api/requests/{request['id']}/renew", headers=headers)
    assert again.status_code == 409


async def test_the_assessor_may_decline_and_the_trainee_is_told_why(
    client: AsyncTestClient, world: World, smtp: MailServer
) -> None:
    headers = await login(client, world, "trainee")
    await ask(client, headers)
    token = token_of(await mailed_link(smtp, EXTERNAL["assessor_email"]))
    client.cookies.clear()
    declined = await client.post("/api/link/decline", headers=bearer(token), json={"reason": "Jag är på semester."})
    assert declined.status_code == 200, declined.text
    await smtp.wait_for(2)
    (notice,) = smtp.to(world.emails["trainee"])
    assert "avböjde" in notice["Subject"] and "Jag är på semester." in body(notice)
    await login(client, world, "trainee")
    response = await client.get("/api/requests", headers=headers)
    (mine,) = response.json()
    assert mine["status"] == "declined" and mine["decline_reason"] == "Jag är på semester."


async def test_an_assessor_with_an_account_sees_requests_to_them(
    client: AsyncTestClient, world: World, smtp: MailServer
) -> None:
    headers = await login(client, world, "trainee")
    request = await ask(client, headers, assessor_name="Asta Assessor", assessor_email=world.emails["assessor"])
    assessor = await login(client, world, "assessor")
    (mine,) = (await client.get("/api/requests/to-me", headers=assessor)).json()
    assert mine["id"] == request["id"] and mine["link"] is None  # she answers with her own login


async def test_bad_requests_are_refused_with_a_message(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "trainee")
    cases = [
        ({"form_id": "nope"}, 400, "Unknown form"),
        ({"form_id": "mini-cex", "channel": "email", "assessor_name": "Erik"}, 400, "e-mail address"),
        ({"form_id": "mini-cex", "assessor_email": "not-an-address", "assessor_name": "E"}, 400, "not an e-mail"),
        ({"form_id": "mini-cex", "channel": "pigeon"}, 400, "channel"),
        ({"form_id": "mini-cex", **EXTERNAL, "message": "Patient 19121212-1212"}, 400, "message"),
    ]
    for payload, status, text in cases:
        response = await client.post("/api/requests", headers=headers, json=payload)
        assert response.status_code == status and text in response.json()["detail"], (payload, response.text)
    assessor = await login(client, world, "assessor")
    response = await client.post("/api/requests", headers=assessor, json={"form_id": "mini-cex", **EXTERNAL})
    assert response.status_code == 403
