"""Proof 3: the assessor fills and signs on the phone, the trainee acknowledges with a reflection;
afterwards the assessment is read-only on both devices."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import ASSESSOR, TRAINEE, Server
from .test_offline_capture import MINI_CEX, fill

pytestmark = pytest.mark.browser


def test_assessor_signs_trainee_acknowledges_then_read_only(server: Server, devices: Any) -> None:
    trainee, assessor = devices("trainee"), devices("assessor")
    trainee.open()
    trainee.login(TRAINEE)
    doc_id = trainee.start_mini_cex()
    trainee.synced()

    assessor.open()
    assessor.login(ASSESSOR)
    assessor.synced()
    assessor.open_doc(doc_id)
    fill(assessor, MINI_CEX)
    assessor.page.click("#submit")  # "Signera nu": submit and sign
    assessor.synced()
    assessor.page.wait_for_selector("#doc-status[data-status='signed']")

    trainee.sync_now()
    trainee.open_doc(doc_id)
    trainee.page.wait_for_selector("#acknowledge")
    trainee.page.fill("#reflection", "Jag ska öva på att strukturera statusundersökningen.")
    trainee.page.click("#acknowledge")
    trainee.synced()
    trainee.page.wait_for_selector("#doc-status[data-status='acknowledged']")
    assessor.sync_now()
    assessor.page.wait_for_selector("#doc-status[data-status='acknowledged']")

    for d in (trainee, assessor):
        page = d.page
        assert page.locator("#read-only").is_visible()
        inputs = page.locator("#assessment-form input, #assessment-form textarea")
        assert inputs.count() > 10
        assert all(inputs.nth(i).is_disabled() for i in range(inputs.count()))
        for button in ("#submit", "#sign", "#acknowledge", "#delete"):
            assert page.locator(button).count() == 0
        assert "strukturera statusundersökningen" in page.locator("#reflection-text").inner_text()
    view = server.api(TRAINEE, f"/api/assessments/{doc_id}")
    assert view["status"] == "acknowledged"
    assert view["data"] == MINI_CEX
    assert view["reflection"] == "Jag ska öva på att strukturera statusundersökningen."
