"""Issue 15 in the browser, with a real SMTP server: Karin forgot her password; she asks for a link on the
login page of her phone, opens the link from the mail (aiosmtpd received it), chooses a new password and
logs in with it to her home. The same link then says it was used."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.mail_support import MailServer

from .conftest import Server
from .test_accessibility import serious

pytestmark = pytest.mark.browser

KARIN = "handledare@demo.bedside.se"
NEW_PASSWORD = "tre ord i rad 2026"


@pytest.fixture
def mail() -> Iterator[MailServer]:
    smtp = MailServer()
    smtp.start()
    yield smtp
    smtp.stop()


@pytest.fixture
def server(tmp_path: Path, mail: MailServer) -> Iterator[Server]:
    """The demo, sending its mail to the test's SMTP server."""
    s = Server(tmp_path)
    s.env |= {"BEDSIDE_SMTP_HOST": "127.0.0.1", "BEDSIDE_SMTP_PORT": str(mail.port), "BEDSIDE_SMTP_TLS": "none"}
    s.cli("demo")
    s.start()
    yield s
    s.stop()


def link_in(mail: MailServer, to: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mail.to(to):
            found = re.search(r"https?://\S+#/losenord/\S+", message.get_content())
            if found:
                return found.group(0)
        time.sleep(0.1)
    raise AssertionError(f"no password link mailed to {to}")


def test_forgotten_password_by_a_mailed_link(server: Server, devices: Any, mail: MailServer) -> None:
    karin = devices("karin")
    page = karin.open()
    page.click("#forgot-password")
    page.fill("#reset-email", KARIN)
    page.click("form button[type=submit]")
    page.wait_for_selector("#reset-answer[data-sent='1']")
    assert "Om adressen hör till ett konto" in page.inner_text("#reset-answer")
    assert serious(page) == []
    link = link_in(mail, KARIN)
    assert link.startswith(server.base_url)

    page.goto(link)
    page.wait_for_selector("#set-password[aria-busy='false'] #new-password")
    assert KARIN in page.inner_text("#set-password")
    page.fill("#new-password", "kort")
    page.fill("#repeat-password", "kort")
    page.click("#set-password button[type=submit]")
    page.wait_for_selector("#password-error:not([hidden])")
    assert "minst 10 tecken" in page.inner_text("#password-error")
    page.fill("#new-password", NEW_PASSWORD)
    page.fill("#repeat-password", NEW_PASSWORD)
    page.screenshot(path="/tmp/password-choose.png", full_page=True)
    assert serious(page) == []
    page.click("#set-password button[type=submit]")
    page.wait_for_selector("#password-saved")
    assert page.input_value("#email") == KARIN
    page.fill("#password", NEW_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_selector("#new-assessment")

    page.goto(link)  # spent
    page.wait_for_selector("#set-password[aria-busy='false'] #password-error")
    assert "redan använd" in page.inner_text("#password-error")
