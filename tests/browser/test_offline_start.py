"""Issue 10, offline start: the assessment in the address paints from the kept copy of its first screen
before any module has loaded (js/paint.js); what is typed into that copy is kept when the app takes
over; a flagged personnummer is never kept in the copy; logging out forgets every copy."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import TRAINEE, Server

pytestmark = pytest.mark.browser

# Runs before the page's own scripts: when js/paint.js fills #main with the kept copy, note what it
# shows and type into it, as a person would before the app has taken over.
WATCH = """
new MutationObserver((changes, observer) => {
  const main = document.getElementById("main");
  if (!main || !main.dataset.snapshot || window.__seen) return;
  const focus = main.querySelector("[data-pointer='/focus'] input, [data-pointer='/focus'] textarea");
  window.__seen = { h1: main.querySelector("h1")?.textContent, focus: focus?.value,
                    sections: main.querySelectorAll(".form-section").length, app_ready: window.__bedsideReady ?? null };
  if (focus) focus.value = focus.value + ", fall";
  const high = [...main.querySelectorAll("[data-pointer='/complexity'] input")].pop();  // the last choice, Hög
  if (high) high.checked = true;
  observer.disconnect();
}).observe(document, { childList: true, subtree: true, attributes: true });
"""
KEPT = "() => Object.keys(localStorage).filter((k) => k.startsWith('bedside-first:') && k.length > 14)"


def test_the_first_screen_paints_before_the_app_and_what_is_typed_there_is_kept(
    server: Server, devices: Any
) -> None:
    phone = devices("trainee")
    page = phone.open()
    phone.login(TRAINEE)
    doc_id = phone.start_mini_cex()
    phone.type("/focus", "Yrsel hos äldre")
    phone.synced()
    page.click("a.back")  # leaving the form keeps its first screen as it is now
    page.wait_for_selector("#new-assessment")
    assert page.evaluate(KEPT) == [f"bedside-first:{doc_id}"]
    phone.close()
    server.stop()  # offline: the service worker serves the app

    # opened again: before any module has run, the copy is there, and she types into it at once
    page = phone.open(f"/#/a/{doc_id}", script=WATCH)  # js/paint.js fills #main; WATCH types into it at once
    page.wait_for_selector(f"form[data-doc='{doc_id}'][data-ready]")
    seen = page.evaluate("() => window.__seen")
    assert seen["h1"] == "Mini-CEX" and seen["focus"] == "Yrsel hos äldre" and seen["sections"] == 1
    assert seen["app_ready"] is None  # the app had not drawn anything yet
    page.wait_for_function("() => !document.querySelector('#main').dataset.snapshot")
    field = page.locator("[data-pointer='/focus'] input, [data-pointer='/focus'] textarea")
    assert field.input_value() == "Yrsel hos äldre, fall"  # what she typed into the copy stays
    assert phone.value("/complexity") == "hog"  # and what she chose there
    server.start()
    phone.synced(timeout=60000)
    view = server.api(TRAINEE, f"/api/assessments/{doc_id}")
    assert view["data"]["focus"] == "Yrsel hos äldre, fall"  # typed into the copy, stored and synced
    assert view["data"]["complexity"] == "hog"


def test_a_flagged_personnummer_is_never_kept_and_logout_forgets_every_copy(server: Server, devices: Any) -> None:
    phone = devices("trainee")
    page = phone.open()
    phone.login(TRAINEE)
    doc_id = phone.start_mini_cex()
    phone.type("/focus", "Pat 19121212-1212")
    page.wait_for_selector("[data-pointer='/focus'] [data-identity]")
    page.click("a.back")
    page.wait_for_selector("#new-assessment")
    kept = page.evaluate(f"() => localStorage.getItem('bedside-first:{doc_id}')")
    assert kept and "Mini-CEX" in kept and "19121212" not in kept and "1212" not in kept
    phone.open_doc(doc_id)  # logging out from the assessment itself leaves no copy behind either
    page.once("dialog", lambda d: d.accept())
    page.click("#logout")
    page.wait_for_selector("#email")
    assert page.evaluate(KEPT) == []
