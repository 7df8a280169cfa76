"""Issue 8, item 2: a trainee never receives a token or link for anything she is not the actor of.
E-mail requests and 360 raters get their links by e-mail only. Issue 11: a 360 rater is asked through
the trainee's round, and who answered, what and when reaches the trainee through no channel."""

from __future__ import annotations

import asyncio

import json
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

import tests.requests_support as support
from server.settings import REPO_ROOT
from tests.helpers import in_app
from tests.mail_support import MailServer, body
from tests.requests_support import EXTERNAL, ask, bearer, mailed_link, token_of
from tests.rounds_support import RATERS, answer_by_link, rater_answer, rater_links, start_round
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


async def _her_channels(client: AsyncTestClient, world: World, round_id: str) -> dict[str, str]:
    """Everything the trainee can read about her round and her assessments, as the texts she receives."""
    await login(client, world, "trainee")
    texts = {path: (await client.get(path)).text for path in (
        "/api/home", f"/api/trainees/{world.id('trainee')}", "/api/trainees", "/api/requests", "/api/assessments",
        "/api/rounds", f"/api/rounds/{round_id}", f"/api/rounds/{round_id}/report")}
    pulled = await client.post("/api/sync", headers=await login(client, world, "trainee"),
                               json={"client_id": "tove-phone", "since": 0})
    texts["sync"] = pulled.text
    return texts


async def test_a_360_rater_is_anonymous_towards_the_trainee_through_every_channel(
    client: AsyncTestClient, world: World, smtp: MailServer
) -> None:
    """Issue 11, acceptance 1: the trainee against every channel she has, before and after ten raters
    answered (one with a concern), one declined and the report was released."""
    headers = await login(client, world, "trainee")
    for channel in ("bedside", "email"):  # a rater is asked through a round, never alone
        alone = await client.post("/api/requests", headers=headers, json={"form_id": "msf-rater", "channel": channel,
                                                                          **EXTERNAL})
        assert alone.status_code == 400 and alone.json()["reason"] == "round_only"
    direct = await client.post("/api/assessments", headers=headers, json={"form_id": "msf-rater",
                                                                           "assessor_id": world.id("assessor")})
    assert direct.status_code == 400 and direct.json()["reason"] == "anonymous_by_email"
    view = await start_round(client, world)
    sent = await client.post(f"/api/rounds/{view['id']}/send", headers=await login(client, world, "trainee"))
    assert sent.status_code == 200
    round_id = view["id"]
    before = await _her_channels(client, world, round_id)
    links = await rater_links(client, round_id)
    # the first rater opens the link the real SMTP server delivered; the others the links the server made
    mailed = await mailed_link(smtp, RATERS[0][1], "360", count=len(RATERS))
    assert token_of(mailed) == token_of(links[RATERS[0][1]][0])
    order = [email for _, email, _ in RATERS][:10]
    for n, email in enumerate(order):
        await answer_by_link(client, *links[email], rater_answer(3 + n % 3, concern="allvarlig" if n == 4 else "inga",
                                                                 strengths=f"Styrka nummer {n}."))
    declined = await client.post("/api/link/decline", headers=bearer(token_of(links[RATERS[11][1]][0])),
                                 json={"reason": "Jag har inte arbetat med Tove."})
    assert declined.status_code == 200
    during = await _her_channels(client, world, round_id)
    # nothing but the totals moved: her home, her page, her lists and her sync feed are as before
    for path in before:
        if path not in (f"/api/rounds/{round_id}", "/api/rounds"):
            assert during[path] == before[path], path
    mine = json.loads(during[f"/api/rounds/{round_id}"])
    assert mine["answered"] == 10 and mine["raters"] is None and mine["concerns"] is None

    headers = await login(client, world, "main_supervisor")
    assert (await client.post(f"/api/rounds/{round_id}/close", headers=headers)).status_code == 200
    assert (await client.post(f"/api/rounds/{round_id}/release", headers=headers)).status_code == 200
    client.app.state.mail_job.wake()
    await smtp.wait_for(len(RATERS) + 1 + 10)  # the requests, the release notice, the receipts
    after = await _her_channels(client, world, round_id)

    rows = await in_app(client, client.app.state.db.fetch,
                        """SELECT x.name, x.email, r.id AS request_id, r.token_nonce, a.id AS doc_id, a.signed_at,
                                  a.updated_at FROM msf_round_raters x JOIN assessment_requests r ON r.id = x.request_id
                           JOIN assessments a ON a.id = r.assessment_id WHERE x.round_id = ?""", (round_id,))
    secrets_of_raters = {v for r in rows for v in (r["email"], r["request_id"], r["token_nonce"], r["doc_id"],
                                                   r["signed_at"], r["updated_at"]) if v}
    secrets_of_raters |= {r["name"] for r in rows} | {"Jag har inte arbetat med Tove."}
    for state in (during, after):
        for path, text in state.items():
            leaked = sorted(v for v in secrets_of_raters if v in text)
            assert not leaked, (path, leaked)
    # her mail: only that the report is released, naming nobody
    for _ in range(200):  # the count above may be reached by other mails before hers is delivered
        if smtp.to(world.emails["trainee"]):
            break
        await asyncio.sleep(0.05)
    hers = smtp.to(world.emails["trainee"])
    assert [m["Subject"] for m in hers] == ["Din 360-sammanställning är klar"]
    assert not [v for v in secrets_of_raters if v in body(hers[0])]
    report = json.loads(after[f"/api/rounds/{round_id}/report"])
    assert report["answers"] == 10 and report["concerns"]["allvarlig"] == 1
    assert all(g["answers"] >= 3 for g in report["groups"]) and "specialistlakare" not in {g["group"] for g in report["groups"]}
    shown = report["comments"]["strengths"]
    assert sorted(shown) == sorted(f"Styrka nummer {n}." for n in range(10))
    assert shown != [f"Styrka nummer {n}." for n in range(10)]  # not in the order they answered
    again = (await client.get(f"/api/rounds/{round_id}/report")).json()
    assert again["comments"] == report["comments"]  # the same order every time


async def test_the_trainee_cannot_touch_a_round_request(client: AsyncTestClient, world: World) -> None:
    """Her round's requests are the round's: she never lists, renews, reminds or withdraws one."""
    view = await start_round(client, world)
    headers = await login(client, world, "trainee")
    assert (await client.post(f"/api/rounds/{view['id']}/send", headers=headers)).status_code == 200
    links = await rater_links(client, view["id"])
    requests = await in_app(client, client.app.state.db.fetch, "SELECT id FROM assessment_requests WHERE round_id = ?",
                            (view["id"],))
    assert len(requests) == len(links) == len(RATERS)
    headers = await login(client, world, "trainee")
    assert (await client.get("/api/requests")).json() == []
    for r in requests:
        for step in ("renew", "remind", "withdraw"):
            answer = await client.post(f"/api/requests/{r['id']}/{step}", headers=headers)
            assert answer.status_code == 404, (step, answer.text)
    reminders = await in_app(client, client.app.state.db.fetch, "SELECT id FROM mail_outbox WHERE kind = 'reminder'")
    assert reminders == []


async def _expire_all(tx: Any) -> None:
    await tx.execute("UPDATE assessment_requests SET expires_at = ?", ("2020-01-01T00:00:00.000000Z",))
