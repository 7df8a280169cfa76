"""Issue 15 in the browser, with a real SMTP server: Karin forgot her password; she asks for a link on the
login page of her phone, opens the link from the mail (aiosmtpd received it), chooses a new password and
logs in with it to her home. The same link then says it was used."""

from __future__ import annotations

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

KARIN = "handledare@demo.bedside.se"
NEW_PASSWORD = "tre ord i rad 2026"


def test_forgotten_password_by_a_mailed_link(server: Server, devices: Any, smtp: MailServer) -> None:
    karin = devices("karin")
    page = karin.open()
    page.click("#forgot-password")
    page.fill("#reset-email", KARIN)
    page.click("form button[type=submit]")
    page.wait_for_selector("#reset-answer[data-sent='1']")
    assert "Om adressen hör till ett konto" in page.inner_text("#reset-answer")
    assert serious(page) == []
    link = link_mailed_to(smtp, KARIN, "losenord")
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
