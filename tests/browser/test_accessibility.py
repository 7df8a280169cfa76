"""Proof 4: axe-core finds no serious or critical violation in the main views."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import TRAINEE, Server

pytestmark = pytest.mark.browser


def serious(page: Any) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_main_views_have_no_serious_accessibility_violations(server: Server, devices: Any) -> None:
    phone = devices("trainee")
    page = phone.open()
    page.wait_for_selector("#email")
    found = {"login": serious(page)}
    phone.login(TRAINEE)
    found["list"] = serious(page)
    page.click("#new-assessment")
    page.wait_for_selector("#assessor-select option:nth-child(2)", state="attached")
    found["new"] = serious(page)
    page.click("a.back")
    doc_id = phone.start_mini_cex()
    phone.choose("/setting", "annat")
    phone.choose("/complexity", "hog")  # the ratings are the assessor's: read-only here, with a note
    phone.type("/focus", "Pat 19121212-1212")  # an error message on screen
    found["form"] = serious(page)
    page.click("#lang")
    page.wait_for_selector("html[lang='en']")
    found["form_en"] = serious(page)
    assert doc_id
    assert all(not v for v in found.values()), found


@pytest.mark.parametrize("laptop", [False, True], ids=["phone", "laptop"])
def test_the_supervisors_screens_have_no_serious_accessibility_violations(server: Server, devices: Any,
                                                                          laptop: bool) -> None:
    found: dict[str, list[str]] = {}
    karin = devices("karin", laptop)
    page = karin.open()
    karin.login("handledare@demo.bedside.se")
    page.wait_for_selector("#home[data-ready]")
    found["home (clinical supervisor)"] = serious(page)
    page.locator("#home-clinical_supervisor a.person-name").first.click()
    page.wait_for_selector("#delmal-matrix")
    found["trainee page"] = serious(page)
    stefan = devices("stefan", laptop)
    page = stefan.open()
    stefan.login("studierektor@demo.bedside.se")
    page.wait_for_selector("#home[data-ready]")
    found["home (studierektor)"] = serious(page)
    page.click("#home-studierektor a.card-link")
    page.wait_for_selector("#overview-table")
    found["unit overview"] = serious(page)
    assert all(not v for v in found.values()), found
