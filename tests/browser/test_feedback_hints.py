"""Issue 10, "Feedback that helps", on the device: the PWA's pwa/js/feedback.js gives the same hints as
the server (server/catalog/feedback.py) on the shared cases in tests/data/feedback_hints.json, run in
Chromium against the app's own origin (Playwright's evaluate goes through the DevTools protocol, which
the page's Content-Security-Policy does not restrict; the module itself is imported the ordinary way,
from 'self'). Then the assessor's form: the prompts from the rules as help text, a gentle hint (a
status, not an error) as she types, and signing with no real agreed action asks once."""

from __future__ import annotations

import json
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import ASSESSOR, TRAINEE, Server
from .test_offline_capture import CONTEXT, MINI_CEX, fill
from ..test_feedback_hints import CASES

pytestmark = pytest.mark.browser

RUN_CASES = """async (cases) => {
  const m = await import('/js/feedback.js');
  return cases.map((c) => ({ hints: m.hints(c.rules, c.data), asks: m.signRule(c.rules, c.data) !== undefined }));
}"""


def test_the_shared_cases_give_the_same_hints_in_the_pwa(server: Server, devices: Any) -> None:
    page = devices("phone").open()
    page.wait_for_selector("#email")
    got = page.evaluate(RUN_CASES, CASES)
    expected = [{"hints": c["hints"], "asks": c["asks_before_signing"]} for c in CASES]
    mismatches = [(c["name"], g, e) for c, g, e in zip(CASES, got, expected, strict=True) if g != e]
    assert not mismatches, json.dumps(mismatches, ensure_ascii=False, indent=1)


def hint(page: Any, pointer: str) -> str:
    """The hint under a field ('' when none): in its role=status slot, never an error."""
    return str(page.evaluate("""(p) => {
        const slot = document.querySelector(`[data-pointer='${p}'] [role=status].hint-slot`);
        if (!slot) return null;
        return slot.textContent;
    }""", pointer))


def test_hints_appear_as_the_assessor_types_and_signing_asks_once(server: Server, devices: Any) -> None:
    trainee, assessor = devices("trainee"), devices("assessor")
    trainee.open()
    trainee.login(TRAINEE)
    doc_id = trainee.start_mini_cex()
    fill(trainee, CONTEXT)
    trainee.synced()

    page = assessor.open()
    assessor.login(ASSESSOR)
    assessor.synced()
    assessor.open_doc(doc_id)
    page.wait_for_selector("[data-pointer='/strengths'] .hint-slot[role=status]", state="attached")
    # the guide's prompts are the feedback fields' help text, and each field is described by its hint slot
    assert page.locator("[data-pointer='/strengths'] .help").inner_text() == (
        "Vilket beteende bör BT-läkaren bevara? Utgå från en konkret situation.")
    assert page.locator("[data-pointer='/agreed_action'] .help").inner_text() == "Vad är nästa steg, och när följer ni upp det?"
    described = page.get_attribute("[data-pointer='/strengths'] textarea", "aria-describedby") or ""
    slot_id = page.get_attribute("[data-pointer='/strengths'] .hint-slot", "id")
    assert slot_id in described.split()
    assert hint(page, "/strengths") == "" and hint(page, "/agreed_action") == ""  # nothing said before she writes

    fill(assessor, {k: v for k, v in MINI_CEX.items() if k not in CONTEXT and k not in ("strengths", "development_areas", "agreed_action")})
    page.click("[data-pointer='/development_areas'] textarea")
    page.keyboard.type("Stressad, tappade tråden.")  # corrective only, so far
    page.wait_for_selector("[data-pointer='/strengths'] [data-hint='only_corrective']")
    assert hint(page, "/strengths").startswith("Bara korrigerande hittills.")
    assert hint(page, "/development_areas") == ""
    assert page.locator("[data-pointer='/strengths'] .error:not([hidden])").count() == 0  # a hint, not an error
    assert page.get_attribute("[data-pointer='/strengths'] textarea", "aria-invalid") in (None, "false")
    assert not serious(page)

    page.click("[data-pointer='/strengths'] textarea")
    page.keyboard.type("Bra.")
    assert hint(page, "/strengths").startswith("Bara korrigerande")  # still short: the first rule that holds
    page.keyboard.type(" Du lyssnade färdigt innan du frågade vidare.")
    page.wait_for_function("() => !document.querySelector(\"[data-pointer='/strengths'] [data-hint]\")")

    page.click("[data-pointer='/agreed_action'] textarea")
    page.keyboard.type("-")
    page.wait_for_selector("[data-pointer='/agreed_action'] [data-hint='no_agreed_action']")
    assert hint(page, "/agreed_action").startswith("Ingen överenskommen åtgärd ännu")
    assessor.synced()

    page.click("#submit")  # "Signera nu": the one question
    page.wait_for_selector("#sign-confirm")
    assert page.locator("#sign-confirm-q").inner_text() == "Signera utan överenskommen åtgärd?"
    assert page.evaluate("() => document.activeElement?.id") == "sign-anyway"
    assert page.locator("#doc-status").get_attribute("data-status") == "draft"
    assert not serious(page)
    page.click("#sign-write")  # she goes back to write one
    page.wait_for_selector("#sign-confirm", state="detached")
    assert page.evaluate("() => document.activeElement?.closest('[data-pointer]')?.dataset.pointer") == "/agreed_action"
    assert page.locator("#doc-status").get_attribute("data-status") == "draft"

    page.click("#submit")  # asked once already: this signs
    page.wait_for_selector("#doc-status[data-status='signed']")
    assert page.locator("#sign-confirm").count() == 0
    assessor.synced()
    view = server.api(ASSESSOR, f"/api/assessments/{doc_id}")
    assert view["status"] == "signed" and view["data"]["agreed_action"] == "-"
    assert not assessor.errors


def serious(page: Any) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
