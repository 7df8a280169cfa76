"""A colleague's first visit by a request link (issue 12): her form is interactive before the phone asks
for what that first frame does not need (the header, the feedback prompts and hints, the kept first
screen, the whole catalog), and each of them is still there just after it: nothing she sees is lost."""

from __future__ import annotations

from typing import Any

import pytest

from bench.pwa import bedside_link

from .conftest import Server

pytestmark = pytest.mark.browser

AFTER = ("/js/views/header.js", "/js/feedback.js", "/js/snapshot.js", "/api/catalog")


def test_what_the_form_does_not_need_comes_after_it_and_still_shows(server: Server, devices: Any) -> None:
    link = bedside_link(server.base_url)
    assessor = devices("assessor")
    page = assessor.open(link.removeprefix(server.base_url))
    asked: list[tuple[float, str]] = []
    page.on("response", lambda r: asked.append((r.request.timing["startTime"], r.url.removeprefix(server.base_url).split("?")[0])))
    page.wait_for_selector("#open-form")
    for field, value in (("#me-name", "Maja Sjöberg"), ("#me-title2", "Specialistsjuksköterska"),
                         ("#me-work", "Akutmottagningen"), ("#me-mail", "maja.sjoberg@sjukhus.test")):
        page.fill(field, value)
    page.click("#open-form")
    page.wait_for_selector("form[data-ready] input")
    doc_id = page.url.split("#/a/")[1]
    ready = page.evaluate("performance.timeOrigin + window.__bedsideComplete")

    # then, each of them: the header card, the feedback prompt and hint slot, the kept first screen
    page.wait_for_selector("#doc-header summary")
    page.wait_for_selector("[data-pointer='/strengths'] .hint-slot[role=status]", state="attached")
    assert page.locator("[data-pointer='/strengths'] .help").inner_text().startswith("Vilket beteende")
    page.wait_for_function("(id) => (localStorage.getItem('bedside-first:' + id) || '').includes('doc-header')", arg=doc_id)
    page.wait_for_function("() => performance.getEntriesByType('resource').some((e) => e.name.includes('/api/catalog'))")
    page.wait_for_timeout(300)
    for path in AFTER:
        starts = [started for started, p in asked if p == path]
        assert starts and min(starts) > ready, (path, starts, ready)
    assert not assessor.errors
