"""Browser tests: a real ``bedside serve`` process (temp SQLite, demo data) that tests stop and start,
and phone-sized Chromium profiles (persistent, so a "phone restart" keeps IndexedDB and the service
worker cache). Debian's Chromium, never a downloaded one."""

from __future__ import annotations

import json
import shutil
import sqlite3
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest

from bench.live_server import LiveServer
from tests.mail_support import MailServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PASSWORD = "bedside-demo"
TRAINEE = "bt@demo.bedside.se"
ASSESSOR = "bedomare@demo.bedside.se"
ASSESSOR_NAME = "Anders Ek"

def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)
            if not Path(CHROMIUM).exists():
                item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} is missing (make test installs it)"))


class Server(LiveServer):
    """The live server plus direct reads of its database and API, for the tests' assertions."""

    def __init__(self, tmp: Path) -> None:
        self.db_path = tmp / "db.sqlite3"
        super().__init__(f"sqlite:///{self.db_path}", log_path=tmp / "server.log")

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        con = sqlite3.connect(self.db_path)
        con.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in con.execute(sql, params)]
        finally:
            con.close()

    def api(self, email: str, path: str) -> Any:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        login = urllib.request.Request(self.base_url + "/api/auth/login", method="POST",
                                       data=json.dumps({"email": email, "password": PASSWORD}).encode(),
                                       headers={"Content-Type": "application/json"})
        opener.open(login, timeout=10).read()
        with opener.open(self.base_url + path, timeout=10) as r:
            return json.loads(r.read())


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    s = Server(tmp_path)
    s.cli("demo")
    s.start()
    yield s
    s.stop()


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    """A real SMTP server (aiosmtpd) that the ``mailing_server`` sends to."""
    mail = MailServer()
    mail.start()
    yield mail
    mail.stop()


@pytest.fixture
def mailing_server(tmp_path: Path, smtp: MailServer) -> Iterator[Server]:
    """The demo, sending its mail to the test's SMTP server (instead of the demo's /dev/mail)."""
    s = Server(tmp_path)
    s.env |= {"BEDSIDE_SMTP_HOST": "127.0.0.1", "BEDSIDE_SMTP_PORT": str(smtp.port), "BEDSIDE_SMTP_TLS": "none"}
    s.cli("demo")
    s.start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    """Per module, not per session: Playwright's sync API runs an event loop in the main thread
    while it is started, and the async tests that follow need that thread's loop free."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


class Device:
    """One phone: a persistent Chromium profile that can be closed and opened again."""

    def __init__(self, playwright: Any, profile: Path, server: Server, laptop: bool = False) -> None:
        self.playwright, self.profile, self.server = playwright, profile, server
        self.laptop = laptop  # a supervisor's laptop (1280×800) instead of a phone (390×844)
        self.context: Any = None
        self.page: Any = None
        self.errors: list[str] = []

    def open(self, path: str = "/", script: str | None = None) -> Any:
        """Start the browser on ``path``; ``script`` runs in every page before the page's own scripts."""
        self.context = self.playwright.chromium.launch_persistent_context(
            str(self.profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 800} if self.laptop else {"width": 390, "height": 844},
            is_mobile=not self.laptop, has_touch=not self.laptop, locale="sv-SE")
        if script:
            self.context.add_init_script(script)
        self.page = self.context.pages[0] if self.context.pages else self.context.new_page()
        self.page.set_default_timeout(15000)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(self.server.base_url + path)
        return self.page

    def close(self) -> None:
        if self.context:
            self.context.close()
        self.context = self.page = None

    # --- steps -------------------------------------------------------------------------------
    def login(self, email: str) -> None:
        p = self.page
        p.fill("#email", email)
        p.fill("#password", PASSWORD)
        p.click("form button[type=submit]")
        p.wait_for_selector("#new-assessment")
        p.evaluate("navigator.serviceWorker.ready.then(() => true)")
        p.wait_for_function("() => navigator.serviceWorker.controller !== null")

    def synced(self, timeout: float = 20000) -> None:
        """Wait until the outbox is empty and the last sync succeeded."""
        self.page.wait_for_function("() => document.querySelector('#pending')?.textContent === 'Allt synkat'"
            " && document.querySelector('#conn')?.textContent === 'Online'", timeout=timeout)

    def sync_now(self) -> None:
        self.page.click("#sync-now")
        self.synced()

    def start_mini_cex(self, assessor_name: str = ASSESSOR_NAME) -> str:
        p = self.page
        p.click("#new-assessment")
        p.wait_for_selector("#assessor-select option:nth-child(2)", state="attached")
        p.select_option("#form-select", label="Mini-CEX")
        option = p.locator("#assessor-select option", has_text=assessor_name).first
        p.select_option("#assessor-select", value=option.get_attribute("value"))
        p.click("#start")
        p.wait_for_selector("form[data-ready]")
        return str(p.url.split("#/a/")[1])

    def open_doc(self, doc_id: str) -> None:
        self.page.goto(f"{self.server.base_url}/#/a/{doc_id}")
        # the input form, or a signed assessment's summary (its read-only form folded away below it)
        self.page.wait_for_selector(f"[data-doc='{doc_id}'][data-ready] >> visible=true")

    def choose(self, pointer: str, value: Any) -> None:
        """Tap the option (or, in a long list, pick it from the phone's own picker)."""
        field, coded = f"[data-pointer='{pointer}']", json.dumps(value, ensure_ascii=False)
        if self.page.locator(f"{field} select").count():
            index = self.page.locator(f"{field} option[data-value='{coded}']").get_attribute("value")
            self.page.select_option(f"{field} select", value=index)
        else:
            self.page.click(f"{field} label[data-value='{coded}']")

    def fill_form(self, data: dict[str, Any]) -> None:
        """Tap and type every field as a person would: a section folded to one line opened first, choices by
        their labels, several choices one by one, text and numbers typed."""
        page = self.page
        for key, value in data.items():
            pointer = f"/{key}"
            field = page.locator(f"[data-pointer='{pointer}']")
            folded = page.locator(".form-section", has=field).locator("button.sec-open")
            if folded.is_visible():
                folded.click()
            if field.locator("input[type=radio], select").count():
                self.choose(pointer, value)
            elif isinstance(value, list):
                for v in value:
                    page.click(f"[data-pointer='{pointer}'] label[data-value='{json.dumps(v, ensure_ascii=False)}']")
            elif isinstance(value, bool):
                field.locator("input[type=checkbox]").set_checked(value)
            else:
                self.type(pointer, str(value))

    def type(self, pointer: str, text: str) -> None:
        self.page.fill(f"[data-pointer='{pointer}'] input, [data-pointer='{pointer}'] textarea", text)

    def value(self, pointer: str) -> Any:
        """What the form shows for a field (checked option's value, or the text)."""
        return self.page.evaluate(
            """(pointer) => {
                const el = document.querySelector(`[data-pointer='${pointer}']`);
                const checked = el.querySelector('input:checked');
                if (checked) return JSON.parse(el.querySelector(`label[for='${checked.id}']`).dataset.value);
                const list = el.querySelector('select');
                if (list) return list.selectedIndex > 0 ? JSON.parse(list.options[list.selectedIndex].dataset.value) : null;
                const input = el.querySelector('input:not([type=radio]), textarea');
                return input ? input.value : null;
            }""", pointer)

    def stored(self, doc_id: str) -> Any:
        """The document as IndexedDB holds it on this device."""
        return self.page.evaluate(
            """(id) => new Promise((ok, fail) => {
                const req = indexedDB.open('bedside');
                req.onsuccess = () => {
                    const get = req.result.transaction('docs').objectStore('docs').get(id);
                    get.onsuccess = () => { ok(get.result); req.result.close(); };
                    get.onerror = fail;
                };
                req.onerror = fail;
            })""", doc_id)

    def outbox(self) -> Any:
        return self.page.evaluate(
            """() => new Promise((ok, fail) => {
                const req = indexedDB.open('bedside');
                req.onsuccess = () => {
                    const all = req.result.transaction('outbox').objectStore('outbox').getAll();
                    all.onsuccess = () => { ok(all.result); req.result.close(); };
                    all.onerror = fail;
                };
                req.onerror = fail;
            })""")


@pytest.fixture
def devices(playwright: Any, server: Server, tmp_path: Path) -> Iterator[Any]:
    made: list[Device] = []

    def make(name: str, laptop: bool = False) -> Device:
        d = Device(playwright, tmp_path / f"profile-{name}", server, laptop)
        made.append(d)
        return d

    yield make
    for d in made:
        d.close()
        shutil.rmtree(d.profile, ignore_errors=True)
