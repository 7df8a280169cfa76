"""Issue 13, the handlingsplan in the browser, on the demo: the studierektor's home lists the unit's plans
with the follow-up that is late; Helena (HHL) starts a plan from Omar's "delmål ej uppnått" flag (the
delmål prefilled) and follows up his plan from the demo, which clears the flag; Karin, his clinical
supervisor now, opens the plan and sees the measures at her placement and not the underlying factors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import Server

pytestmark = pytest.mark.browser

HHL = "hhl@demo.bedside.se"
STUDIEREKTOR = "studierektor@demo.bedside.se"
KARIN = "handledare@demo.bedside.se"
OMAR = "bt4@demo.bedside.se"
UNDERLYING = "Svår höst privat"  # the demo plan's underlying factors (server/demo.py)


def tick(page: Any, pointer: str) -> None:
    """Tap a checkbox's label, as a person does (the box itself is drawn by its label)."""
    page.click(f"[data-pointer='{pointer}'] label")
    page.wait_for_function("(p) => document.querySelector(`[data-pointer='${p}'] input`).checked", arg=pointer)


def demo_plan(server: Server) -> str:
    (row,) = server.rows("""SELECT a.id FROM assessments a JOIN users u ON u.id = a.trainee_id
                            WHERE a.form_id = 'handlingsplan' AND u.email = ?""", (OMAR,))
    return str(row["id"])


def test_the_studierektor_sees_the_units_plans_and_the_late_follow_up(server: Server, devices: Any) -> None:
    stefan = devices("stefan", laptop=True)
    page = stefan.open()
    stefan.login(STUDIEREKTOR)
    line = page.locator(f"#home-plans li[data-plan='{demo_plan(server)}']")
    line.wait_for()
    text = line.inner_text()
    assert "Omar Haddad · Handlingsplan" in text and "är 4 dagar sen" in text, text
    page.screenshot(path="/tmp/plans-studierektor.png", full_page=True)
    assert UNDERLYING not in page.content()  # the home lists plans, never what they say
    assert not stefan.errors


def test_the_hhl_starts_a_plan_from_a_flag_and_follows_one_up(server: Server, devices: Any) -> None:
    plan_id = demo_plan(server)
    (omar,) = server.rows("SELECT id FROM users WHERE email = ?", (OMAR,))
    helena = devices("helena", laptop=True)
    page = helena.open()
    helena.login(HHL)
    page.goto(f"{server.base_url}/#/bt/{omar['id']}")
    page.locator("#plans").wait_for()
    assert page.locator(f"#plan-{plan_id}").count() == 1
    page.click("button[data-plan-flag='delmal_not_reached']")
    page.wait_for_selector("form[data-ready]")
    doc_id = page.url.split("#/a/")[1]
    assert helena.value("/started_from") == "delmal_ej_uppnatt"
    helena.fill_form({"problems": "Ordinationer till äldre: dosering och interaktioner."})
    tick(page, "/measures/medsittning/chosen")  # the measure's responsible, day and place then show
    helena.fill_form({"measures/medsittning/responsible": "Karin Lind", "measures/medsittning/by": "2027-01-15"})
    tick(page, "/measures/medsittning/at_placement")
    helena.fill_form({"period_end": "2027-02-28", "follow_up_1": "2027-01-20"})
    page.screenshot(path="/tmp/plan-new-helena.png", full_page=True)
    assert page.locator("#their-part").is_visible()  # Omar gives his view before she can sign
    helena.synced()
    (row,) = server.rows("SELECT data, assessor_id, status FROM assessments WHERE id = ?", (doc_id,))
    data = json.loads(row["data"])
    assert data["started_from"] == "delmal_ej_uppnatt" and data["problem_delmal"] == ["BT15"]
    assert data["measures"]["medsittning"]["responsible"] == "Karin Lind" and row["status"] == "draft"

    # the demo plan's first follow-up is four days late: Helena documents it
    helena.open_doc(plan_id)
    page.click("button[data-follow='handlingsplan-uppfoljning']")
    page.wait_for_selector("form[data-ready]")
    follow_id = page.url.split("#/a/")[1]
    helena.fill_form({"reviewed": "Två medsittningar vid läkemedelsgenomgång.", "improved": "delvis"})
    page.click("#submit")  # she writes and signs it
    page.wait_for_selector("#doc-status[data-status='signed']")
    helena.synced()
    (row,) = server.rows("SELECT follows_up_id, status FROM assessments WHERE id = ?", (follow_id,))
    assert (row["follows_up_id"], row["status"]) == (plan_id, "signed")
    page.goto(f"{server.base_url}/#/")
    line = page.locator(f"#home-plans li[data-plan='{plan_id}']")
    line.wait_for()
    assert line.get_attribute("data-overdue") == "0" and "1 uppföljning" in line.inner_text()
    page.screenshot(path="/tmp/plans-helena-home.png", full_page=True)
    assert not helena.errors


def test_the_clinical_supervisor_sees_the_measures_at_her_placement_only(server: Server, devices: Any) -> None:
    karin = devices("karin")
    page = karin.open()
    karin.login(KARIN)
    karin.open_doc(demo_plan(server))
    page.locator("#partial").wait_for()
    page.screenshot(path="/tmp/plan-karin.png", full_page=True)
    assert UNDERLYING not in page.content() and "jourveckor" not in page.content()  # his own view neither
    assert "Karin Lind" in page.content()  # the sit-ins she is responsible for
    assert "planen känns rimlig" not in page.content()  # nor his reflection when he acknowledged it
    assert not karin.errors


def test_a_concern_in_a_360_answer_can_start_a_plan_from_the_home(server: Server, devices: Any) -> None:
    helena = devices("helena", laptop=True)
    page = helena.open()
    helena.login(HHL)
    page.click("#home-waiting [data-kind=round_concern] button[data-plan-flag='msf_concern']")
    page.wait_for_selector("form[data-ready]")
    assert helena.value("/started_from") == "msf_concern"
    assert "Bedömare" not in page.locator(".doc-head").inner_text()  # written by her HHL, not an assessment
    assert not helena.errors
