"""Issue 11, what a review of the rounds found: the report is frozen when the round closes, a clinical
supervisor never reads a rater's answer, one round under way per trainee, extension reopens every
unsigned answer, real calendar days, the main supervisor's nominees are his own, reminders are
limited, a round has at most 40 raters, hidden comments are listed for supervisors, and odd ids are
refused without a 500."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from litestar.testing import AsyncTestClient

import server.clock
import tests.rounds_support as rounds_support
from tests.helpers import in_app
from tests.rounds_support import RATERS, answer_by_link, rater_answer, rater_links, start_round
from tests.world import World, login

moved_clock = rounds_support.moved_clock  # fixture: the server's clock, moved by the test


async def _sent(client: AsyncTestClient, world: World, raters: list[tuple[str, str, str]] | None = None) -> str:
    view = await start_round(client, world, raters=raters)
    sent = await client.post(f"/api/rounds/{view['id']}/send", headers=await login(client, world, "trainee"))
    assert sent.status_code == 200, sent.text
    return str(view["id"])


async def test_the_report_never_moves_after_the_round_closes(client: AsyncTestClient, world: World) -> None:
    """A rater with an account could sign late through her own login; comparing two reports would then
    give her whole answer. An answer counts only if signed before the round closed."""
    colleague = ("Asta Assessor", world.emails["assessor"], "underskoterska")
    round_id = await _sent(client, world, [*RATERS[:11], colleague])
    links = await rater_links(client, round_id)
    for _, email, _ in RATERS[:10]:
        await answer_by_link(client, *links[email], rater_answer(4))
    headers = await login(client, world, "main_supervisor")
    assert (await client.post(f"/api/rounds/{round_id}/close", headers=headers)).status_code == 200
    assert (await client.post(f"/api/rounds/{round_id}/release", headers=headers)).status_code == 200
    await login(client, world, "trainee")
    report, view = [(await client.get(p)).text for p in (f"/api/rounds/{round_id}/report", f"/api/rounds/{round_id}")]

    # Asta answers afterwards with her own login (her draft is in her list)
    asta = await login(client, world, "assessor")
    doc = links[world.emails["assessor"]][1]
    got = (await client.get(f"/api/assessments/{doc}")).json()
    await client.patch(f"/api/assessments/{doc}", headers=asta, json={
        "base_version": got["version"], "data": rater_answer(1, concern="allvarlig", strengths="Sent och unikt.")})
    for step in ("submit", "sign"):
        await client.post(f"/api/assessments/{doc}/{step}", headers=asta)

    await login(client, world, "trainee")
    assert (await client.get(f"/api/rounds/{round_id}/report")).text == report
    assert (await client.get(f"/api/rounds/{round_id}")).text == view


async def test_a_clinical_supervisor_never_reads_a_raters_answer(client: AsyncTestClient, world: World) -> None:
    round_id = await _sent(client, world)
    links = await rater_links(client, round_id)
    link, doc = links[RATERS[0][1]]
    await answer_by_link(client, link, doc, rater_answer(4, strengths="Bara för huvudhandledaren."))
    await login(client, world, "clinical_supervisor")
    assert (await client.get(f"/api/assessments/{doc}")).status_code == 404
    assert (await client.get(f"/api/assessments/{doc}/audit")).status_code == 404
    assert "Bara för huvudhandledaren." not in (await client.get("/api/assessments")).text
    pulled = await client.post("/api/sync", headers=await login(client, world, "clinical_supervisor"),
                               json={"client_id": "karins-phone", "since": 0})
    assert doc not in {c["doc_id"] for c in pulled.json()["changes"]}
    await login(client, world, "main_supervisor")
    assert (await client.get(f"/api/assessments/{doc}")).json()["data"]["strengths"] == "Bara för huvudhandledaren."


async def test_one_round_under_way_per_trainee(client: AsyncTestClient, world: World, moved_clock: Any) -> None:
    headers = await login(client, world, "main_supervisor")
    body = {"trainee_id": world.id("trainee")}
    answers = await asyncio.gather(*(client.post("/api/rounds", headers=headers, json=body) for _ in range(3)))
    assert sorted(a.status_code for a in answers) == [201, 409, 409]
    moved_clock(60)  # past its deadline, not released: still under way (it may be extended)
    late = await client.post("/api/rounds", headers=headers, json=body)
    assert late.status_code == 409 and late.json()["reason"] == "round_exists"
    rows = await in_app(client, client.app.state.db.fetch, "SELECT id FROM msf_rounds")
    assert len(rows) == 1


async def test_extending_reopens_every_unsigned_answer(client: AsyncTestClient, world: World, moved_clock: Any) -> None:
    round_id = await _sent(client, world)
    links = await rater_links(client, round_id)
    link, doc = links[RATERS[0][1]]
    # she fills in and submits, but has not signed when the round closes
    from tests.requests_support import claimed_secret, link_sync, mutation, token_of

    client.cookies.clear()
    secret = await claimed_secret(client, token_of(link))
    done = await link_sync(client, secret, client_id="0c0c0c0c-0000-4000-8000-000000000001", mutations=[
        mutation(1, "edit", doc, base_version=1, fields={f"/{k}": v for k, v in rater_answer(4).items()}),
        mutation(2, "submit", doc)])
    assert [r["status"] for r in done.json()["results"]] == ["applied", "applied"]
    moved_clock(46)
    headers = await login(client, world, "main_supervisor")
    day = (server.clock.today() + dt.timedelta(days=10)).isoformat()
    assert (await client.post(f"/api/rounds/{round_id}/extend", headers=headers, json={"deadline": day})).status_code == 200
    client.cookies.clear()
    signed = await link_sync(client, secret, client_id="0c0c0c0c-0000-4000-8000-000000000001",
                             mutations=[mutation(3, "sign", doc)])
    assert signed.status_code == 200 and signed.json()["results"][0]["status"] == "applied", signed.text
    reminders = await in_app(client, client.app.state.db.fetch,
                             "SELECT reminders_sent FROM assessment_requests WHERE round_id = ?", (round_id,))
    assert {r["reminders_sent"] for r in reminders} == {0}  # reminders start over with the new deadline


async def test_deadlines_are_days_of_the_calendar(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "main_supervisor")
    for day in ("2027-02-30", "2027-00-15", "2027-13-01"):
        refused = await client.post("/api/rounds", headers=headers, json={"trainee_id": world.id("trainee"), "deadline": day})
        assert refused.status_code == 400 and refused.json()["reason"] == "deadline_out_of_range", day
    round_id = await _sent(client, world)
    headers = await login(client, world, "main_supervisor")
    refused = await client.post(f"/api/rounds/{round_id}/extend", headers=headers, json={"deadline": "2027-02-30"})
    assert refused.status_code == 400


async def test_the_main_supervisors_nominees_are_his_own(client: AsyncTestClient, world: World) -> None:
    view = await start_round(client, world, raters=RATERS[:3])
    round_id = view["id"]
    headers = await login(client, world, "main_supervisor")
    added = await client.post(f"/api/rounds/{round_id}/raters", headers=headers,
                              json={"name": "Hemlig Kollega", "email": "hemlig@sjukhus.test", "group": "sjukskoterska"})
    hers = next(r for r in added.json()["raters"] if r["email"] == "hemlig@sjukhus.test")
    headers = await login(client, world, "trainee")
    mine = (await client.get(f"/api/rounds/{round_id}")).json()
    assert "Hemlig" not in str(mine) and mine["nominated_by_supervisor"] == 1 and len(mine["raters"]) == 3
    # she cannot remove him, nor learn by nominating the same address that he asked that person
    assert (await client.delete(f"/api/rounds/{round_id}/raters/{hers['id']}", headers=headers)).status_code == 404
    again = await client.post(f"/api/rounds/{round_id}/raters", headers=headers,
                              json={"name": "Hemlig", "email": "hemlig@sjukhus.test", "group": "sjukskoterska"})
    assert again.status_code == 201 and "Hemlig" not in again.text
    own = await client.post(f"/api/rounds/{round_id}/raters", headers=headers,
                            json={"name": "Sigrid", "email": RATERS[0][1], "group": "specialistlakare"})
    assert own.status_code == 409 and own.json()["reason"] == "rater_exists"  # her own: she knows


async def test_reminders_are_limited_and_a_round_has_at_most_40_raters(client: AsyncTestClient, world: World) -> None:
    round_id = await _sent(client, world)
    headers = await login(client, world, "main_supervisor")
    rater = (await client.get(f"/api/rounds/{round_id}")).json()["raters"][0]
    codes = [(await client.post(f"/api/rounds/{round_id}/raters/{rater['id']}/remind", headers=headers)).status_code
             for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    for n in range(40 - len(RATERS)):
        added = await client.post(f"/api/rounds/{round_id}/raters", headers=headers,
                                  json={"name": f"Kollega {n}", "email": f"k{n}@sjukhus.test", "group": "ovrig_personal"})
        assert added.status_code == 201, added.text
    over = await client.post(f"/api/rounds/{round_id}/raters", headers=headers,
                             json={"name": "En till", "email": "entill@sjukhus.test", "group": "ovrig_personal"})
    assert over.status_code == 409 and over.json()["reason"] == "too_many_raters"


async def test_supervisors_see_the_hidden_comments_and_odd_ids_are_refused(client: AsyncTestClient, world: World) -> None:
    round_id = await _sent(client, world)
    links = await rater_links(client, round_id)
    await answer_by_link(client, *links[RATERS[0][1]], rater_answer(4))
    headers = await login(client, world, "main_supervisor")
    doc = links[RATERS[0][1]][1]
    await client.post(f"/api/rounds/{round_id}/hidden", headers=headers,
                      json={"assessment_id": doc, "field": "strengths", "reason": "Namnger en patient."})
    hidden = (await client.get(f"/api/rounds/{round_id}")).json()["hidden"]
    assert [(h["assessment_id"], h["field"], h["reason"], h["hidden_by"]) for h in hidden] == [
        (doc, "strengths", "Namnger en patient.", world.names["main_supervisor"])]
    await login(client, world, "trainee")
    assert (await client.get(f"/api/rounds/{round_id}")).json()["hidden"] is None
    for path in ("/api/rounds/%00", "/api/rounds/abc", f"/api/rounds/{round_id}/raters/%00/remind"):
        answer = await (client.get(path) if "remind" not in path else client.post(path, headers=headers))
        assert answer.status_code in (400, 403, 404), (path, answer.status_code)
