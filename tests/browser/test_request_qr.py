"""Issue 5, proof 3: the trainee creates a bedside request and shows the QR code; a second phone (the
assessor, no account) opens the link decoded from a screenshot of that QR code; the server really
goes down; the assessor fills and signs the Mini-CEX offline; the server comes back, the assessment
syncs, and the trainee sees the request completed."""

from __future__ import annotations

import io
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from .conftest import TRAINEE, Server
from .test_offline_capture import MINI_CEX, fill

pytestmark = pytest.mark.browser


def decode_qr(png: bytes) -> str:
    (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return str(code.text)


def test_bedside_request_by_qr_answered_offline_without_an_account(server: Server, devices: Any) -> None:
    trainee, assessor = devices("trainee"), devices("assessor")
    trainee.open()
    trainee.login(TRAINEE)
    trainee.synced()
    trainee.page.click("#requests-link")
    trainee.page.select_option("#rq-form", "mini-cex")
    trainee.page.select_option("#rq-channel", "bedside")
    trainee.page.click("#rq-create")
    trainee.page.wait_for_selector("#qr svg")
    request_id = trainee.page.url.split("#/forfragan/")[1]
    link = decode_qr(trainee.page.locator("#qr").screenshot())
    assert link.startswith(f"{server.base_url}/#/svar/")
    # holding the QR code is not being the assessor: the trainee's own phone cannot answer it
    trainee.page.goto(link)
    trainee.page.wait_for_selector("#link-error[data-reason='own_request']")

    page = assessor.open(link.removeprefix(server.base_url))
    page.wait_for_selector("#open-form")
    assert "Bea Bergström" in page.locator("h1").inner_text()
    page.fill("#me-name", "Maja Sjöberg")
    page.fill("#me-title2", "Specialistsjuksköterska")
    page.fill("#me-work", "Akutmottagningen")
    page.fill("#me-mail", "maja.sjoberg@sjukhus.test")
    page.click("#open-form")
    page.wait_for_selector("form[data-ready]")
    doc_id = page.url.split("#/a/")[1]
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    assessor.synced()

    server.stop()  # the ward has no network: the server is really gone
    fill(assessor, MINI_CEX)
    page.click("#submit")  # "Signera nu": submit and sign
    page.wait_for_selector("#doc-status[data-status='signed']")
    assert len(assessor.outbox()) >= 3
    page.reload()
    page.wait_for_selector(f"[data-doc='{doc_id}'][data-ready] >> visible=true")  # signed: its summary, offline too
    assert page.locator("#doc-status").get_attribute("data-status") == "signed"

    server.start()
    assessor.synced(timeout=60000)
    (row,) = server.rows("SELECT status, assessor_name, signed_by FROM assessments WHERE id = ?", (doc_id,))
    assert row["status"] == "signed" and row["assessor_name"] == "Maja Sjöberg"
    assert row["signed_by"] == f"request:{request_id}"
    (receipt,) = server.rows("SELECT subject FROM mail_outbox WHERE kind = 'receipt' AND to_address = ?",
                             ("maja.sjoberg@sjukhus.test",))
    assert "du signerade en Mini-CEX för Bea Bergström" in receipt["subject"]

    # a second phone that scans the same code later is told that another device holds it
    other = devices("other").open(link.removeprefix(server.base_url))
    other.wait_for_selector("#link-error[data-reason='link_claimed'], #thanks")

    trainee.page.goto(f"{server.base_url}/#/forfragan/{request_id}")
    trainee.page.wait_for_selector("#request-status[data-status='completed']")
    view = server.api(TRAINEE, f"/api/assessments/{doc_id}")
    assert view["status"] == "signed" and view["data"] == MINI_CEX

    # it counts for the placement it was made in: her clinical supervisor's home shows 3 signed (2 before)
    (bea,) = server.rows("SELECT id FROM users WHERE email = ?", (TRAINEE,))
    (row,) = server.rows("SELECT placement_id FROM assessments WHERE id = ?", (doc_id,))
    assert row["placement_id"] is not None
    karin = devices("karin", laptop=True)
    karin.open()
    karin.login("handledare@demo.bedside.se")
    karin.page.wait_for_selector("#home[data-ready]")
    card = karin.page.locator(f"#home-clinical_supervisor li.person[data-trainee='{bea['id']}']")
    assert "3 av 2 signerade" in card.inner_text()
    assert not assessor.errors and not trainee.errors and not karin.errors
