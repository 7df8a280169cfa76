"""Proof 1: capture a Mini-CEX with the server really gone, survive a reload and a browser restart,
and sync by itself, exactly once, when the server is back. The trainee fills in the context; the
assessor's sections (ratings, time, feedback) are read-only to her, and say so."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import TRAINEE, Device, Server

pytestmark = pytest.mark.browser

MINI_CEX: dict[str, Any] = {
    "setting": "annat", "setting_other": "Hemsjukvård", "encounter": "aterbesok",
    "focus": "Andfåddhet, status och handläggning", "complexity": "hog", "patient_age_band": "80+",
    "anamnes": 7, "status": 6, "kommunikation": 9, "klinisk_bedomning": 5, "professionalism": "ej_observerat",
    "organisation": 4, "helhetsbedomning": 6, "minutes_observed": 25, "minutes_feedback": 10,
    "strengths": "Lugn och tydlig, bra sammanfattning.",
    "development_areas": "Strukturera statusundersökningen.\nTänk på tiden.",
    "agreed_action": "Ny Mini-CEX på akuten om två veckor.",
}
CHOICES = ("setting", "encounter", "complexity", "patient_age_band", "anamnes", "status", "kommunikation",
           "klinisk_bedomning", "professionalism", "organisation", "helhetsbedomning")
#: what the trainee fills in herself (from Mini-CEX version 2 the rest is the assessor's: filled_by)
CONTEXT = {k: MINI_CEX[k] for k in ("setting", "setting_other", "encounter", "focus", "complexity", "patient_age_band")}


def fill(device: Device, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if key in CHOICES:
            device.choose(f"/{key}", value)
        else:
            device.type(f"/{key}", str(value))


def shown(device: Device, data: dict[str, Any] = MINI_CEX) -> dict[str, Any]:
    values = {key: device.value(f"/{key}") for key in data}
    return {k: (int(v) if k.startswith("minutes") and v not in (None, "") else v) for k, v in values.items()}


def test_offline_capture_survives_reload_and_restart_then_syncs_once(server: Server, devices: Any) -> None:
    phone = devices("trainee")
    page = phone.open()
    phone.login(TRAINEE)
    page.click("#new-assessment")  # visit "new" once online: colleagues and placements are kept for offline
    page.wait_for_selector("#assessor-select option:nth-child(2)", state="attached")
    page.click("a.back")
    phone.synced()
    before = server.rows("SELECT count(*) AS n FROM assessments")[0]["n"]

    server.stop()
    page.reload()
    page.wait_for_selector("#new-assessment")  # still logged in, with no server
    page.wait_for_function("() => document.querySelector('#conn')?.textContent === 'Offline'")
    doc_id = phone.start_mini_cex()  # the catalog is on the device

    # personnummer is flagged as it is typed and never stored
    phone.type("/focus", "Pat 19121212-1212 med andnöd")
    assert page.locator("[data-pointer='/focus'] .error").is_visible()
    assert "personnummer" in page.locator("[data-pointer='/focus'] .error").inner_text()
    fill(phone, CONTEXT)
    assert not page.locator("[data-pointer='/focus'] .error").is_visible()
    # the assessor rates and gives feedback: read-only to the trainee, with a note in each header
    for section in ("ratings", "feedback", "assessor"):
        assert page.locator(f"#sec-{section}-by").inner_text() == "Fylls i av bedömaren"
    assert page.locator("[data-section='context'] .filled-by").count() == 0
    assert page.locator("[data-pointer='/anamnes'] input").first.is_disabled()
    assert page.locator("[data-pointer='/strengths'] textarea").is_disabled()
    assert not page.locator("[data-pointer='/focus'] input").is_disabled()
    page.wait_for_function("() => document.querySelector('#pending')?.textContent.includes('osynkad')")
    assert "19121212" not in repr(phone.outbox()) + repr(phone.stored(doc_id))

    page.reload()
    page.wait_for_selector("form[data-ready]")
    assert shown(phone, CONTEXT) == CONTEXT

    phone.close()  # the phone restarts
    phone.open(f"/#/a/{doc_id}")
    phone.page.wait_for_selector("form[data-ready]")
    assert shown(phone, CONTEXT) == CONTEXT
    assert phone.stored(doc_id)["data"] == CONTEXT

    server.start()
    phone.synced(timeout=60000)  # by itself: no button pressed
    rows = server.rows("SELECT id, data, status FROM assessments WHERE id = ?", (doc_id,))
    assert len(rows) == 1
    assert server.rows("SELECT count(*) AS n FROM assessments")[0]["n"] == before + 1
    view = server.api(TRAINEE, f"/api/assessments/{doc_id}")
    assert view["data"] == CONTEXT and view["form_version"] == 3  # the current Mini-CEX
    assert view["status"] == "draft"
    assert phone.outbox() == []
    assert not phone.errors
