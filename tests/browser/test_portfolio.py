"""Issue 14 in the browser, on the demo: Omar opens "Portfölj och intyg" from his home on his phone, reads
his certificate drafts line by line with links to the evidence, chooses what his portfolio holds and gets
the PDF; his data export downloads. Helena, his HHL, makes the same from his page on her laptop, with
BT1 and BT15 merged on one certificate. Without network the screen says that it needs the network."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pypdf
import pytest

from .conftest import Server
from .test_accessibility import serious

pytestmark = pytest.mark.browser

OMAR = "bt4@demo.bedside.se"
HHL = "hhl@demo.bedside.se"


def pdf_text(page: Any, href: str) -> str:
    """The PDF behind a link, fetched with the page's own session."""
    got = page.request.get(href if href.startswith("http") else page.url.split("/#")[0] + href)
    assert got.ok and got.headers["content-type"].startswith("application/pdf"), got.status
    reader = pypdf.PdfReader(io.BytesIO(got.body()))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in reader.pages))


def test_the_trainee_reads_her_certificate_drafts_and_makes_her_portfolio(server: Server, devices: Any) -> None:
    omar = devices("omar")
    page = omar.open()
    omar.login(OMAR)
    page.click("#my-portfolio")
    page.wait_for_selector("#portfolio[aria-busy='false'] #pf-delmal")
    bt1 = page.locator("li[data-delmal='BT1']")
    checked = bt1.locator(".pf-checked li").all_inner_texts()
    assert re.match(r"Mini-CEX ×1 \(\d{4}-\d\d-\d\d\)", checked[0]) and checked[1].startswith("Slutbedömning Medicinkliniken"), checked
    assert "ej uppnått" in page.locator("li[data-delmal='BT15']").inner_text()
    assert "Kirurgi" in page.locator("#pf-service").inner_text() and "Heltidsmånader" in page.inner_text("#pf-months")
    page.screenshot(path="/tmp/portfolio-omar-phone.png", full_page=True)
    assert serious(page) == []

    # the evidence behind a line opens in the app
    bt1.locator(".pf-checked li").first.locator("a").first.click()
    page.wait_for_selector("[data-ready] >> visible=true")
    assert "#/a/" in page.url
    page.go_back()
    page.wait_for_selector("#portfolio[aria-busy='false'] #pf-portfolio")

    # he leaves out IUP and handledning: the link asks for the rest, and the PDF holds it
    page.uncheck("#pf-iup")
    page.uncheck("#pf-handledning")
    href = page.get_attribute("#portfolio-pdf", "href")
    assert href.endswith("sections=placements,assessments,delmal"), href
    text = pdf_text(page, href)
    assert "Portfölj BT Omar Haddad" in text and "Delmål BT1–BT18" in text and "IUP och uppföljningar" not in text
    for box in ("#pf-placements", "#pf-assessments", "#pf-delmal"):
        page.uncheck(box)
    assert page.get_attribute("#portfolio-pdf", "aria-disabled") is not None
    assert page.locator("text=Välj minst en del.").is_visible()

    with page.expect_download() as download:
        page.click("#my-data-link")
    export = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert export["person"]["email"] == OMAR and export["assessments"]

    # offline: the drafts as last read, said so; the PDFs wait for the network
    server.stop()
    page.reload()
    page.wait_for_selector("#portfolio[aria-busy='false'] #pf-offline")
    assert "anslut till nätet" in page.inner_text("#pf-offline") and page.locator(".kept").count() == 1
    assert page.locator("li[data-delmal='BT1']").count() == 1
    assert page.get_attribute("#portfolio-pdf", "aria-disabled") == "true"
    page.screenshot(path="/tmp/portfolio-omar-offline.png", full_page=True)


def test_the_hhl_makes_the_same_from_the_trainees_page_with_merged_delmal(server: Server, devices: Any) -> None:
    (omar,) = server.rows("SELECT id FROM users WHERE email = ?", (OMAR,))
    helena = devices("helena", laptop=True)
    page = helena.open()
    helena.login(HHL)
    page.goto(f"{server.base_url}/#/bt/{omar['id']}")
    page.click("#portfolio-link")
    page.wait_for_selector("#portfolio[aria-busy='false'] #pf-merge")
    assert page.locator("#my-data").count() == 0  # her own data export is on her own screen only
    page.fill("#pf-merge", "BT1+BT15")
    page.click(".pf-merge button[type=submit]")
    merged = page.locator("li[data-delmal='BT1+BT15']")
    merged.wait_for()
    assert page.locator("li[data-delmal='BT1']").count() == 0
    page.screenshot(path="/tmp/portfolio-helena-laptop.png", full_page=True)
    assert serious(page) == []
    text = pdf_text(page, page.get_attribute("#certificates-pdf", "href"))
    assert "UTKAST" in text and "Intyg om delmål: BT1, BT15" in text and "Intyg om fullgjord bastjänstgöring" in text
    page.fill("#pf-merge", "BT1+BT99")
    page.click(".pf-merge button[type=submit]")
    page.wait_for_selector("#pf-merge-error")
    assert "Okänt delmål" in page.inner_text("#pf-merge-error")
    assert page.input_value("#pf-merge") == "BT1+BT99" and merged.count() == 1  # nothing typed or shown is lost
