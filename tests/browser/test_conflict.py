"""Proof 2: two devices edit the same draft while the server is down; different fields merge, the
shared field becomes a conflict shown side by side, a person resolves it, both devices converge."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import ASSESSOR, TRAINEE, Server

pytestmark = pytest.mark.browser


def test_two_devices_merge_and_resolve_a_conflict(server: Server, devices: Any) -> None:
    trainee, assessor = devices("trainee"), devices("assessor")
    trainee.open()
    trainee.login(TRAINEE)
    doc_id = trainee.start_mini_cex()
    trainee.type("/focus", "Bröstsmärta")
    trainee.synced()

    assessor.open()
    assessor.login(ASSESSOR)
    assessor.synced()
    assessor.open_doc(doc_id)
    assert assessor.value("/focus") == "Bröstsmärta"

    server.stop()
    trainee.choose("/complexity", "hog")                     # only the trainee
    trainee.type("/focus", "Trygg i mötet")                  # both (the context is filled in by both)
    assessor.type("/development_areas", "Tidsdisposition")   # only the assessor (hers alone to fill in)
    assessor.type("/focus", "Strukturerad anamnes")          # both
    for d in (trainee, assessor):
        d.page.wait_for_function("() => document.querySelector('#pending')?.textContent.includes('osynkad')")

    server.start()
    trainee.sync_now()
    assessor.sync_now()
    trainee.sync_now()

    for d in (trainee, assessor):
        d.page.wait_for_selector("[data-pointer='/focus'] .conflict")
        assert d.value("/complexity") == "hog"
        assert d.value("/development_areas") == "Tidsdisposition"
        sides = d.page.locator("[data-pointer='/focus'] .conflict .side .value").all_inner_texts()
        assert sorted(sides) == ["Strukturerad anamnes", "Trygg i mötet"]
        assert d.page.locator("[data-pointer='/focus'] input").is_disabled()

    # the assessor keeps the trainee's wording
    assessor.page.locator("[data-pointer='/focus'] .side", has_text="Trygg i mötet").locator("button.pick").click()
    assessor.sync_now()
    trainee.sync_now()
    for d in (trainee, assessor):
        d.page.wait_for_function("() => !document.querySelector(\"[data-pointer='/focus'] .conflict\")")
        assert d.value("/focus") == "Trygg i mötet"
        assert not d.page.locator("[data-pointer='/focus'] input").is_disabled()
        assert d.stored(doc_id)["conflicts"] == {}
    view = server.api(TRAINEE, f"/api/assessments/{doc_id}")
    assert view["conflicts"] == {}
    assert view["data"]["focus"] == "Trygg i mötet"
    assert view["data"]["development_areas"] == "Tidsdisposition"
    assert view["data"]["complexity"] == "hog"
    assert trainee.stored(doc_id)["data"] == assessor.stored(doc_id)["data"] == view["data"]
