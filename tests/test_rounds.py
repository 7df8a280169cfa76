"""Issue 11: a 360 round through the API, on a controlled clock. Who starts it, nominating, sending the
requests, live status, validity (the total and each group's minimum), closing at the deadline or by
the main supervisor, extending, hiding a comment, release and the report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar.testing import AsyncTestClient

import server.clock
import tests.rounds_support as rounds_support
from tests.helpers import in_app
from tests.requests_support import bearer, token_of
from tests.rounds_support import RATERS, answer_by_link, rater_answer, rater_links, start_round
from tests.world import World, login

moved_clock = rounds_support.moved_clock  # fixture: the server's clock, moved by the test


async def sent_round(client: AsyncTestClient, world: World, **body: Any) -> dict[str, Any]:
    view = await start_round(client, world, **body)
    headers = await login(client, world, "trainee")
    sent = await client.post(f"/api/rounds/{view['id']}/send", headers=headers)
    assert sent.status_code == 200, sent.text
    return sent.json()


async def test_the_main_supervisor_starts_a_round_with_the_defaults(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "trainee")
    own = await client.post("/api/rounds", headers=headers, json={})
    assert own.status_code == 403 and own.json()["reason"] == "round_by_supervisor"  # the unit's default
    headers = await login(client, world, "other_main_supervisor")
    other = await client.post("/api/rounds", headers=headers, json={"trainee_id": world.id("trainee")})
    assert other.status_code == 403 and other.json()["reason"] == "not_main_supervisor"

    headers = await login(client, world, "main_supervisor")
    made = await client.post("/api/rounds", headers=headers, json={"trainee_id": world.id("trainee")})
    assert made.status_code == 201, made.text
    view = made.json()
    assert view["status"] == "nominating" and view["min_total"] == 10
    assert view["group_minimums"]["specialistlakare"] == 2 and view["advised_nominations"] == [15, 20]
    deadline = dt.datetime.strptime(view["deadline"][:10], "%Y-%m-%d").date()
    assert (deadline - server.clock.today()).days in (44, 45)  # 45 days, the end of that Swedish day in UTC
    again = await client.post("/api/rounds", headers=headers, json={"trainee_id": world.id("trainee")})
    assert again.status_code == 409 and again.json()["reason"] == "round_exists"
    for bad, reason in (({"deadline": "2020-01-01"}, "deadline_out_of_range"),
                        ({"group_minimums": {"kirurg": 2}}, "unknown_group"),
                        ({"min_total": 3, "group_minimums": {"specialistlakare": 4}}, "minimums_exceed_total")):
        refused = await client.post("/api/rounds", headers=headers, json={"trainee_id": world.id("trainee"), **bad})
        assert refused.status_code == 400 and refused.json()["reason"] == reason, refused.text
    refused = await client.post("/api/rounds", headers=headers, json={"trainee_id": world.id("trainee"), "min_total": 2})
    assert refused.status_code == 400  # at least three: never a report of one or two


async def test_a_unit_lets_its_trainees_start_their_own_round(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "trainee")
    before = (await client.get("/api/rounds/settings")).json()
    assert before["may_start"] is False and before["min_total"] == 10 and before["deadline_days"] == 45
    # the unit's studierektor changes its round settings (each with its default shown)
    sr = await login(client, world, "studierektor")
    url = f"/api/units/{world.units['own']}/round-rules"
    shown = (await client.get(url)).json()
    assert shown["defaults"]["trainee_may_open"] is False and shown["defaults"]["min_specialistlakare"] == 2
    for bad, reason in (({"trainee_may_open": "ja"}, "invalid_setting"), ({"min_total": 2}, "invalid_setting"),
                        ({"deadline_days": 500}, "invalid_setting"), ({"kaffe": 1}, "unknown_setting")):
        refused = await client.put(url, headers=sr, json=bad)
        assert refused.status_code == 400 and refused.json()["reason"] == reason, bad
    changed = await client.put(url, headers=sr, json={"trainee_may_open": True, "min_total": 12})
    assert changed.json()["rules"]["trainee_may_open"] is True and changed.json()["rules"]["min_total"] == 12
    headers = await login(client, world, "trainee")
    assert (await client.get("/api/rounds/settings")).json()["may_start"] is True
    made = await client.post("/api/rounds", headers=headers, json={})
    assert made.status_code == 201 and made.json()["trainee_id"] == world.id("trainee")
    assert made.json()["min_total"] == 12  # the unit's setting
    sr = await login(client, world, "studierektor")
    back = await client.put(url, headers=sr, json={"min_total": None})
    assert back.json()["rules"]["min_total"] == 10


async def test_nominating_and_sending(client: AsyncTestClient, world: World) -> None:
    view = await start_round(client, world, raters=RATERS[:9])
    round_id = view["id"]
    assert view["nominated"] == 9 and [r["name"] for r in view["raters"]] == [r[0] for r in RATERS[:9]]
    headers = await login(client, world, "trainee")
    for body, reason in (({"name": "Ny", "email": "inte-en-adress", "group": "sjukskoterska"}, "invalid_email"),
                         ({"name": "Ny", "email": "ny@sjukhus.test", "group": "kirurg"}, "unknown_group"),
                         ({"name": "Sigrid", "email": "SIGRID@sjukhus.test", "group": "specialistlakare"}, "rater_exists"),
                         ({"name": "Jag", "email": world.emails["trainee"], "group": "specialistlakare"}, "own_assessment")):
        refused = await client.post(f"/api/rounds/{round_id}/raters", headers=headers, json=body)
        assert refused.status_code in (400, 409) and refused.json()["reason"] == reason, refused.text
    too_few = await client.post(f"/api/rounds/{round_id}/send", headers=headers)
    assert too_few.status_code == 409 and too_few.json()["reason"] == "too_few_raters"

    # the main supervisor adds one and removes one until the requests go out
    headers = await login(client, world, "main_supervisor")
    added = await client.post(f"/api/rounds/{round_id}/raters", headers=headers,
                              json={"name": "Olga Sekreterare", "email": "olga@sjukhus.test", "group": "ovrig_personal"})
    rater = next(r for r in added.json()["raters"] if r["email"] == "nora@sjukhus.test")
    removed = await client.delete(f"/api/rounds/{round_id}/raters/{rater['id']}", headers=headers)
    assert removed.status_code == 200 and removed.json()["nominated"] == 9
    headers = await login(client, world, "trainee")
    for name, email, group in RATERS[9:]:
        await client.post(f"/api/rounds/{round_id}/raters", headers=headers, json={"name": name, "email": email, "group": group})
    sent = await client.post(f"/api/rounds/{round_id}/send", headers=headers)
    assert sent.status_code == 200 and sent.json()["status"] == "open"
    assert sent.json()["raters"] is None  # from now on she sees totals, no names
    assert [t["nominated"] for t in sent.json()["totals"]] == [2, 3, 2, 2, 2]  # Olga was added once
    links = await rater_links(client, round_id)
    assert len(links) == 11
    queued = await in_app(client, client.app.state.db.fetch, "SELECT to_address, subject FROM mail_outbox")
    assert sorted(m["to_address"] for m in queued) == sorted(links)
    assert all("360" in m["subject"] for m in queued)
    again = await client.post(f"/api/rounds/{round_id}/send", headers=headers)
    assert again.status_code == 409 and again.json()["reason"] == "round_sent"
    gone = await client.delete(f"/api/rounds/{round_id}/raters/{rater['id']}", headers=headers)
    assert gone.status_code == 409


async def test_live_status_validity_close_release_and_the_report(client: AsyncTestClient, world: World) -> None:
    view = await sent_round(client, world)
    round_id = view["id"]
    links = await rater_links(client, round_id)
    scores = iter([4, 5, 3, 4, 4, 5, 4, 3, 4, 5])
    answering = [email for _, email, _ in RATERS][:10]
    concern = "nora@sjukhus.test"
    for email in answering:
        link, doc = links[email]
        await answer_by_link(client, link, doc, rater_answer(next(scores), concern="viss" if email == concern else "inga"))
    declined = await client.post("/api/link/decline", headers=bearer(token_of(links["otto@sjukhus.test"][0])),
                                 json={"reason": "Har inte arbetat med hen."})
    assert declined.status_code == 200

    # the main supervisor: every rater by name and what they did; the concern at once, before closing
    headers = await login(client, world, "main_supervisor")
    live = (await client.get(f"/api/rounds/{round_id}")).json()
    states = {r["email"]: r["state"] for r in live["raters"]}
    assert states["otto@sjukhus.test"] == "declined" and states["olga@sjukhus.test"] == "sent"
    assert sum(s == "answered" for s in states.values()) == 10
    assert live["concerns"] == 1 and live["confidential"] is True
    assert next(r for r in live["raters"] if r["email"] == concern)["concern"] == "viss"
    assert live["valid"] is None and "release" not in live["can"]
    waiting = {(w["kind"], w["round_id"]) for w in (await client.get("/api/home")).json()["waiting"]}
    assert ("round_concern", round_id) in waiting and ("round_review", round_id) not in waiting  # at once
    early = await client.post(f"/api/rounds/{round_id}/release", headers=headers)
    assert early.status_code == 409 and early.json()["reason"] == "round_not_closed"
    reminded = await client.post(f"/api/rounds/{round_id}/raters/{live['raters'][10]['id']}/remind", headers=headers)
    assert reminded.status_code == 200
    done = next(r for r in live["raters"] if r["state"] == "answered")
    nothing = await client.post(f"/api/rounds/{round_id}/raters/{done['id']}/remind", headers=headers)
    assert nothing.status_code == 409 and nothing.json()["reason"] == "rater_done"

    # the trainee: totals per group, never a name
    headers_t = await login(client, world, "trainee")
    mine = (await client.get(f"/api/rounds/{round_id}")).json()
    assert mine["raters"] is None and mine["concerns"] is None and mine["answered"] == 10
    assert {t["group"]: t["answered"] for t in mine["totals"]}["specialistlakare"] == 2
    not_yet = await client.get(f"/api/rounds/{round_id}/report")
    assert not_yet.status_code == 409 and not_yet.json()["reason"] == "round_not_released"
    for action in ("close", "release"):
        refused = await client.post(f"/api/rounds/{round_id}/{action}", headers=headers_t)
        assert refused.status_code == 403, action

    headers = await login(client, world, "main_supervisor")
    closed = await client.post(f"/api/rounds/{round_id}/close", headers=headers)
    assert closed.json()["status"] == "closed" and closed.json()["valid"] is True and "release" in closed.json()["can"]
    waiting = {(w["kind"], w["round_id"]) for w in (await client.get("/api/home")).json()["waiting"]}
    assert ("round_review", round_id) in waiting
    late = await client.post("/api/link/claim", headers=bearer(token_of(links["olga@sjukhus.test"][0])),
                             json={"device_key": "0" * 32, "name": "Olga", "title": "Sekreterare", "workplace": "Avd 3",
                                   "email": "olga@sjukhus.test"})
    assert late.status_code == 410  # the links stop with the round
    preview = (await client.get(f"/api/rounds/{round_id}/report")).json()
    hide = {"assessment_id": links[concern][1], "field": "strengths", "reason": "Pekar ut en patient."}
    hidden = await client.post(f"/api/rounds/{round_id}/hidden", headers=headers, json=hide)
    assert hidden.status_code == 200
    released = await client.post(f"/api/rounds/{round_id}/release", headers=headers)
    assert released.status_code == 200 and released.json()["status"] == "released"
    refused = await client.post(f"/api/rounds/{round_id}/hidden", headers=headers, json=hide | {"field": "development_areas"})
    assert refused.status_code == 409 and refused.json()["reason"] == "round_released"
    events = await in_app(client, client.app.state.db.fetch,
                          "SELECT action, actor_id, detail FROM msf_round_events WHERE round_id = ? ORDER BY id", (round_id,))
    hid = next(e for e in events if e["action"] == "hid")
    assert hid["actor_id"] == world.id("main_supervisor") and "Pekar ut" in hid["detail"]
    assert [e["action"] for e in events][-3:] == ["closed", "hid", "released"]

    assert not [w for w in (await client.get("/api/home")).json()["waiting"] if w["round_id"]]  # released: done
    await login(client, world, "trainee")
    report = (await client.get(f"/api/rounds/{round_id}/report")).json()
    assert report["answers"] == 10 and report["concerns"] == {"inga": 9, "viss": 1, "allvarlig": 0}
    assert all(g["answers"] >= 3 for g in report["groups"])
    assert sum(g["answers"] for g in report["groups"]) == 10  # no group left to work out by subtraction
    shown = {g["group"]: g["made_of"] for g in report["groups"]}
    assert "specialistlakare" not in shown and "ovriga" in shown  # 2 specialists never shown alone
    item = report["items"][0]
    assert item["overall"]["median"] == 4.0 and sum(item["overall"]["counts"].values()) == 10
    assert len(report["comments"]["strengths"]) == len(preview["comments"]["strengths"]) - 1 == 9
    assert len(report["comments"]["concern_comment"]) == 1
    agreed = await client.put(f"/api/rounds/{round_id}/agreed", headers=await login(client, world, "trainee"),
                              json={"text": "Överlämning vid varje skiftbyte."})
    assert agreed.status_code == 200 and agreed.json()["agreed_points"] == "Överlämning vid varje skiftbyte."


async def test_an_invalid_round_says_which_rule_failed_and_is_extended(client: AsyncTestClient, world: World,
                                                                        moved_clock: Any) -> None:
    view = await sent_round(client, world)
    round_id = view["id"]
    links = await rater_links(client, round_id)
    # ten answers, but only one specialist
    for email in [e for _, e, _ in RATERS if e != "stefan@sjukhus.test"][:10]:
        link, doc = links[email]
        await answer_by_link(client, link, doc, rater_answer(4))
    moved_clock(46)  # past the deadline: the round is closed without anyone closing it
    headers = await login(client, world, "main_supervisor")
    closed = (await client.get(f"/api/rounds/{round_id}")).json()
    assert closed["status"] == "closed" and closed["valid"] is False
    assert [(f["rule"], f["group"], f["needed"], f["got"]) for f in closed["failures"]] == [
        ("min_group", "specialistlakare", 2, 1)]
    refused = await client.post(f"/api/rounds/{round_id}/release", headers=headers)
    assert refused.status_code == 409 and refused.json()["reason"] == "round_invalid"
    expired = await client.post("/api/link/claim", headers=bearer(token_of(links["stefan@sjukhus.test"][0])),
                                json={"device_key": "1" * 32, "name": "Stefan", "title": "Överläkare",
                                      "workplace": "Akuten", "email": "stefan@sjukhus.test"})
    assert expired.status_code == 410

    new_day = (server.clock.today() + dt.timedelta(days=14)).isoformat()
    extended = await client.post(f"/api/rounds/{round_id}/extend", headers=headers, json={"deadline": new_day})
    assert extended.status_code == 200 and extended.json()["status"] == "open"
    link, doc = links["stefan@sjukhus.test"]
    await answer_by_link(client, link, doc, rater_answer(5))
    headers = await login(client, world, "main_supervisor")
    closed = await client.post(f"/api/rounds/{round_id}/close", headers=headers)
    assert closed.json()["valid"] is True and closed.json()["failures"] == []
    assert (await client.post(f"/api/rounds/{round_id}/release", headers=headers)).status_code == 200
