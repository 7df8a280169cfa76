"""A signed assessment opens as a readable summary (answers only, scale values with their band,
feedback, signatures and times, delmål ticked) that prints as a clean A4; the list's cards name the
day, the form's one-line summary and the placement, and filters narrow the list."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pypdf
import pytest

from .conftest import ASSESSOR, PASSWORD, TRAINEE, Server
from .test_offline_capture import MINI_CEX

pytestmark = pytest.mark.browser

REFLECTION = "Jag ska strukturera statusundersökningen bättre."


class ApiUser:
    """One logged-in account talking to the live server's API (what another device would do)."""

    def __init__(self, server: Server, email: str) -> None:
        self.server = server
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.info = self.call("POST", "/api/auth/login", {"email": email, "password": PASSWORD})
        self.client_id = f"test-{uuid.uuid4().hex[:12]}"
        self.next_id = 1

    def call(self, method: str, path: str, body: Any = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if getattr(self, "info", None):
            headers["X-CSRF-Token"] = self.info["csrf_token"]
        request = urllib.request.Request(self.server.base_url + path, method=method, headers=headers,
                                         data=None if body is None else json.dumps(body).encode())
        with self.opener.open(request, timeout=10) as r:
            return json.loads(r.read())

    def sync(self, *mutations: dict[str, Any]) -> list[dict[str, Any]]:
        numbered = []
        for m in mutations:
            numbered.append({"id": self.next_id, "at": int(dt.datetime.now().timestamp() * 1000), **m})
            self.next_id += 1
        answer = self.call("POST", "/api/sync", {"client_id": self.client_id, "since": 0, "mutations": numbered})
        results = answer["results"]
        assert all(r["status"] == "applied" for r in results), results
        return results


def placements(server: Server) -> list[dict[str, Any]]:
    return sorted(server.api(TRAINEE, "/api/placements"), key=lambda p: p["start_date"])


def signed_mini_cex(server: Server) -> str:
    """A Mini-CEX the trainee started (delmål BT1 and BT9 ticked) and Anders Ek filled in and signed."""
    trainee, assessor = ApiUser(server, TRAINEE), ApiUser(server, ASSESSOR)
    doc_id = str(uuid.uuid4())
    trainee.sync({"kind": "create", "doc_id": doc_id, "form_id": "mini-cex", "form_version": 1, "data": {},
                  "meta": {"trainee_id": trainee.info["user_id"], "assessor_id": assessor.info["user_id"],
                           "placement_id": placements(server)[0]["id"], "delmal": ["BT1", "BT9"]}})
    assessor.sync({"kind": "edit", "doc_id": doc_id, "base_version": 1, "fields": {f"/{k}": v for k, v in MINI_CEX.items()}},
                  {"kind": "submit", "doc_id": doc_id}, {"kind": "sign", "doc_id": doc_id})
    return doc_id


def test_a_signed_mini_cex_opens_as_a_summary_that_prints_on_a4(server: Server, devices: Any, tmp_path: Path) -> None:
    doc_id = signed_mini_cex(server)
    phone = devices("trainee")
    page = phone.open()
    phone.login(TRAINEE)
    phone.synced()
    phone.open_doc(doc_id)
    summary = page.locator("#summary")
    assert summary.is_visible()
    assert page.locator("#doc-status").get_attribute("data-status") == "signed"
    # answers only, as text: no input in the summary; the form is folded away below it
    assert summary.locator("input, textarea, select").count() == 0
    assert not page.locator("#assessment-form").is_visible()
    text = summary.inner_text()
    for shown in ("Mini-CEX, version 1", "Annat", "Hemsjukvård", "Återbesök", "Andfåddhet, status och handläggning",
                  "80 år eller äldre", "Hög", "7 – Mycket bra", "6 – Tillfredsställande", "4 – Tillfredsställande", "Ej observerat",
                  "25", "Lugn och tydlig, bra sammanfattning.", "Ny Mini-CEX på akuten om två veckor.",
                  "BT1 Akuta och icke akuta sjukdomstillstånd", "BT9 Bemötande", "Anders Ek", "Bea Bergström",
                  "Specialistläkare, internmedicin", "med konto i Bedside"):
        assert shown in text, shown
    assert page.locator("[data-pointer='/helhetsbedomning'] dd").inner_text() == "6 – Tillfredsställande"
    # a text keeps its line breaks
    assert page.locator("[data-pointer='/development_areas'] dd").inner_text() == MINI_CEX["development_areas"]
    assert page.locator("#sum-placement").inner_text() == "{specialty} – {unit}".format(**placements(server)[0])
    view = server.api(TRAINEE, f"/api/assessments/{doc_id}")
    assert page.locator("#sum-day").inner_text() == view["observed_on"]
    signed_at = page.locator("#sum-signed-at").inner_text()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", signed_at), signed_at
    assert view["content_hash"] in summary.locator(".sum-foot").inner_text()

    # the trainee acknowledges on the summary page; the reflection joins the signatures
    page.fill("#reflection", REFLECTION)
    page.click("#acknowledge")
    phone.synced()
    page.wait_for_selector("#doc-status[data-status='acknowledged']")
    page.wait_for_function("() => document.querySelector('#reflection-text')?.textContent.includes('strukturera')")
    assert "Kvitterad av" in page.locator("#sum-signatures").inner_text()
    assert page.locator("#acknowledge").count() == 0

    # English on request
    page.click("#lang")  # English loads when first chosen (js/i18n-en.js), then the page is drawn again
    page.wait_for_function("() => document.querySelector('#summary')?.innerText.includes('Signatures')")
    assert "6 – Satisfactory" in page.locator("#summary").inner_text()
    page.click("#lang")
    page.wait_for_selector("#print")

    # print: the page only, no status bar, buttons or notices
    assert page.locator("#print").is_visible() and page.locator("#status").is_visible()
    page.emulate_media(media="print")
    for hidden in ("#status", "#print", "#read-only", "a.back", ".form-details"):
        assert not page.locator(hidden).is_visible(), hidden
    assert page.locator("#summary").is_visible()
    pdf = tmp_path / "summary.pdf"
    page.pdf(path=str(pdf), format="A4")
    page.emulate_media(media="screen")
    assert page.locator("#print").is_visible()
    printed = pypdf.PdfReader(pdf)
    pages = len(printed.pages)
    assert 1 <= pages <= 2, pages
    for sheet in printed.pages:  # A4 in points
        assert abs(float(sheet.mediabox.width) - 595.3) < 2 and abs(float(sheet.mediabox.height) - 841.9) < 2
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "page")], check=True)
        assert len(list(tmp_path.glob("page*.png"))) == pages
        for png in tmp_path.glob("page*.png"):
            shutil.copy(png, f"/tmp/summary-print-{png.name}")  # to look at
    assert phone.errors == []


def test_cards_show_day_summary_and_placement_and_filters_narrow_the_list(server: Server, devices: Any) -> None:
    first, second = placements(server)[:2]
    trainee = ApiUser(server, TRAINEE)
    dops = str(uuid.uuid4())
    procedure = "Artärpunktion för blodgas, vänster handled, med lokalbedövning och ultraljudsstöd"
    trainee.sync({"kind": "create", "doc_id": dops, "form_id": "dops", "form_version": 1, "data": {"procedure": procedure},
                  "meta": {"trainee_id": trainee.info["user_id"], "assessor_name": "Maja Sjöberg",
                           "assessor_email": "maja@example.se", "placement_id": second["id"]}})
    phone = devices("trainee")
    page = phone.open()
    phone.login(TRAINEE)
    phone.synced()
    page.wait_for_selector(f"a[href='#/a/{dops}']")
    cards = page.locator("#device-list .card-link")
    total = cards.count()
    assert total == 8  # the demo's four Mini-CEX, bedside request (a DOPS), two handledningssamtal, and this DOPS
    today = dt.date.today().isoformat()
    # its one-line summary comes from DOPS version 1, which the phone fetches for it (not in the catalog bundle)
    page.wait_for_function("(id) => document.querySelector(`a[href='#/a/${id}'] .card-meta`)?.textContent.includes('Artärpunktion')",
                           arg=dops)
    card = page.locator(f"a[href='#/a/{dops}'] .card-meta").inner_text()
    assert card.startswith(today) and f" · {procedure[:59]}… · " in card  # the one-line summary, cut at 60
    assert f"{second['specialty']} – {second['unit']}" in card and "Maja Sjöberg" in card and "Utkast" in card
    buksmarta = page.locator("#device-list .card-link", has_text="Buksmärta").locator(".card-meta").inner_text()
    assert f"{first['specialty']} – {first['unit']}" in buksmarta and "Signerad" in buksmarta

    page.select_option("#filter-placement", label=f"{second['specialty']} – {second['unit']}")
    page.wait_for_function("() => document.querySelectorAll('#device-list .card-link').length === 1")
    page.select_option("#filter-placement", value="")
    page.select_option("#filter-form", label="Mini-CEX")
    page.wait_for_function("() => document.querySelectorAll('#device-list .card-link').length === 4")
    page.select_option("#filter-state", value="signed")
    page.wait_for_function("() => document.querySelectorAll('#device-list .card-link').length === 1")
    assert "Buksmärta" in page.locator("#device-list .card-link").inner_text()
    # the choice survives navigation
    page.click("#device-list .card-link")
    page.wait_for_selector("#summary")
    page.click("a.back")
    page.wait_for_selector("#filter-state")
    assert page.locator("#filter-state").input_value() == "signed" and page.locator("#device-list .card-link").count() == 1
    # nothing left: it says so
    page.select_option("#filter-placement", label=f"{second['specialty']} – {second['unit']}")
    page.wait_for_selector("#no-match")
    assert page.locator("#device-list .card-link").count() == 0
    assert page.locator("#no-match").inner_text() == "Inga bedömningar matchar filtret."
    for key in ("placement", "form", "state"):
        page.select_option(f"#filter-{key}", value="")
    page.wait_for_function(f"() => document.querySelectorAll('#device-list .card-link').length === {total}")
    assert phone.errors == []
