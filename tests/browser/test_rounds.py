"""Issue 11, acceptance 3: a whole 360 round in real browsers. The main supervisor (laptop) starts it
on Bea's page; Bea (phone) nominates twelve colleagues, self-assesses and sends the requests; ten
raters answer by their links without an account (two on phones whose network is gone while they
answer, one with a concern), one declines; the main supervisor sees the live status and the
concern, closes and releases; Bea reads the report and finds no name anywhere, on the screen or in
what her phone keeps."""

from __future__ import annotations

import json
import secrets
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest

from server.auth.capability import link_url, make_token
from tests.rounds_support import ITEMS, RATERS, rater_answer

from .conftest import TRAINEE, Server
from .test_accessibility import serious

pytestmark = pytest.mark.browser

HHL = "hhl@demo.bedside.se"  # Helena Holm, Bea's main supervisor
SECRET = "live-server-secret"  # bench.live_server's BEDSIDE_SECRET_KEY


def post(server: Server, path: str, body: dict[str, Any], token: str) -> Any:
    request = urllib.request.Request(server.base_url + path, method="POST", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.loads(r.read())


def links(server: Server) -> dict[str, tuple[str, str]]:
    """e-mail -> (the link the rater was mailed, the request link's token), as the server made them."""
    rows = server.rows("""SELECT x.email, r.token_nonce FROM msf_round_raters x
                          JOIN assessment_requests r ON r.id = x.request_id
                          WHERE x.email LIKE '%@sjukhus.test'""")  # the test's raters, not the demo's
    out = {}
    for r in rows:
        token = make_token(SECRET, "request-link", r["token_nonce"])
        out[r["email"]] = (link_url(server.base_url, "request-link", token), token)
    return out


def answer_by_api(server: Server, token: str, name: str, email: str, answer: dict[str, Any]) -> None:
    """A rater on a phone of their own: claims the link, fills in and signs (what the PWA sends)."""
    claimed = post(server, "/api/link/claim", {"device_key": secrets.token_hex(16), "name": name,
                                               "title": "Kollega", "workplace": "Medicinkliniken", "email": email}, token)
    doc = claimed["doc_id"]
    done = post(server, "/api/sync", {"client_id": str(uuid.uuid4()), "since": 0, "mutations": [
        {"kind": "edit", "id": 1, "at": 1_800_000_000_001, "doc_id": doc, "base_version": 1,
         "fields": {f"/{k}": v for k, v in answer.items()}},
        {"kind": "submit", "id": 2, "at": 1_800_000_000_002, "doc_id": doc},
        {"kind": "sign", "id": 3, "at": 1_800_000_000_003, "doc_id": doc}]}, claimed["secret"])
    assert [r["status"] for r in done["results"]] == ["applied"] * 3, done


def fill_answer(device: Any, answer: dict[str, Any]) -> None:
    for key, value in answer.items():
        if key in ITEMS or key == "overall_concern":
            device.choose(f"/{key}", value)
        else:
            device.type(f"/{key}", value)


def rater_on_phone(device: Any, server: Server, link: str, name: str, email: str) -> Any:
    page = device.open(link.removeprefix(server.base_url))
    page.wait_for_selector("#open-form")
    assert "360" in page.locator("main").inner_text()
    page.fill("#me-name", name)
    page.fill("#me-title2", "Sjuksköterska")
    page.fill("#me-work", "Avdelning 12")
    page.fill("#me-mail", email)
    page.click("#open-form")
    page.wait_for_selector("form[data-ready]")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    return page


def everything_kept(page: Any) -> str:
    """What the phone keeps: every IndexedDB store and localStorage, as one text."""
    return str(page.evaluate("""() => new Promise((ok) => {
        const req = indexedDB.open('bedside');
        req.onsuccess = async () => {
            const db = req.result, out = {};
            for (const name of db.objectStoreNames) {
                out[name] = await new Promise((done) => {
                    const all = db.transaction(name).objectStore(name).getAll();
                    all.onsuccess = () => done(all.result);
                });
            }
            db.close();
            ok(JSON.stringify(out) + JSON.stringify({...localStorage}));
        };
    })"""))


def test_a_whole_360_round(server: Server, devices: Any) -> None:
    bea_id = server.rows("SELECT id FROM users WHERE email = ?", (TRAINEE,))[0]["id"]
    hhl = devices("hhl", laptop=True)
    page = hhl.open()
    hhl.login(HHL)
    page.goto(f"{server.base_url}/#/bt/{bea_id}")
    page.click("#round-start")
    page.wait_for_selector("#round-status")
    round_id = page.url.split("#/360/")[1]

    # Bea nominates on her phone (a personnummer typed in a name is flagged at once, never sent)
    bea = devices("bea")
    phone = bea.open()
    bea.login(TRAINEE)
    phone.click("#my-360")
    phone.wait_for_selector("#rater-name")
    phone.fill("#rater-name", "Nora 19121212-1212")
    phone.wait_for_selector("#rater-error:not([hidden])")
    for name, email, group in RATERS:
        phone.fill("#rater-name", name)
        phone.fill("#rater-email", email)
        phone.select_option("#rater-group", group)
        phone.click("#rater-add")
        phone.wait_for_selector(f"li.rater[data-email='{email}']")
    phone.screenshot(path="/tmp/round-nominate-phone.png", full_page=True)
    assert serious(phone) == []
    # her self-assessment, then the requests go out
    phone.click("#round-self-start")
    phone.wait_for_selector("form[data-ready]")
    fill_answer(bea, rater_answer(4, strengths="Jag lyssnar på teamet.", development="Jag kan delegera mer."))
    assert phone.locator("#submit").inner_text() == "Signera nu"  # her own document: she signs at once
    phone.click("#submit")
    phone.wait_for_selector("#doc-status[data-status='signed']")
    bea.synced()
    phone.goto(f"{server.base_url}/#/360/{round_id}")
    phone.wait_for_selector(".self >> text=Självskattningen är signerad")  # linked to the round once synced
    phone.click("#round-send")
    phone.wait_for_selector(".round-totals")
    assert phone.locator("li.rater").count() == 0  # from now on, totals only
    assert server.rows("SELECT self_assessment_id FROM msf_rounds WHERE id = ?", (round_id,))[0]["self_assessment_id"]

    mailed = links(server)
    assert len(mailed) == len(RATERS)
    # two raters open their links on their phones, then answer while the ward's network is gone (the
    # server really stopped); their answers go when it is back
    offline = {5: "Alltid lugn med oroliga anhöriga.", 6: "Tar sig tid att förklara för patienten."}
    phones = []
    for n in offline:
        name, email, _ = RATERS[n]
        phones.append((devices(f"rater{n}"), n))
        rater_on_phone(phones[-1][0], server, mailed[email][0], name, email)
    server.stop()
    for device, n in phones:
        fill_answer(device, rater_answer(5, strengths=offline[n]))
        device.page.click("#submit")
        device.page.wait_for_selector("#doc-status[data-status='signed']")
    server.start()
    for device, _ in phones:
        device.sync_now()
    # eight more on phones of their own (one with a concern); one declines
    for n, (name, email, _) in enumerate(RATERS[:10]):
        if n in offline:
            continue
        answer_by_api(server, mailed[email][1], name, email,
                      rater_answer(3 + n % 3, concern="viss" if n == 7 else "inga", strengths=f"Styrka {n}."))
    post(server, "/api/link/decline", {"reason": "Har inte arbetat med Bea."}, mailed[RATERS[11][1]][1])

    # the main supervisor: every rater by name, the concern at once, the reminder not to tell
    page.goto(f"{server.base_url}/#/360/{round_id}")
    page.wait_for_selector(".concern")
    assert page.locator(".confidential").is_visible()
    text = page.locator("main").inner_text()
    assert RATERS[0][0] in text and "Avböjt" in text and "Svarat" in text
    page.screenshot(path="/tmp/round-live-laptop.png", full_page=True)
    assert serious(page) == []
    page.click("#round-close")
    page.wait_for_selector("#round-release")
    page.click("#round-release")
    page.wait_for_selector("#round-status:has-text('Släppt')")

    # Bea reads the report: aggregates, comments without names, her own answers beside them
    phone.goto(f"{server.base_url}/#/360/{round_id}")
    phone.click("#round-report")
    phone.wait_for_selector("figure.item svg")
    shown = phone.locator("main").inner_text()
    assert "Självskattning" in shown and "Alltid lugn med oroliga anhöriga." in shown
    assert "Specialistläkare (" not in shown  # two specialists are never a group of their own
    phone.screenshot(path="/tmp/round-report-phone.png", full_page=True)
    assert serious(phone) == []
    # it prints on A4: no buttons, every chart whole
    phone.emulate_media(media="print")
    assert phone.locator("#agreed-save").is_hidden() and phone.locator("main .actions, .round-actions").count() == 0
    (Path("/tmp") / "round-report.pdf").write_bytes(phone.pdf(format="A4", print_background=True))
    phone.emulate_media(media="screen")
    kept = everything_kept(phone) + phone.content()
    for name, email, _ in RATERS:
        assert name not in kept and email not in kept, name
    assert "Har inte arbetat med Bea." not in kept
    for device in (hhl, bea, *(d for d, _ in phones)):
        assert not device.errors, device.errors
