"""Issue 10, acceptance 1 (the assessor's part): the assessor's whole flow from a decoded QR code at
390×844, with the server really stopped for the offline part. The landing page says what is asked
(form, placement, unit, message, expiry) in full-width 48 px inputs; a personnummer is flagged as it
is typed and kept nowhere on the phone; the server's refusal reads in Swedish and loses nothing else;
after a restart the phone opens on her own work; the toast never covers the sign button; a Tack card
says what happens next and follows the sync live; who she is is remembered for the next request and
can be forgotten. The trainee's side: Mini-CEX by default, form names on the cards, no QR code for
an e-mail request, a completed request leads to its assessment. ``/dev/mail`` stays the server's."""

from __future__ import annotations

import json
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import TRAINEE, Device, Server
from .test_offline_capture import MINI_CEX, fill, shown
from .test_request_qr import decode_qr

pytestmark = pytest.mark.browser

PNR = "19121212-1212"
MESSAGE = "Tack för att du tittade på min bukundersökning!"
ME = {"#me-name": "Maja Sjöberg", "#me-title2": "Specialistsjuksköterska", "#me-work": "Akutmottagningen"}
EMAIL = "maja.sjoberg@sjukhus.test"
#: the assessor's part, filled before and after the restart
FIRST = {k: MINI_CEX[k] for k in ("setting", "setting_other", "encounter", "focus", "complexity", "anamnes")}
REST = {k: v for k, v in MINI_CEX.items() if k not in FIRST}


def serious(page: Any) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def everything_stored(page: Any) -> str:
    """All of IndexedDB on this phone (kv, docs, outbox) as one JSON text."""
    return str(page.evaluate(
        """() => new Promise((ok, fail) => {
            const req = indexedDB.open('bedside');
            req.onsuccess = () => {
                const db = req.result, out = {};
                const tx = db.transaction(['kv', 'docs', 'outbox']);
                for (const name of ['kv', 'docs', 'outbox']) {
                    const store = tx.objectStore(name), keys = store.getAllKeys(), values = store.getAll();
                    values.onsuccess = () => { out[name] = { keys: keys.result, values: values.result }; };
                }
                tx.oncomplete = () => { db.close(); ok(JSON.stringify(out)); };
                tx.onerror = fail;
            };
            req.onerror = fail;
        })"""))


def kv(page: Any, key: str) -> Any:
    return page.evaluate(
        """(key) => new Promise((ok, fail) => {
            const req = indexedDB.open('bedside');
            req.onsuccess = () => {
                const get = req.result.transaction('kv').objectStore('kv').get(key);
                get.onsuccess = () => { ok(get.result ?? null); req.result.close(); };
                get.onerror = fail;
            };
            req.onerror = fail;
        })""", key)


def toast_clear_of_submit(page: Any) -> None:
    """A toast shown now (the app's own) never overlaps the sticky sign button, wherever the page is scrolled."""
    page.evaluate("import('/js/app.js').then(({ app }) => app.toast('Appen fungerar nu utan nätverk.'))")
    page.wait_for_selector(".toast")
    for where in ("window.scrollTo(0, 0)", "window.scrollTo(0, document.body.scrollHeight / 2)",
                  "window.scrollTo(0, document.body.scrollHeight)"):
        page.evaluate(where)
        boxes = page.evaluate("""() => {
            const r = (el) => { const b = el.getBoundingClientRect(); return [b.top, b.bottom, b.left, b.right]; };
            const submit = document.querySelector('#submit');
            return { submit: submit && r(submit), toasts: [...document.querySelectorAll('.toast')].map(r),
                     visible: submit && submit.getBoundingClientRect().bottom <= innerHeight };
        }""")
        assert boxes["submit"], "no sign button"
        st, sb, sl, sr = boxes["submit"]
        for tt, tb, tl, tr in boxes["toasts"]:
            assert tb <= st or tt >= sb or tr <= sl or tl >= sr, (where, boxes)
    assert page.evaluate("document.querySelector('#submit').getBoundingClientRect().bottom <= innerHeight")


def new_request(trainee: Device, channel: str = "bedside", **fields: str) -> str:
    page = trainee.page
    page.goto(f"{trainee.server.base_url}/#/forfragningar")
    page.wait_for_selector("#rq-create")
    page.select_option("#rq-channel", channel)
    for key, value in fields.items():
        page.fill(f"#rq-{key}", value)
    page.click("#rq-create")
    page.wait_for_selector("#request-status")
    return str(page.url.split("#/forfragan/")[1])


def test_the_assessors_whole_flow_from_the_qr_code(server: Server, devices: Any) -> None:
    trainee, assessor = devices("trainee"), devices("assessor")
    trainee.open()
    trainee.login(TRAINEE)
    trainee.synced()
    tpage = trainee.page

    # --- the trainee: Mini-CEX by default; an e-mail request shows no QR code; cards name the form
    tpage.click("#requests-link")
    tpage.wait_for_selector("#rq-create")
    assert tpage.locator("#rq-form").input_value() == "mini-cex"
    tpage.fill("#rq-message", f"Patient {PNR}")
    tpage.wait_for_selector("#rq-message-pn >> visible=true")  # flagged as typed, never sent
    assert "personnummer" in tpage.locator("#rq-message-pn").inner_text()
    mailed = new_request(trainee, "email", name="Erik Extern", email="erik.extern@sjukhus.test", message="Hej!")
    assert tpage.locator("#qr svg").count() == 0 and "skannar" not in tpage.locator("main").inner_text()
    assert tpage.locator("#rq-mailed").is_visible()
    request_id = new_request(trainee, "bedside", message=MESSAGE)
    tpage.wait_for_selector("#qr svg")
    link = decode_qr(tpage.locator("#qr").screenshot())
    tpage.goto(f"{server.base_url}/#/forfragningar")
    tpage.wait_for_selector(f"li[data-request='{mailed}']")
    assert "Mini-CEX" in tpage.locator(f"li[data-request='{mailed}']").inner_text()

    # --- the landing page says what is asked, with inputs like the rest of the app
    page = assessor.open(link.removeprefix(server.base_url))
    page.wait_for_selector("#open-form")
    assert "Bea Bergström ber om din bedömning" in page.locator("h1").inner_text()
    assert page.locator("#rq-form-name").inner_text() == "Mini-CEX"
    assert page.locator("#rq-placement").inner_text() == "Akut sjukvård (internmedicin)"
    assert page.locator("#rq-unit").inner_text() == "Medicinkliniken, Demosjukhuset"
    assert MESSAGE in page.locator("#rq-message").inner_text()
    (req,) = server.rows("SELECT expires_at FROM assessment_requests WHERE id = ?", (request_id,))
    year = req["expires_at"][:4]
    assert year in page.locator("#rq-expires").inner_text() and "dagar kvar" in page.locator("#rq-expires").inner_text()
    main_width = page.evaluate("document.querySelector('main form').getBoundingClientRect().width")
    for box in page.evaluate("[...document.querySelectorAll('#me-form input')].map(i => i.getBoundingClientRect().toJSON())"):
        assert box["height"] >= 44 and box["width"] >= 0.8 * main_width, box
    page.screenshot(path="/tmp/landing-1-what.png", full_page=True)
    assert serious(page) == []

    # --- a personnummer in any of her fields is flagged as typed and kept nowhere
    page.fill("#me-name", ME["#me-name"])
    page.fill("#me-title2", ME["#me-title2"])
    page.fill("#me-work", f"Akutmottagningen {PNR}")
    page.wait_for_selector("#me-work-pn >> visible=true")
    assert "personnummer" in page.locator("#me-work-pn").inner_text()
    assert page.locator("#me-work").get_attribute("aria-invalid") == "true"
    page.fill("#me-mail", EMAIL)
    page.click("#open-form")
    assert page.locator("#answer-error").is_visible() and "#/svar/" in page.url  # not opened with it
    page.locator("#me-work").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/landing-2-personnummer.png")
    assert serious(page) == []
    for field in ("#me-name", "#me-title2"):
        page.fill(field, f"x {PNR}")
        page.wait_for_selector(f"{field}-pn >> visible=true")
        page.fill(field, ME[field])
        page.wait_for_selector(f"{field}-pn", state="hidden")
    assert PNR not in everything_stored(page) and "19121212" not in everything_stored(page)

    # --- the server's refusal, in Swedish, at the field it names; nothing else lost
    page.fill("#me-work", ME["#me-work"])
    page.fill("#me-mail", TRAINEE)  # the trainee's own address: only the server knows
    page.click("#open-form")
    page.wait_for_selector("#answer-error[data-reason='own_assessment'] >> visible=true")
    refusal = page.locator("#answer-error").inner_text() + page.locator("#me-mail-pn").inner_text()
    assert "Servern tog inte emot dina uppgifter" in refusal and "BT-läkarens egen e-postadress" in refusal
    assert "That is" not in refusal and "trainee" not in refusal  # never the server's English
    assert page.locator("#me-mail").get_attribute("aria-invalid") == "true"
    assert page.locator("#me-name").input_value() == ME["#me-name"]  # her name is not lost
    assert kv(page, "assessor_profile")["name"] == ME["#me-name"]
    assert TRAINEE not in json.dumps(kv(page, "assessor_profile")) and TRAINEE not in json.dumps(kv(page, "link"))
    page.locator("#me-mail").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/landing-3-refused.png")

    # --- the ward has no network: she starts offline (claimed at the first sync), half-fills, the phone restarts
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    server.stop()
    page.fill("#me-mail", EMAIL)
    page.click("#open-form")
    page.wait_for_selector("form[data-ready]")
    doc_id = page.url.split("#/a/")[1]
    fill(assessor, FIRST)
    page.wait_for_timeout(300)
    assessor.close()
    page = assessor.open("/")
    page.wait_for_selector(f"form[data-doc='{doc_id}'][data-ready]")
    assert "#/a/" in page.url and page.locator("#decline").count() == 0  # her work, not the landing page
    assert shown(assessor, FIRST) == FIRST
    fill(assessor, REST)
    toast_clear_of_submit(page)
    page.screenshot(path="/tmp/landing-4-form.png")
    page.click("#submit")  # "Signera nu", offline

    # --- Tack: waiting for network, then sent, as it syncs (no reload)
    page.wait_for_selector("#sync-state[data-state='waiting']")
    assert "inte skickad" in page.locator("#sync-state").inner_text()
    assert page.locator("#doc-status").get_attribute("data-status") == "signed"
    assert page.locator("#thanks").is_visible()
    page.screenshot(path="/tmp/landing-5-tack-waiting.png")
    assert serious(page) == []
    server.start()
    page.click("#sync-now")
    page.wait_for_selector("#sync-state[data-state='sent']", timeout=60000)
    assert "Bea Bergström ser den nu" in page.locator("#sync-state").inner_text()
    assert EMAIL in page.locator("#thanks-next").inner_text()
    page.screenshot(path="/tmp/landing-6-tack-sent.png")
    assert serious(page) == []
    (row,) = server.rows("SELECT a.status, a.assessor_name, r.assessor_workplace, r.assessor_title, r.claimed_email "
                         "FROM assessments a JOIN assessment_requests r ON r.assessment_id = a.id WHERE a.id = ?",
                         (doc_id,))
    assert row == {"status": "signed", "assessor_name": ME["#me-name"], "assessor_workplace": ME["#me-work"],
                   "assessor_title": ME["#me-title2"], "claimed_email": EMAIL}

    # --- restarted once more: her signed assessment, not the landing page
    assessor.close()
    page = assessor.open("/")
    page.wait_for_selector(f"[data-doc='{doc_id}'][data-ready] >> visible=true")
    assert page.locator("#doc-status").get_attribute("data-status") == "signed"
    assert page.locator("#decline").count() == 0

    # --- the trainee: the completed request leads to its assessment
    tpage.goto(f"{server.base_url}/#/forfragningar")
    tpage.wait_for_selector(f"li[data-request='{request_id}'] a[href='#/a/{doc_id}']")
    assert "Mini-CEX" in tpage.locator(f"li[data-request='{request_id}']").inner_text()
    tpage.goto(f"{server.base_url}/#/forfragan/{request_id}")
    tpage.wait_for_selector("#request-status[data-status='completed']")
    tpage.click("#rq-open-doc")
    trainee.page.wait_for_selector(f"[data-doc='{doc_id}'][data-ready] >> visible=true")

    # --- the next request on the same phone: who she is is filled in (never a personnummer), and can be forgotten
    second = new_request(trainee, "bedside")
    tpage.wait_for_selector("#qr svg")
    next_link = decode_qr(tpage.locator("#qr").screenshot())
    page.goto(next_link)
    page.wait_for_selector("#open-form")
    assert page.locator("#me-name").input_value() == ME["#me-name"]
    assert page.locator("#me-title2").input_value() == ME["#me-title2"]
    assert page.locator("#me-work").input_value() == ME["#me-work"]
    assert PNR not in everything_stored(page)
    page.screenshot(path="/tmp/landing-7-remembered.png", full_page=True)
    page.click("#forget-me")
    page.wait_for_selector("#remembered [role=status]")
    assert [page.locator(f).input_value() for f in (*ME, "#me-mail")] == ["", "", "", ""]
    assert kv(page, "assessor_profile") is None
    assert second
    assert not assessor.errors and not trainee.errors


def test_the_demo_mail_page_stays_the_servers_once_the_app_is_installed(server: Server, devices: Any) -> None:
    admin = devices("admin", laptop=True)
    admin.open()
    admin.login("admin@demo.bedside.se")
    page = admin.page
    page.goto(f"{server.base_url}/dev/mail")
    page.wait_for_selector("h1")
    assert "Skickad e-post" in page.locator("h1").inner_text()
    assert page.locator("#main").count() == 0  # not the app shell
    page.reload()
    assert "Skickad e-post" in page.locator("h1").inner_text()
    assert not admin.errors
