"""A phone downloads each form's current version only; a document of an older version (a Slutbedömning
signed on version 1 before version 2 was published) still opens on it with the network gone, because the
phone fetched that version while it was online."""
from __future__ import annotations

from typing import Any

import pytest

from .conftest import Server

pytestmark = pytest.mark.browser

TRAINEE4 = "bt4@demo.bedside.se"  # the demo's Slutbedömning v1, not godkänd


def kept_versions(page: Any) -> list[str]:
    return page.evaluate("""() => new Promise((done) => {
        const open = indexedDB.open('bedside');
        open.onsuccess = () => {
            const get = open.result.transaction('kv').objectStore('kv').get('catalog');
            get.onsuccess = () => { done((get.result?.forms || []).map((f) => `${f.id}:${f.version}:${f.latest}`)); open.result.close(); };
        };
    })""")


def test_an_older_versions_document_opens_offline_beside_the_current_catalog(server: Server, devices: Any) -> None:
    final = server.rows("SELECT id FROM assessments WHERE form_id = 'slutbedomning-bt' AND form_version = 1")
    assert final, "the demo has a Slutbedömning of version 1"
    bundle = [f"{f['id']}:{f['version']}" for f in server.api(TRAINEE4, "/api/catalog")["forms"]]
    assert "slutbedomning-bt:2" in bundle and "slutbedomning-bt:1" not in bundle

    phone = devices("omar")
    page = phone.open()
    phone.login(TRAINEE4)
    phone.synced()
    # the older version was fetched for the document she holds, and is kept as not current
    page.wait_for_function("""() => new Promise((done) => {
        const open = indexedDB.open('bedside');
        open.onsuccess = () => {
            const get = open.result.transaction('kv').objectStore('kv').get('catalog');
            get.onsuccess = () => { done((get.result?.forms || []).some((f) => f.id === 'slutbedomning-bt' && f.version === 1)); open.result.close(); };
        };
    })""", timeout=15000)
    kept = kept_versions(page)
    # a BT-läkare's phone keeps the forms she starts (the current Mini-CEX), and the Slutbedömning only as
    # the version of the one she holds: she never starts one herself
    assert "slutbedomning-bt:1:false" in kept and "mini-cex:3:true" in kept and "slutbedomning-bt:2:true" not in kept, kept

    server.stop()
    phone.open_doc(final[0]["id"])
    assert page.locator("main").get_by_text("Läkemedelsgenomgångar och ordinationer.").first.is_visible()
    assert not page.get_by_text("Formulärkatalogen är inte hämtad än").count()
    page.screenshot(path="/tmp/catalog-older-version.png", full_page=True)
