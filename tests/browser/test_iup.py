"""Issue 13, the IUP in the browser, on the demo: Bea writes her placement's IUP on her phone with Helena
(only her HHL is offered as the one who signs it); Helena signs it on her laptop, sees that the placement's
target is now the IUP's planned assessments, and records the first follow-up from the IUP itself."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import TRAINEE, Server

pytestmark = pytest.mark.browser

HHL = "hhl@demo.bedside.se"


def test_the_trainee_writes_her_iup_and_her_hhl_signs_it_and_follows_it_up(server: Server, devices: Any) -> None:
    bea = devices("bea")
    page = bea.open()
    bea.login(TRAINEE)
    page.click("#new-assessment")
    page.select_option("#form-select", value="iup:1")
    page.locator("#assessor-select option").nth(1).wait_for(state="attached")  # her supervisors, once loaded
    offered = page.locator("#assessor-select option").all_inner_texts()
    assert offered == ["Välj…", "Helena Holm"], offered
    page.click("#start")
    page.wait_for_selector("form[data-ready]")
    doc_id = page.url.split("#/a/")[1]
    bea.fill_form({"goals": "Trygg i akuta bedömningar och i att leda ronden.", "courses": "BT-dagar i februari.",
                   "planned/mini_cex": 3, "planned/dops": 2, "planned/cbd": 1})
    page.screenshot(path="/tmp/iup-bea.png", full_page=True)
    page.click("#submit")
    page.wait_for_selector("#doc-status[data-status='submitted']")
    bea.synced()
    (row,) = server.rows("SELECT data, placement_id FROM assessments WHERE id = ?", (doc_id,))
    assert json.loads(row["data"])["planned"] == {"mini_cex": 3, "dops": 2, "cbd": 1} and row["placement_id"]

    helena = devices("helena", laptop=True)
    hp = helena.open()
    helena.login(HHL)
    helena.open_doc(doc_id)
    hp.click("#sign")
    hp.wait_for_selector("#doc-status[data-status='signed']")
    helena.synced()
    (bea_row,) = server.rows("SELECT id FROM users WHERE email = ?", (TRAINEE,))
    hp.goto(f"{server.base_url}/#/bt/{bea_row['id']}")
    block = hp.locator(f".placement-block[data-placement='{row['placement_id']}']")
    block.wait_for()
    assert "av 6 signerade (enligt IUP)" in block.inner_text()
    assert block.locator("button.start-iup").count() == 0  # the placement has its IUP
    hp.screenshot(path="/tmp/iup-helena-trainee-page.png", full_page=True)

    helena.open_doc(doc_id)
    hp.click("button[data-follow='iup-uppfoljning']")
    hp.wait_for_selector("form[data-ready]")
    follow_id = hp.url.split("#/a/")[1]
    helena.fill_form({"reviewed": "Planerade bedömningar och BT-dagarna.", "revise": "nej"})
    hp.click("#submit")
    hp.wait_for_selector("#doc-status[data-status='signed']")
    helena.synced()
    (row,) = server.rows("SELECT follows_up_id, status FROM assessments WHERE id = ?", (follow_id,))
    assert (row["follows_up_id"], row["status"]) == (doc_id, "signed")
    assert not bea.errors and not helena.errors
