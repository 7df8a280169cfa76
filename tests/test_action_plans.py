"""Issue 13, the handlingsplan (seed 003) as catalog forms with a workflow: the HHL starts it, the trainee
is offered to give her view before it can be signed, the HHL signs and the trainee acknowledges; each
follow-up names its plan and records whether it improved; "no improvement" opens a secondary plan that
the studierektor countersigns. The trainee, her HHL and her studierektor read it all; the clinical
supervisor of her current placement reads the measures at the placement and never the underlying
factors; nobody else learns that a plan exists. On a controlled clock, on both databases."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from litestar.testing import AsyncTestClient

from server import clock
from server.plans.reminders import run_plan_reminders
from server.settings import REPO_ROOT
from tests import test_overview_flags as overview
from tests.helpers import in_app
from tests.mail_support import MailServer
from tests import requests_support as support
from tests.test_requests import wake_mail_job
from tests.world import World, login

on_day = overview.on_day  # the fixture that moves the server's clock
settings, smtp = support.settings, support.smtp  # fixtures: real SMTP, no demo mode
PLANS = ("handlingsplan", "handlingsplan-sekundar")
REFLECTION = "Planen känns rimlig."
FORMS = REPO_ROOT / "schemas/forms"
PLAN: dict[str, Any] = json.loads((FORMS / "handlingsplan/1/examples/valid/medsittning-och-kurs.json").read_text("utf-8"))
HHL_PART = {k: v for k, v in PLAN.items() if k not in ("trainee_response", "trainee_view")}
FOLLOW_UP: dict[str, Any] = json.loads(
    (FORMS / "handlingsplan-uppfoljning/1/examples/valid/ingen-forbattring.json").read_text("utf-8"))
SECONDARY: dict[str, Any] = json.loads(
    (FORMS / "handlingsplan-sekundar/1/examples/valid/med-studierektor.json").read_text("utf-8"))


async def step(client: AsyncTestClient, world: World, who: str, doc_id: str, name: str) -> None:
    headers = await login(client, world, who)
    done = await client.post(f"/api/assessments/{doc_id}/{name}", headers=headers, json={})
    assert done.status_code == 200, (who, name, done.text)


async def signed_plan(client: AsyncTestClient, world: World) -> str:
    """Hanna (HHL) writes the plan, Tove gives her view, Hanna signs, Tove acknowledges."""
    hanna = await login(client, world, "main_supervisor")
    made = await client.post("/api/assessments", headers=hanna, json={
        "form_id": "handlingsplan", "trainee_id": world.id("trainee"), "observed_on": "2026-03-01", "data": HHL_PART})
    assert made.status_code == 201, made.text
    doc_id: str = made.json()["doc_id"]
    assert made.json()["assessor_id"] == world.id("main_supervisor")
    # she must be offered to give her view: without her answer the plan is not complete
    early = await client.post(f"/api/assessments/{doc_id}/submit", headers=hanna)
    assert early.status_code == 400 and "/trainee_response" in early.text
    tove = await login(client, world, "trainee")
    view = await client.patch(f"/api/assessments/{doc_id}", headers=tove, json={
        "base_version": made.json()["version"],
        "data": {"trainee_response": PLAN["trainee_response"], "trainee_view": PLAN["trainee_view"]}})
    assert view.status_code == 200, view.text
    not_hers = await client.patch(f"/api/assessments/{doc_id}", headers=tove, json={
        "base_version": view.json()["version"], "data": {"problems": "Inga problem"}})
    assert not_hers.status_code == 403 and not_hers.json()["reason"] == "not_your_field"
    await step(client, world, "trainee", doc_id, "submit")
    await step(client, world, "main_supervisor", doc_id, "sign")
    tove = await login(client, world, "trainee")
    acknowledged = await client.post(f"/api/assessments/{doc_id}/acknowledge", headers=tove, json={"reflection": REFLECTION})
    assert acknowledged.status_code == 200, acknowledged.text
    return doc_id


async def test_the_hhl_writes_and_signs_it_and_the_trainee_gives_her_view_and_acknowledges(
        client: AsyncTestClient, world: World, on_day: Any) -> None:
    on_day("2026-03-01")
    doc_id = await signed_plan(client, world)
    await login(client, world, "trainee")
    seen = (await client.get(f"/api/assessments/{doc_id}")).json()
    assert seen["status"] == "acknowledged" and seen["data"] == PLAN and seen["partial"] is False
    assert seen["reflection"] == REFLECTION


async def test_only_her_hhl_starts_a_plan(client: AsyncTestClient, world: World) -> None:
    for who in ("trainee", "clinical_supervisor", "assessor", "other_main_supervisor", "studierektor"):
        headers = await login(client, world, who)
        refused = await client.post("/api/assessments", headers=headers, json={
            "form_id": "handlingsplan", "trainee_id": world.id("trainee"), "data": HHL_PART})
        assert refused.status_code in (400, 403), (who, refused.text)
        assert refused.json()["reason"] in ("invalid", "forbidden"), who


async def test_who_reads_the_plan(client: AsyncTestClient, world: World, on_day: Any) -> None:
    on_day("2026-03-01")
    doc_id = await signed_plan(client, world)
    for who in ("trainee", "main_supervisor", "studierektor"):
        await login(client, world, who)
        got = await client.get(f"/api/assessments/{doc_id}")
        assert got.status_code == 200 and got.json()["data"] == PLAN and not got.json()["partial"], who
        assert (await client.get(f"/api/assessments/{doc_id}/audit")).status_code == 200, who
    # the clinical supervisor of her current placement: the measures at the placement, not the factors
    karin = await login(client, world, "clinical_supervisor")
    part = (await client.get(f"/api/assessments/{doc_id}")).json()
    assert part["partial"] is True and part["permissions"] == []
    assert "underlying_factors" not in part["data"] and "trainee_view" not in part["data"] and part["reflection"] is None
    assert part["data"]["measures"] == {"medsittning": PLAN["measures"]["medsittning"]}  # not the course
    assert part["data"]["problems"] == PLAN["problems"] and part["data"]["follow_up_1"] == PLAN["follow_up_1"]
    assert (await client.get(f"/api/assessments/{doc_id}/audit")).status_code == 404
    pulled = await client.post("/api/sync", headers=karin, json={"client_id": "karin-phone", "since": 0})
    (change,) = [c for c in pulled.json()["changes"] if c["doc_id"] == doc_id]
    assert change["data"] == part["data"] and PLAN["underlying_factors"] not in pulled.text
    fhir = await client.get(f"/api/fhir/QuestionnaireResponse/{doc_id}")
    assert fhir.status_code == 200 and PLAN["underlying_factors"] not in fhir.text and PLAN["trainee_view"] not in fhir.text
    # nobody else learns that it exists
    for who in ("assessor", "other_clinical_supervisor", "other_main_supervisor", "other_studierektor", "admin"):
        headers = await login(client, world, who)
        assert (await client.get(f"/api/assessments/{doc_id}")).status_code == 404, who
        listed = (await client.get("/api/assessments")).text
        pulled = await client.post("/api/sync", headers=headers, json={"client_id": f"{who}-phone", "since": 0})
        assert doc_id not in listed and doc_id not in pulled.text, who


async def test_a_clinical_supervisor_of_an_ended_placement_no_longer_sees_it(client: AsyncTestClient, world: World,
                                                                               on_day: Any) -> None:
    on_day("2026-03-01")
    doc_id = await signed_plan(client, world)
    on_day("2026-07-15")  # her placement with Karin ended on 2026-06-30
    karin = await login(client, world, "clinical_supervisor")
    assert (await client.get(f"/api/assessments/{doc_id}")).status_code == 404
    pulled = await client.post("/api/sync", headers=karin, json={"client_id": "karin-phone", "since": 0})
    assert doc_id not in pulled.text
    page = await client.get(f"/api/trainees/{world.id('trainee')}")
    assert page.status_code != 200 or doc_id not in page.text
    await login(client, world, "studierektor")
    assert (await client.get(f"/api/assessments/{doc_id}")).status_code == 200


async def test_a_follow_up_without_improvement_opens_a_secondary_plan_with_the_studierektor(
        client: AsyncTestClient, world: World, on_day: Any) -> None:
    on_day("2026-03-01")
    plan_id = await signed_plan(client, world)
    hanna = await login(client, world, "main_supervisor")
    unnamed = await client.post("/api/assessments", headers=hanna, json={
        "form_id": "handlingsplan-uppfoljning", "trainee_id": world.id("trainee"), "data": FOLLOW_UP})
    assert unnamed.status_code == 400 and "meta.follows_up" in unnamed.json()["detail"]
    made = await client.post("/api/assessments", headers=hanna, json={
        "form_id": "handlingsplan-uppfoljning", "trainee_id": world.id("trainee"), "follows_up": plan_id,
        "data": FOLLOW_UP | {"improved": "delvis"}})
    assert made.status_code == 201, made.text
    assert made.json()["follows_up"] == plan_id
    follow_id = made.json()["doc_id"]
    for name in ("submit", "sign"):
        await step(client, world, "main_supervisor", follow_id, name)
    # "delvis" is not "no improvement": no secondary plan from it
    hanna = await login(client, world, "main_supervisor")
    early = await client.post("/api/assessments", headers=hanna, json={
        "form_id": "handlingsplan-sekundar", "trainee_id": world.id("trainee"), "follows_up": follow_id, "data": {}})
    assert early.status_code == 400 and "'nej'" in early.json()["detail"]
    none = await client.post("/api/assessments", headers=hanna, json={
        "form_id": "handlingsplan-uppfoljning", "trainee_id": world.id("trainee"), "follows_up": plan_id, "data": FOLLOW_UP})
    for name in ("submit", "sign"):
        await step(client, world, "main_supervisor", none.json()["doc_id"], name)
    hanna = await login(client, world, "main_supervisor")
    secondary = await client.post("/api/assessments", headers=hanna, json={
        "form_id": "handlingsplan-sekundar", "trainee_id": world.id("trainee"), "follows_up": none.json()["doc_id"],
        "data": {k: v for k, v in SECONDARY.items() if not k.startswith("trainee_")}})
    assert secondary.status_code == 201, secondary.text
    sid = secondary.json()["doc_id"]
    tove = await login(client, world, "trainee")
    view = await client.patch(f"/api/assessments/{sid}", headers=tove, json={
        "base_version": secondary.json()["version"], "data": {"trainee_response": "avstar"}})
    assert view.status_code == 200, view.text
    await step(client, world, "main_supervisor", sid, "submit")
    await step(client, world, "main_supervisor", sid, "sign")
    await step(client, world, "trainee", sid, "acknowledge")
    await step(client, world, "studierektor", sid, "countersign")
    await login(client, world, "trainee")
    assert (await client.get(f"/api/assessments/{sid}")).json()["status"] == "countersigned"


async def test_a_follow_up_names_a_signed_plan_of_the_same_trainee(client: AsyncTestClient, world: World) -> None:
    hanna = await login(client, world, "main_supervisor")
    draft = await client.post("/api/assessments", headers=hanna, json={
        "form_id": "handlingsplan", "trainee_id": world.id("trainee"), "data": HHL_PART})
    not_signed = await client.post("/api/assessments", headers=hanna, json={
        "form_id": "handlingsplan-uppfoljning", "trainee_id": world.id("trainee"), "follows_up": draft.json()["doc_id"],
        "data": FOLLOW_UP})
    assert not_signed.status_code == 400 and "signed" in not_signed.json()["detail"]
    hugo = await login(client, world, "other_main_supervisor")
    other = await client.post("/api/assessments", headers=hugo, json={
        "form_id": "handlingsplan-uppfoljning", "trainee_id": world.id("other_trainee"),
        "follows_up": draft.json()["doc_id"], "data": FOLLOW_UP})
    assert other.status_code == 404 and other.json()["reason"] == "not_found"
    tove = await login(client, world, "trainee")
    mini = await client.post("/api/assessments", headers=tove, json={
        "form_id": "mini-cex", "assessor_id": world.id("assessor"), "follows_up": draft.json()["doc_id"]})
    assert mini.status_code == 400 and "follows up nothing" in mini.json()["detail"]


async def test_an_overdue_follow_up_is_flagged_for_those_who_see_the_plan(client: AsyncTestClient, world: World,
                                                                          on_day: Any) -> None:
    on_day("2026-03-01")
    plan_id = await signed_plan(client, world)  # follow-ups planned for 2026-12-22 and 2027-01-26
    on_day("2026-12-22")  # the day itself: not yet overdue
    assert "plan_follow_up_missed" not in overview.rules(await overview.flags_seen_by(client, world, "main_supervisor"))
    on_day("2026-12-27")
    for who in ("main_supervisor", "studierektor"):
        flagged = overview.rules(await overview.flags_seen_by(client, world, who))
        assert flagged["plan_follow_up_missed"] == {"due": "2026-12-22", "days": 5, "doc_id": plan_id}, who
        (line,) = (await client.get("/api/home")).json()["plans"]  # her home lists the plan, most overdue first
        assert (line["doc_id"], line["next_follow_up"], line["overdue_days"], line["follow_ups"]) == (
            plan_id, "2026-12-22", 5, 0), who
    await login(client, world, "other_studierektor")
    assert (await client.get("/api/home")).json()["plans"] == []
    hanna = await login(client, world, "main_supervisor")
    done = await client.post("/api/assessments", headers=hanna, json={
        "form_id": "handlingsplan-uppfoljning", "trainee_id": world.id("trainee"), "follows_up": plan_id,
        "data": FOLLOW_UP | {"improved": "ja"}})
    await step(client, world, "main_supervisor", done.json()["doc_id"], "submit")
    assert "plan_follow_up_missed" not in overview.rules(await overview.flags_seen_by(client, world, "studierektor"))
    on_day("2027-01-28")  # the second follow-up day has passed too
    flagged = overview.rules(await overview.flags_seen_by(client, world, "studierektor"))
    assert flagged["plan_follow_up_missed"]["due"] == "2027-01-26"


async def test_each_follow_up_day_is_reminded_once_by_e_mail(client: AsyncTestClient, world: World, on_day: Any,
                                                             smtp: MailServer) -> None:
    on_day("2026-03-01")
    await signed_plan(client, world)
    db, settings = client.app.state.db, client.app.state.settings
    on_day("2026-12-18")  # four days before the first follow-up: not yet
    assert await in_app(client, run_plan_reminders, db, PLANS, settings, clock.now()) == 0
    on_day("2026-12-19")
    for _ in range(3):  # however often the job runs (or how many servers run it): once
        await in_app(client, run_plan_reminders, db, PLANS, settings, clock.now())
    await in_app(client, wake_mail_job, client)
    await smtp.wait_for(2)
    await asyncio.sleep(0.3)
    for who in ("trainee", "main_supervisor"):
        (mail,) = smtp.to(world.emails[who])
        assert mail["Subject"] == "Påminnelse: uppföljning av handlingsplan 2026-12-22", who
        body = mail.get_body(("plain",)).get_content()
        assert "/#/a/" in body and PLAN["problems"] not in body and PLAN["underlying_factors"] not in body, who
    assert len(smtp.messages) == 2
