"""Issue 13, the handledning log on a phone: Bea documents her handledningssamtal with the server really
gone, choosing the supervisor from her own supervisors only (her HHL, her clinical supervisors); it
syncs by itself, and Helena (the HHL) confirms it on her phone with one tap."""

from __future__ import annotations

import json
from typing import Any

import pytest

from server.settings import REPO_ROOT

from .conftest import TRAINEE, Server
from .test_compact_form import LIMIT_PX, height
from .test_new_forms import go_offline

pytestmark = pytest.mark.browser

HHL = "hhl@demo.bedside.se"  # Helena Holm, Bea's HHL
MEETING: dict[str, Any] = json.loads(
    (REPO_ROOT / "schemas/forms/handledningssamtal/1/examples/valid/med-hhl.json").read_text("utf-8"))


def test_the_trainee_logs_a_meeting_offline_and_her_hhl_confirms_it(server: Server, devices: Any) -> None:
    bea = devices("bea")
    page = bea.open()
    bea.login(TRAINEE)
    go_offline(bea, server)
    page.click("#new-assessment")
    page.select_option("#form-select", value="handledningssamtal:1")
    # only her supervisors, and nobody from outside
    assert page.locator("label[for=assessor-select]").inner_text() == "Handledare"
    offered = page.locator("#assessor-select option").all_inner_texts()
    assert offered == ["Välj…", "Helena Holm", "Karin Lind"], offered
    page.select_option("#assessor-select", label="Helena Holm")
    page.click("#start")
    page.wait_for_selector("form[data-ready]")
    doc_id = page.url.split("#/a/")[1]
    assert "Handledare: Helena Holm" in page.locator(".doc-head").inner_text()
    assert page.locator("[data-section=supervisor] button.sec-open").inner_text().startswith("Fylls i av handledaren")
    opened = height(page)
    bea.fill_form({k: v for k, v in MEETING.items()})
    page.locator("h1").click()
    page.screenshot(path="/tmp/handledning-bea.png", full_page=True)
    assert opened <= LIMIT_PX and height(page) <= LIMIT_PX
    assert page.locator("#submit").inner_text() == "Skicka för signatur"  # to Helena, who confirms it
    page.click("#submit")
    page.wait_for_selector("#doc-status[data-status='submitted']")
    server.start()
    bea.synced(timeout=60000)
    (row,) = server.rows("SELECT status, data FROM assessments WHERE id = ?", (doc_id,))
    assert row["status"] == "submitted" and json.loads(row["data"]) == MEETING

    helena = devices("helena")
    helena.open()
    helena.login(HHL)
    helena.open_doc(doc_id)
    assert "BT-läkare: Bea Bergström" in helena.page.locator(".doc-head").inner_text()
    helena.page.click("#sign")  # she confirms the meeting
    helena.page.wait_for_selector("#doc-status[data-status='signed']")
    helena.synced()
    helena.page.screenshot(path="/tmp/handledning-helena.png", full_page=True)
    assert "Handledare" in helena.page.locator(".sum-head").inner_text()  # not "Bedömare": it is no assessment
    (row,) = server.rows("SELECT a.status, u.email FROM assessments a JOIN users u ON u.id = a.assessor_id WHERE a.id = ?",
                         (doc_id,))
    assert (row["status"], row["email"]) == ("signed", HHL)
    assert not bea.errors and not helena.errors


def test_a_private_meeting_shows_its_supervisors_only_that_it_took_place(server: Server, devices: Any) -> None:
    """Bea marks her meeting with Karin (clinical supervisor) private when she starts it: Helena, her HHL,
    sees on Bea's page that the meeting took place, with no way into its notes."""
    bea = devices("bea")
    page = bea.open()
    bea.login(TRAINEE)
    page.click("#new-assessment")
    page.select_option("#form-select", value="handledningssamtal:1")
    page.select_option("#assessor-select", label="Karin Lind")
    assert page.locator("label[for=private-notes]").inner_text() == "Privat mellan oss två"
    page.locator("label[for=private-notes]").click()
    page.click("#start")
    page.wait_for_selector("form[data-ready]")
    doc_id = page.url.split("#/a/")[1]
    assert page.locator("#doc-private").inner_text() == "Privat"
    bea.fill_form({k: v for k, v in MEETING.items()} | {"kind": "klinisk_handledare"})
    page.click("#submit")
    page.wait_for_selector("#doc-status[data-status='submitted']")
    bea.synced()
    (row,) = server.rows("SELECT private, status FROM assessments WHERE id = ?", (doc_id,))
    assert (row["private"], row["status"]) == (1, "submitted")

    helena = devices("helena", laptop=True)
    hp = helena.open()
    helena.login(HHL)
    (bea_row,) = server.rows("SELECT id FROM users WHERE email = ?", (TRAINEE,))
    hp.goto(f"{server.base_url}/#/bt/{bea_row['id']}")
    log = hp.locator("#meeting-log")
    log.wait_for()
    private = log.locator("li[data-private='1']")  # hers of today, and the demo's of five days ago
    assert private.count() == 2 and private.locator("a").count() == 0
    for line in private.all_inner_texts():
        assert "Med klinisk handledare · väntar på bekräftelse" in line and "Privat" in line, line
    assert log.locator("li[data-private='0'] a").count() >= 1  # her own, open meeting with Bea: a link
    assert MEETING["agenda"] not in hp.content()
    hp.screenshot(path="/tmp/meeting-log-helena.png", full_page=True)
    assert not bea.errors and not helena.errors
