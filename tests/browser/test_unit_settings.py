"""Issue 15: a unit's settings on one screen, each with its default, for the unit's studierektor (from her
home) and an admin (from the admin screen): Stefan raises the assessments needed by the midpoint and lets
trainees start their own 360 round, sees both marked as changed, and puts one back to its default."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Server
from .test_accessibility import serious

pytestmark = pytest.mark.browser

STUDIEREKTOR = "studierektor@demo.bedside.se"


def test_the_studierektor_changes_her_units_settings_and_goes_back_to_a_default(server: Server, devices: Any) -> None:
    stefan = devices("stefan", laptop=True)
    page = stefan.open()
    stefan.login(STUDIEREKTOR)
    page.click("[data-unit-settings]")
    page.wait_for_selector("#us-flags form")
    page.wait_for_selector("#us-rounds form")
    row = page.locator("[data-setting='min_signed_by_midpoint']")
    assert "Standard: 2" in row.inner_text() and row.get_attribute("data-changed") == "0"
    page.fill("#set-min_signed_by_midpoint", "3")
    page.click("#us-flags button[type=submit]")
    page.wait_for_selector("#us-flags [data-setting='min_signed_by_midpoint'][data-changed='1']")
    page.check("#set-trainee_may_open")
    page.click("#us-rounds button[type=submit]")
    page.wait_for_selector("#us-rounds [data-setting='trainee_may_open'][data-changed='1']")
    stored = {r["key"]: r["value"] for r in server.rows("SELECT key, value FROM unit_settings")}
    assert stored["flags.min_signed_by_midpoint"] == "3" and stored["rounds.trainee_may_open"] == "true", stored
    page.screenshot(path="/tmp/unit-settings.png", full_page=True)
    assert serious(page) == []
    page.locator("[data-setting='min_signed_by_midpoint'] button").click()  # back to the default
    page.click("#us-flags button[type=submit]")
    page.wait_for_selector("#us-flags [data-setting='min_signed_by_midpoint'][data-changed='0']")
