"""load_catalog refuses a catalog that is inconsistent: a changed published file, unlisted folders,
UI and schema that disagree, broken refs, examples that lie. Each test works on a copy of schemas/."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from server.catalog import CatalogError, compute_hashes, load_catalog
from server.settings import REPO_ROOT


@pytest.fixture
def schemas(tmp_path: Path) -> Path:
    """A private copy of the real schemas/ folder."""
    return Path(shutil.copytree(REPO_ROOT / "schemas", tmp_path / "schemas"))


def change_one_byte(path: Path) -> None:
    """Change the first lower-case "e" of the file into an "a": one byte, still a plausible edit."""
    raw = bytearray(path.read_bytes())
    raw[raw.index(b"e")] = ord("a")
    path.write_bytes(bytes(raw))


def edit_json(path: Path, change: Callable[[Any], None]) -> None:
    data = json.loads(path.read_text("utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def republish(schemas: Path) -> None:
    """Store freshly computed hashes in catalog.json, as a maintainer does when publishing."""
    (schemas / "catalog.json").write_text(json.dumps(compute_hashes(schemas), indent=2), encoding="utf-8")


def refusal(schemas: Path) -> str:
    with pytest.raises(CatalogError) as caught:
        load_catalog(schemas)
    return str(caught.value)


def test_the_copy_loads(schemas: Path) -> None:
    assert len(load_catalog(schemas).forms()) == len(load_catalog(REPO_ROOT / "schemas").forms())


@pytest.mark.parametrize("name", ["schema.json", "ui.json", "workflow.json"])
def test_a_changed_published_form_file_is_refused(schemas: Path, name: str) -> None:
    change_one_byte(schemas / "forms" / "mini-cex" / "1" / name)
    message = refusal(schemas)
    assert message == (f"schemas/forms/mini-cex/1/{name} has changed but version 1 of mini-cex is published; "
                       "published versions are immutable: publish the change as a new version")


def test_a_changed_published_vocabulary_is_refused(schemas: Path) -> None:
    change_one_byte(schemas / "vocabularies" / "mini-cex-skala" / "1.json")
    message = refusal(schemas)
    assert message.startswith("schemas/vocabularies/mini-cex-skala/1.json has changed")
    assert "published versions are immutable" in message


def test_a_draft_version_may_change(schemas: Path) -> None:
    def make_draft(listing: dict[str, Any]) -> None:
        for entry in (f for f in listing["forms"] if f["id"] == "dops"):
            entry["versions"][1:] = [{"version": 2, "status": "draft"}]
    shutil.rmtree(schemas / "forms" / "dops" / "3")

    edit_json(schemas / "catalog.json", make_draft)
    before = load_catalog(schemas).get("dops", 2)
    edit_json(schemas / "forms" / "dops" / "2" / "ui.json", lambda ui: ui["title"].update(sv="DOPS (utkast)"))
    after = load_catalog(schemas).get("dops", 2)
    assert before is not None and after is not None and after.status == "draft"
    assert after.title["sv"] == "DOPS (utkast)" and after.content_hash != before.content_hash
    assert load_catalog(schemas).latest("dops").version == 1  # type: ignore[union-attr]  # a draft is never the latest


def test_an_unlisted_form_folder_is_refused(schemas: Path) -> None:
    shutil.copytree(schemas / "forms" / "mini-cex", schemas / "forms" / "iup-utkast")
    assert "schemas/forms/iup-utkast is not listed in catalog.json" in refusal(schemas)


def test_an_unlisted_version_folder_is_refused(schemas: Path) -> None:
    shutil.copytree(schemas / "forms" / "mini-cex" / "2", schemas / "forms" / "mini-cex" / "4")
    assert "schemas/forms/mini-cex/4 is not listed in catalog.json" in refusal(schemas)


def test_an_unlisted_vocabulary_file_is_refused(schemas: Path) -> None:
    shutil.copy(schemas / "vocabularies" / "msf-skala" / "1.json", schemas / "vocabularies" / "msf-skala" / "2.json")
    assert "schemas/vocabularies/msf-skala/2.json is not listed" in refusal(schemas)


def test_a_new_version_can_be_published_with_compute_hashes(schemas: Path) -> None:
    shutil.copytree(schemas / "forms" / "mini-cex" / "3", schemas / "forms" / "mini-cex" / "4")
    edit_json(schemas / "forms" / "mini-cex" / "4" / "schema.json", lambda s: s.update({"$id": "urn:bedside:form:mini-cex:4"}))
    republish(schemas)
    catalog = load_catalog(schemas)
    draft = catalog.get("mini-cex", 4)
    assert draft is not None and draft.status == "draft" and catalog.latest("mini-cex").version == 3  # type: ignore[union-attr]
    edit_json(schemas / "catalog.json", lambda c: c["forms"][0]["versions"][3].update(status="published"))
    assert load_catalog(schemas).latest("mini-cex").version == 4  # type: ignore[union-attr]


def test_a_ui_field_missing_in_the_schema_is_refused(schemas: Path) -> None:
    def add_field(ui: dict[str, Any]) -> None:
        ui["sections"][0]["fields"].append({"field": "/weather", "label": {"sv": "Väder", "en": "Weather"}, "widget": "text"})

    edit_json(schemas / "forms" / "mini-cex" / "1" / "ui.json", add_field)
    republish(schemas)
    message = refusal(schemas)
    assert message.startswith("schemas/forms/mini-cex/1/ui.json") and "/weather is not a property" in message


def test_a_schema_property_missing_in_the_ui_is_refused(schemas: Path) -> None:
    def drop_focus(ui: dict[str, Any]) -> None:
        ui["sections"][0]["fields"] = [f for f in ui["sections"][0]["fields"] if f["field"] != "/focus"]

    edit_json(schemas / "forms" / "mini-cex" / "1" / "ui.json", drop_focus)
    republish(schemas)
    message = refusal(schemas)
    assert message.startswith("schemas/forms/mini-cex/1/ui.json has no field") and "/focus" in message


def test_a_section_filled_by_someone_who_is_not_an_editor_is_refused(schemas: Path) -> None:
    # msf-rater is edited by the rater (assessor) only: the trainee cannot be given a section of it
    edit_json(schemas / "forms" / "msf-rater" / "1" / "ui.json", lambda ui: ui["sections"][0].update(filled_by=["trainee"]))
    republish(schemas)
    assert refusal(schemas) == (
        "schemas/forms/msf-rater/1/ui.json: section 'about' is filled_by trainee, who is not among the workflow's "
        "editors (assessor); name editors only, or add them to editors in workflow.json.")


def test_an_optional_section_may_not_hold_a_required_field(schemas: Path) -> None:
    # an optional section opens folded: a required field in it would be easy to pass by
    edit_json(schemas / "forms" / "mini-cex" / "1" / "ui.json", lambda ui: ui["sections"][0].update(optional=True))
    republish(schemas)
    message = refusal(schemas)
    assert message.startswith("schemas/forms/mini-cex/1/ui.json: section ") and "is optional but schema.json requires" in message
    assert "/focus" in message


def test_filled_by_names_participant_roles_only(schemas: Path) -> None:
    edit_json(schemas / "forms" / "mini-cex" / "2" / "ui.json",
              lambda ui: ui["sections"][1].update(filled_by=["main_supervisor"]))
    republish(schemas)
    message = refusal(schemas)
    assert message.startswith("schemas/forms/mini-cex/2/ui.json at /sections/1/filled_by/0")
    assert "ui-meta.schema.json" in message


def test_a_field_shown_twice_is_refused(schemas: Path) -> None:
    edit_json(schemas / "forms" / "dops" / "1" / "ui.json",
              lambda ui: ui["sections"][-1]["fields"].append(ui["sections"][0]["fields"][0]))
    republish(schemas)
    assert "field /procedure appears more than once" in refusal(schemas)


def test_a_widget_that_does_not_fit_the_property_is_refused(schemas: Path) -> None:
    def minutes_as_checkbox(ui: dict[str, Any]) -> None:
        for section in ui["sections"]:
            for field in section["fields"]:
                if field["field"] == "/minutes_observed":
                    field["widget"] = "checkbox"

    edit_json(schemas / "forms" / "mini-cex" / "1" / "ui.json", minutes_as_checkbox)
    republish(schemas)
    assert "field /minutes_observed: a checkbox widget" in refusal(schemas)


def test_a_broken_vocabulary_ref_is_refused(schemas: Path) -> None:
    edit_json(schemas / "forms" / "mini-cex" / "1" / "schema.json",
              lambda s: s["properties"]["anamnes"].update({"$ref": "urn:bedside:vocabulary:mini-cex-skala:9"}))
    republish(schemas)
    message = refusal(schemas)
    assert message.startswith("schemas/forms/mini-cex/1/schema.json")
    assert "mini-cex-skala version 9, which catalog.json does not list" in message


def test_a_broken_local_ref_is_refused(schemas: Path) -> None:
    edit_json(schemas / "forms" / "slutbedomning-bt" / "1" / "schema.json",
              lambda s: s["properties"]["delmal"].update({"additionalProperties": {"$ref": "#/$defs/rad"}}))
    republish(schemas)
    assert "$ref '#/$defs/rad' points at nothing" in refusal(schemas)


def test_a_published_form_may_not_refer_to_a_draft_vocabulary(schemas: Path) -> None:
    def make_scale_draft(listing: dict[str, Any]) -> None:
        for entry in (v for v in listing["vocabularies"] if v["id"] == "msf-skala"):
            entry["versions"][0]["status"] = "draft"

    edit_json(schemas / "catalog.json", make_scale_draft)
    assert "urn:bedside:vocabulary:msf-skala:1', which is only a draft" in refusal(schemas)


def test_an_invalid_example_that_passes_validation_makes_loading_fail(schemas: Path) -> None:
    folder = schemas / "forms" / "mini-cex" / "1" / "examples"
    shutil.copy(folder / "valid" / "akutmottagning.json", folder / "invalid" / "passerar.json")
    assert refusal(schemas) == ("schemas/forms/mini-cex/1/examples/invalid/passerar.json is an invalid example but "
                                "passes validation; make the example invalid or tighten the schema.")


def test_a_valid_example_that_fails_validation_makes_loading_fail(schemas: Path) -> None:
    folder = schemas / "forms" / "dops" / "1" / "examples"
    shutil.copy(folder / "invalid" / "negativt-antal.json", folder / "valid" / "negativt.json")
    message = refusal(schemas)
    assert message.startswith("schemas/forms/dops/1/examples/valid/negativt.json is a valid example but fails")
    assert "/times_performed_before: Must be at least 0." in message


def test_too_few_examples_make_loading_fail(schemas: Path) -> None:
    for path in (schemas / "forms" / "msf-self" / "1" / "examples" / "invalid").glob("*.json"):
        path.unlink()
    assert "schemas/forms/msf-self/1/examples has 2 valid and 0 invalid examples" in refusal(schemas)


def test_broken_json_names_the_file_and_line(schemas: Path) -> None:
    (schemas / "forms" / "dops" / "1" / "examples" / "valid" / "trasig.json").write_text('{\n  "procedure": "LP",\n}\n')
    message = refusal(schemas)
    assert message.startswith("schemas/forms/dops/1/examples/valid/trasig.json is not valid JSON")
    assert "line 3" in message


def test_a_workflow_outside_the_meta_schema_is_refused(schemas: Path) -> None:
    edit_json(schemas / "forms" / "dops" / "1" / "workflow.json", lambda w: w.update(sign="anyone"))
    republish(schemas)
    message = refusal(schemas)
    assert message.startswith("schemas/forms/dops/1/workflow.json at /sign") and "workflow-meta.schema.json" in message


def test_a_ui_label_without_english_is_refused(schemas: Path) -> None:
    edit_json(schemas / "forms" / "dops" / "1" / "ui.json", lambda ui: ui["sections"][0]["title"].pop("en"))
    republish(schemas)
    assert refusal(schemas).startswith("schemas/forms/dops/1/ui.json at /sections/0/title")


def test_a_form_schema_without_additional_properties_false_is_refused(schemas: Path) -> None:
    edit_json(schemas / "forms" / "dops" / "1" / "schema.json", lambda s: s.update(additionalProperties=True))
    republish(schemas)
    assert refusal(schemas).startswith("schemas/forms/dops/1/schema.json at /additionalProperties")


def test_a_schema_that_is_not_valid_json_schema_is_refused(schemas: Path) -> None:
    edit_json(schemas / "forms" / "dops" / "1" / "schema.json",
              lambda s: s["properties"]["procedure"].update(type="text"))
    republish(schemas)
    assert refusal(schemas).startswith("schemas/forms/dops/1/schema.json is not a valid JSON Schema 2020-12")


def test_a_missing_file_is_named(schemas: Path) -> None:
    (schemas / "forms" / "msf-rater" / "1" / "workflow.json").unlink()
    assert refusal(schemas) == "schemas/forms/msf-rater/1/workflow.json is missing (catalog.json lists it)."


def test_a_vocabulary_band_that_does_not_exist_is_refused(schemas: Path) -> None:
    edit_json(schemas / "vocabularies" / "mini-cex-skala" / "1.json", lambda v: v["terms"][0].update(band="dalig"))
    republish(schemas)
    assert "band 'dalig'" in refusal(schemas)
