"""Issue 14: ``GET /api/me/export`` holds every table's rows for the signed-in person and nothing of anyone
else's, checked against direct queries of the database (on both engines); an administrator makes the
same for a person who asked in writing, and that is logged."""

from __future__ import annotations

import json
from typing import Any

from litestar.testing import AsyncTestClient

from tests import test_overview_flags as overview
from tests.helpers import in_app
from tests.rounds_support import RATERS, answer_by_link, rater_answer, rater_links
from tests.test_iup import signed_iup
from tests.test_portfolio_pdfs import PRIVATE_WORDS, evidence
from tests.test_rounds import sent_round
from tests.world import World, login

on_day = overview.on_day


async def query(client: AsyncTestClient, sql: str, *params: Any) -> list[dict[str, Any]]:
    return await in_app(client, client.app.state.db.fetch, sql, params)


async def someone_elses(client: AsyncTestClient, world: World) -> list[str]:
    """Olle's signed Mini-CEX and IUP-free world: what must never be in Tove's export."""
    olle = await login(client, world, "other_trainee")
    made = await client.post("/api/assessments", headers=olle, json={
        "form_id": "mini-cex", "form_version": 1, "assessor_id": world.id("other_assessor"), "observed_on": "2026-02-03",
        "placement_id": world.placements["other_placement"], "data": {"focus": "Olles hemliga fokus"}})
    assert made.status_code == 201, made.text
    return [made.json()["doc_id"]]


async def test_the_export_has_every_row_of_hers_and_nothing_of_anyone_elses(client: AsyncTestClient, world: World,
                                                                            on_day: Any) -> None:
    round_view = await sent_round(client, world)
    links = await rater_links(client, round_view["id"])
    for _, email, _ in RATERS[:10]:
        await answer_by_link(client, *links[email], rater_answer(4, strengths="Rater-kommentar om Tove."))
    hanna = await login(client, world, "main_supervisor")
    for step in ("close", "release"):
        done = await client.post(f"/api/rounds/{round_view['id']}/{step}", headers=hanna)
        assert done.status_code == 200, done.text

    on_day("2026-07-15")  # after the round (its answers are timed by the real clock)
    await evidence(client, world)
    others = await someone_elses(client, world)
    await login(client, world, "trainee")
    answer = await client.get("/api/me/export")
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    export = answer.json()
    tove = world.id("trainee")
    assert export["person"]["email"] == world.emails["trainee"] and "password_hash" not in export["person"]

    def ids(key: str, column: str = "id") -> set[Any]:
        return {row[column] for row in export[key]}

    hidden = tuple(r["form_id"] for r in await query(client, "SELECT DISTINCT form_id FROM assessments WHERE form_id = 'msf-rater'"))
    assert hidden, "the round's rater answers are in the database"
    mine = await query(client, "SELECT id FROM assessments WHERE trainee_id = ? AND form_id <> 'msf-rater'", tove)
    assert ids("assessments") == {r["id"] for r in mine} and len(mine) >= 6
    assert {a["kind"] for a in export["assessments"]} >= {"assessment", "slutbedomning", "iup", "handledning"}
    events = await query(client, """SELECT e.id FROM audit_events e JOIN assessments a ON a.id = e.assessment_id
                                    WHERE a.trainee_id = ? AND a.form_id <> 'msf-rater'""", tove)
    assert {e["id"] for a in export["assessments"] for e in a["history"]} == {e["id"] for e in events}
    assert ids("programmes") == {r["id"] for r in await query(client, "SELECT id FROM programmes WHERE trainee_id = ?", tove)}
    assert ids("placements") == {r["id"] for r in await query(
        client, "SELECT pl.id FROM placements pl JOIN programmes p ON p.id = pl.programme_id WHERE p.trainee_id = ?", tove)}
    assert ids("requests") == {r["id"] for r in await query(
        client, "SELECT id FROM assessment_requests WHERE trainee_id = ? AND round_id IS NULL", tove)}
    assert ids("rounds") == {round_view["id"]} and export["rounds"][0]["report"]["answers"] == 10
    assert ids("sessions", "created_at") == {r["created_at"] for r in await query(
        client, "SELECT created_at FROM sessions WHERE user_id = ?", tove)}
    assert ids("devices", "client_id") == {r["client_id"] for r in await query(
        client, "SELECT client_id FROM sync_clients WHERE actor = ?", f"user:{tove}")}
    assert ids("mail") == {r["id"] for r in await query(
        client, "SELECT id FROM mail_outbox WHERE lower(to_address) = lower(?)", world.emails["trainee"])}
    assert ids("roles") == {r["id"] for r in await query(client, "SELECT id FROM user_roles WHERE user_id = ?", tove)}
    # her private note is hers: in her export, with its words
    assert PRIVATE_WORDS in answer.text

    text = answer.text
    for other in others:
        assert other not in text
    assert "Olles hemliga fokus" not in text
    for who in ("other_trainee", "other_assessor", "other_main_supervisor", "studierektor"):
        assert world.emails[who] not in text, who
    for name, email, _ in RATERS:  # who rated her, never
        assert email not in text and name not in text
    for secret in ("password_hash", "token_hash", "token_nonce", "claim_secret_hash", "receipt_nonce", '"body"'):
        assert secret not in text, secret
    single_answers = await query(client, "SELECT id FROM assessments WHERE form_id = 'msf-rater'")
    assert not any(r["id"] in text for r in single_answers)


async def test_an_assessor_s_export_says_what_she_did_not_what_others_were_told(client: AsyncTestClient, world: World,
                                                                                 on_day: Any) -> None:
    on_day("2026-07-15")
    doc = await overview.signed_mini_cex(client, world, "2026-02-01")
    await login(client, world, "assessor")
    export = (await client.get("/api/me/export")).json()
    assert export["assessments"] == []
    (written,) = export["written_for_others"]
    assert written["id"] == doc and written["status"] == "signed" and "data" not in written
    assert {a["assessment_id"] for a in export["own_actions"]} == {doc}
    assert all("detail" not in a for a in export["own_actions"])
    assert world.names["trainee"] not in json.dumps(export, ensure_ascii=False)


async def test_an_admin_exports_for_a_person_who_asked_in_writing_and_it_is_logged(client: AsyncTestClient,
                                                                                    world: World, on_day: Any) -> None:
    on_day("2026-07-15")
    await signed_iup(client, world)
    admin = await login(client, world, "admin")
    path = f"/api/admin/people/{world.id('trainee')}/export"
    missing = await client.post(path, headers=admin, json={})
    assert missing.status_code == 400
    made = await client.post(path, headers=admin, json={"request": "Brev 2026-07-10, dnr 2026/118"})
    assert made.status_code == 200, made.text
    await login(client, world, "trainee")
    own = (await client.get("/api/me/export")).json()
    assert {a["id"] for a in made.json()["assessments"]} == {a["id"] for a in own["assessments"]}
    logged = await query(client, "SELECT actor_id, action, subject_user_id, detail FROM admin_events")
    assert [(r["actor_id"], r["action"], r["subject_user_id"]) for r in logged] == \
        [(world.id("admin"), "export_person", world.id("trainee"))]
    assert json.loads(logged[0]["detail"]) == {"request": "Brev 2026-07-10, dnr 2026/118"}
    assert [e["action"] for e in own["admin_events"]] == ["export_person"]  # she can see that it was made
    admin = await login(client, world, "admin")
    assert (await client.post("/api/admin/people/999999/export", headers=admin, json={"request": "Brev 1 juli"})).status_code == 404
    for who in ("trainee", "studierektor", "main_supervisor"):
        headers = await login(client, world, who)
        assert (await client.post(path, headers=headers, json={"request": "Brev 1 juli"})).status_code == 403, who
