"""An assessor with an account sees what trainees asked of them under "Förfrågningar till mig"."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import ASSESSOR, TRAINEE, Server

pytestmark = pytest.mark.browser


def test_a_draft_started_for_me_is_listed_as_a_request_to_me(server: Server, devices: Any) -> None:
    trainee, assessor = devices("trainee"), devices("assessor")
    trainee.open()
    trainee.login(TRAINEE)
    doc_id = trainee.start_mini_cex()
    trainee.synced()

    assessor.open()
    assessor.login(ASSESSOR)
    assessor.synced()
    group = assessor.page.locator("section.group", has=assessor.page.locator("#g-to_me"))
    group.wait_for()
    assert "Förfrågningar till mig" in group.locator("h2").inner_text()
    assert group.locator(f"a[href='#/a/{doc_id}']").count() == 1
