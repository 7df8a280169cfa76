"""catalog.json names, per form version, the field that sums an assessment up in one line in lists
(``summary_field``): the loader checks it names a top-level string field of that version's schema,
and the catalog API hands it to the PWA (null when a form has none)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from server.catalog import CatalogError, compute_hashes, load_catalog
from server.settings import REPO_ROOT


@pytest.fixture
def schemas(tmp_path: Path) -> Path:
    return Path(shutil.copytree(REPO_ROOT / "schemas", tmp_path / "schemas"))


def set_summary_field(schemas: Path, form_id: str, pointer: Any) -> None:
    path = schemas / "catalog.json"
    listing = json.loads(path.read_text("utf-8"))
    entry = next(f for f in listing["forms"] if f["id"] == form_id)["versions"][0]
    if pointer is None:
        entry.pop("summary_field", None)
    else:
        entry["summary_field"] = pointer
    path.write_text(json.dumps(listing, ensure_ascii=False, indent=2), encoding="utf-8")


def refusal(schemas: Path) -> str:
    with pytest.raises(CatalogError) as caught:
        load_catalog(schemas)
    return str(caught.value)


def test_the_published_forms_name_their_summary_field() -> None:
    catalog = load_catalog(REPO_ROOT / "schemas")
    named = {f.form_id: f.summary_field for f in catalog.forms()}
    assert named == {"mini-cex": "/focus", "dops": "/procedure", "slutbedomning-bt": "/specialty",
                     "msf-self": None, "msf-rater": None, "mini-cex-sjalvstandighet": "/focus", "cbd": "/focus",
                     "konsultationsmall": "/focus", "bt-kollegium": None, "allman-aterkoppling": "/situation",
                     "coachloopen": "/topic", "handledningssamtal": "/agenda",
                     "handlingsplan": "/problems", "handlingsplan-sekundar": "/problems",
                     "handlingsplan-uppfoljning": "/reviewed", "iup": "/goals", "iup-uppfoljning": "/reviewed"}


def test_a_pointer_to_a_field_the_schema_lacks_is_refused(schemas: Path) -> None:
    set_summary_field(schemas, "mini-cex", "/diagnosis")
    assert refusal(schemas) == (
        "schemas/catalog.json: summary_field '/diagnosis' of mini-cex version 1 is not a top-level field of "
        "schemas/forms/mini-cex/1/schema.json; name a top-level string field (like \"/focus\") or leave "
        "summary_field out.")


@pytest.mark.parametrize("pointer", ["/anamnes", "/minutes_observed"])
def test_a_pointer_to_a_field_that_is_not_a_string_is_refused(schemas: Path, pointer: str) -> None:
    set_summary_field(schemas, "mini-cex", pointer)  # a 1-9 scale, an integer
    assert f"summary_field '{pointer}' of mini-cex version 1 is not a string field" in refusal(schemas)


@pytest.mark.parametrize("pointer", ["focus", "/delmal/BT1", "", 7])
def test_a_pointer_of_the_wrong_shape_fails_the_meta_schema(schemas: Path, pointer: Any) -> None:
    set_summary_field(schemas, "slutbedomning-bt", pointer)
    message = refusal(schemas)
    assert message.startswith("schemas/catalog.json at /forms/") and "summary_field" in message
    assert "catalog-meta.schema.json" in message


def test_a_choice_among_strings_may_be_the_summary(schemas: Path) -> None:
    set_summary_field(schemas, "mini-cex", "/setting")
    assert load_catalog(schemas).get("mini-cex", 1).summary_field == "/setting"  # type: ignore[union-attr]


def test_without_summary_field_the_form_has_none_and_hashes_keep_it(schemas: Path) -> None:
    set_summary_field(schemas, "mini-cex", None)
    assert load_catalog(schemas).get("mini-cex", 1).summary_field is None  # type: ignore[union-attr]
    set_summary_field(schemas, "mini-cex", "/focus")
    entry = next(f for f in compute_hashes(schemas)["forms"] if f["id"] == "mini-cex")["versions"][0]
    assert entry["summary_field"] == "/focus"  # publishing with fresh hashes keeps it


async def test_the_catalog_api_exposes_the_summary_field(client: AsyncTestClient) -> None:
    listed = {f["id"]: f["summary_field"] for f in (await client.get("/api/forms")).json()}
    assert listed["mini-cex"] == "/focus" and listed["dops"] == "/procedure" and listed["msf-rater"] is None
    bundle = {f["id"]: f for f in (await client.get("/api/catalog")).json()["forms"]}
    assert bundle["mini-cex"]["summary_field"] == "/focus"
    assert bundle["msf-self"]["summary_field"] is None
    one = (await client.get("/api/forms/slutbedomning-bt/1")).json()
    assert one["summary_field"] == "/specialty"
    assert one["schema"]["properties"]["specialty"]["type"] == "string"


async def test_the_bundle_a_phone_keeps_has_each_forms_current_version_and_no_draft(client: AsyncTestClient) -> None:
    """A phone downloads one version per form, the current one (the bundle grows with the forms, not their
    versions); an older published version and a draft (a maintainer's preview) each have their own page."""
    catalog = load_catalog(REPO_ROOT / "schemas")
    bundle = {(f["id"], f["version"]): f for f in (await client.get("/api/catalog")).json()["forms"]}
    current = {(f.form_id, f.version) for f in (catalog.latest(i) for i in {f.form_id for f in catalog.forms()}) if f}
    older = {(f.form_id, f.version) for f in catalog.forms() if f.status == "published"} - current
    drafts = {(f.form_id, f.version) for f in catalog.forms() if f.status == "draft"}
    assert set(bundle) == current and older and not set(bundle) & (older | drafts)
    assert all(f["latest"] for f in bundle.values())
    assert {i for i, _ in bundle} == {f.form_id for f in catalog.forms() if f.status == "published"}
    for (form_id, version), status in [*((k, "published") for k in older), *((k, "draft") for k in drafts)]:
        page = (await client.get(f"/api/forms/{form_id}/{version}")).json()
        assert page["status"] == status and page["latest"] is False and page["ui"] and page["schema"]


async def test_a_phone_asks_for_the_forms_its_roles_start(client: AsyncTestClient) -> None:
    """A BT-läkare's phone carries what she starts (not the supervisors' desk documents: a Slutbedömning,
    a handlingsplan, a follow-up); a clinical supervisor's carries her forms and every assessor's; the
    form of any other document a phone holds comes with it (``GET /api/forms/{id}/{version}``)."""
    def ids(answer: Any) -> set[str]:
        assert answer.status_code == 200, answer.text
        return {f["id"] for f in answer.json()["forms"]}

    trainee = ids(await client.get("/api/catalog", params={"for": "trainee"}))
    assert {"mini-cex", "dops", "handledningssamtal", "iup"} <= trainee
    assert not trainee & {"slutbedomning-bt", "handlingsplan", "handlingsplan-uppfoljning", "iup-uppfoljning"}
    supervisor = ids(await client.get("/api/catalog", params={"for": "clinical_supervisor"}))
    assert {"slutbedomning-bt", "mini-cex", "handledningssamtal"} <= supervisor and "handlingsplan" not in supervisor
    hhl = ids(await client.get("/api/catalog", params={"for": "main_supervisor,trainee"}))
    assert {"handlingsplan", "handlingsplan-uppfoljning", "iup", "iup-uppfoljning", "mini-cex"} <= hhl
    everything = ids(await client.get("/api/catalog"))
    assert trainee < everything and hhl <= everything
    assert ids(await client.get("/api/catalog", params={"for": "studierektor"})) == everything  # she reads them all
    assert ids(await client.get("/api/catalog", params={"for": "admin"})) == set()  # who reads no content
    wrong = await client.get("/api/catalog", params={"for": "trainee,nurse"})
    assert wrong.status_code == 400 and "nurse is not a role" in wrong.json()["detail"]

