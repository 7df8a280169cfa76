"""Issue 15 in the browser at 1280×800, with a real SMTP server: the admin imports a CSV of 20 BT-läkare in
which two rows are wrong (a date, a personnummer), sees each row's error in Swedish, fixes the file and
applies it; then she adds a clinical supervisor, who gets the invitation by e-mail, chooses her password
on her phone and logs in to her new home."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.mail_support import MailServer, link_mailed_to

from .conftest import Server
from .test_accessibility import serious

pytestmark = pytest.mark.browser


@pytest.fixture
def server(mailing_server: Server) -> Server:
    """This module's demo sends its mail to a real SMTP server (``smtp``)."""
    return mailing_server

ADMIN = "admin@demo.bedside.se"
UNIT = "Medicinkliniken, Demosjukhuset"
HEADER = "Namn;E-post;Program;Enhet;Specialitet;Start;Slut;Klinisk handledare;Huvudhandledare;Typ"


def csv_file(tmp: Path, name: str, bad: bool) -> Path:
    lines = [HEADER]
    for n in range(20):
        start = "2027-13-01" if bad and n == 4 else "2027-01-01"
        specialty = "Internmedicin 19121212-1212" if bad and n == 11 else "Internmedicin"
        lines.append(f"BT-läkare {n:02d};bt.import{n:02d}@demo.bedside.se;BT;{UNIT};{specialty};{start};2027-06-30;"
                     "handledare@demo.bedside.se;hhl@demo.bedside.se;akut_sjukvard")
    path = tmp / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_admin_imports_a_term_fixes_two_rows_and_invites_a_supervisor(server: Server, devices: Any,
                                                                          smtp: MailServer, tmp_path: Path) -> None:
    alva = devices("alva", laptop=True)
    page = alva.open()
    alva.login(ADMIN)
    page.click("#admin-link")
    page.wait_for_selector("#ad-users li")
    page.set_input_files("#csv-file", str(csv_file(tmp_path, "termin.csv", bad=True)))
    page.click("#csv-dry")
    page.wait_for_selector("#csv-rows")
    assert "20 rader: 54 skapas" in page.inner_text("#csv-summary") and "2 med fel" in page.inner_text("#csv-summary")
    assert "Skriv datum som ÅÅÅÅ-MM-DD" in page.inner_text("tr[data-line='6']")
    assert "Personnummer" in page.inner_text("tr[data-line='13']") and "19121212" not in page.inner_text("#csv-rows")
    assert page.locator("#csv-apply").is_hidden()
    page.screenshot(path="/tmp/admin-import-errors.png", full_page=True)
    assert serious(page) == []
    assert not server.rows("SELECT id FROM users WHERE email LIKE 'bt.import%'")

    page.set_input_files("#csv-file", str(csv_file(tmp_path, "termin-rättad.csv", bad=False)))
    page.click("#csv-dry")
    page.wait_for_selector("#csv-apply:not([hidden])")
    page.click("#csv-apply")
    page.wait_for_selector("#csv-summary.info")
    assert "Klart: 60 skapade" in page.inner_text("#csv-summary")
    assert len(server.rows("SELECT id FROM users WHERE email LIKE 'bt.import%'")) == 20
    assert not server.rows("SELECT id FROM placements WHERE specialty LIKE '%1212%'")

    # one more placement for one of them, from the form (a one-row import underneath)
    page.click("#ad-placement summary")
    page.select_option("#pl-trainee", "bt.import00@demo.bedside.se")
    page.select_option("#pl-unit", UNIT)
    page.fill("#pl-specialty", "Kirurgi")
    page.select_option("#pl-type", "annan")
    page.fill("#pl-start", "2027-07-01")
    page.fill("#pl-end", "2027-12-31")
    page.select_option("#pl-ks", "handledare@demo.bedside.se")
    page.click("#ad-placement button[type=submit]")
    page.wait_for_selector("#ad-note.info")
    assert "Klart: 1 skapade" in page.inner_text("#ad-note")
    (placement,) = server.rows("""SELECT pl.specialty, pl.placement_type FROM placements pl JOIN programmes pr ON pr.id = pl.programme_id
                                  JOIN users u ON u.id = pr.trainee_id WHERE u.email = 'bt.import00@demo.bedside.se'
                                  AND pl.start_date = '2027-07-01'""")
    assert (placement["specialty"], placement["placement_type"]) == ("Kirurgi", "annan")

    page.click("#ad-add summary")
    page.fill("#new-name", "Klara Klinisk")
    page.fill("#new-email", "klara@demo.bedside.se")
    page.check("input[data-role='clinical_supervisor']")
    page.check("input[data-role='assessor']")
    page.click("#ad-add button[type=submit]")
    page.wait_for_selector("li[data-email='klara@demo.bedside.se']")
    assert "klara@demo.bedside.se är tillagd" in page.inner_text("#ad-note")
    events = page.inner_text("#ad-event-list")
    assert "bjöd in Klara Klinisk" in events and "importerade en CSV" in events
    page.screenshot(path="/tmp/admin-people.png", full_page=True)

    # Bea asked in writing for her data: the admin says which request, the export downloads and is logged
    page.once("dialog", lambda dialog: dialog.accept("Brev 2026-11-30, dnr 2026/77"))
    with page.expect_download() as download:
        page.click("button[data-export='bt@demo.bedside.se']")
    export = json.loads(Path(download.value.path()).read_text("utf-8"))
    assert export["person"]["email"] == "bt@demo.bedside.se" and export["assessments"]
    (logged,) = server.rows("SELECT detail FROM admin_events WHERE action = 'export_person'")
    assert json.loads(logged["detail"]) == {"request": "Brev 2026-11-30, dnr 2026/77"}

    page.fill("#ad-search", "klara")
    assert page.locator("#ad-users li:visible").count() == 1
    page.set_viewport_size({"width": 390, "height": 844})  # usable on a phone too
    page.screenshot(path="/tmp/admin-phone.png")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390

    link = link_mailed_to(smtp, "klara@demo.bedside.se", "losenord")
    klara = devices("klara")
    phone = klara.open()
    phone.goto(link)
    phone.wait_for_selector("#set-password[aria-busy='false'] #new-password")
    assert "Välkommen till Bedside, Klara Klinisk" in phone.inner_text("#set-password")
    phone.fill("#new-password", "klaras nya lösenord")
    phone.fill("#repeat-password", "klaras nya lösenord")
    phone.click("#set-password button[type=submit]")
    phone.wait_for_selector("#password-saved")
    phone.fill("#password", "klaras nya lösenord")
    phone.click("form button[type=submit]")
    phone.wait_for_selector("#new-assessment")
    phone.screenshot(path="/tmp/admin-klara-home.png", full_page=True)
