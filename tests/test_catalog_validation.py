"""Validating assessment data against a form version: drafts may be incomplete but never ill-typed;
submission needs the full schema. Errors name the field as a JSON Pointer."""

from __future__ import annotations

import json

import pytest

from server.catalog import Catalog, FieldError, FormVersion, load_catalog
from server.settings import REPO_ROOT

SCHEMAS = REPO_ROOT / "schemas"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(SCHEMAS)


def form(catalog: Catalog, form_id: str) -> FormVersion:
    found = catalog.get(form_id, 1)
    assert found is not None
    return found


def example(form_id: str, name: str) -> dict:
    return json.loads((SCHEMAS / "forms" / form_id / "1" / "examples" / "valid" / f"{name}.json").read_text("utf-8"))


def test_draft_accepts_an_empty_document(catalog: Catalog) -> None:
    for f in catalog.forms():
        assert f.validate_draft({}) == [], f.form_id


def test_draft_accepts_a_partial_document(catalog: Catalog) -> None:
    mini = form(catalog, "mini-cex")
    partial = {"setting": "annat", "focus": "Yrsel", "anamnes": 5, "strengths": ""}
    assert mini.validate_draft(partial) == []
    assert {e.field for e in mini.validate_complete(partial)} >= {"/setting_other", "/strengths", "/helhetsbedomning"}


def test_draft_refuses_an_ill_typed_document_naming_the_field(catalog: Catalog) -> None:
    errors = form(catalog, "mini-cex").validate_draft({"minutes_observed": "ten"})
    assert errors == [FieldError("/minutes_observed", "Must be a whole number.")]


@pytest.mark.parametrize(("data", "field"), [
    ({"minutes_feedback": 601}, "/minutes_feedback"),
    ({"anamnes": 10}, "/anamnes"),
    ({"complexity": "extrem"}, "/complexity"),
    ({"surprise": 1}, "/surprise"),
    ({"focus": "x" * 501}, "/focus"),
    ({"minutes_observed": True}, "/minutes_observed"),
])
def test_draft_refuses_values_outside_the_schema(catalog: Catalog, data: dict, field: str) -> None:
    assert [e.field for e in form(catalog, "mini-cex").validate_draft(data)] == [field]


def test_a_document_that_is_not_an_object_is_refused_at_the_root(catalog: Catalog) -> None:
    for data in (None, [], "text", 3):
        assert form(catalog, "dops").validate_draft(data) == [FieldError("", "Must be an object.")]


def test_complete_validation_names_each_missing_field(catalog: Catalog) -> None:
    mini = form(catalog, "mini-cex")
    data = example("mini-cex", "akutmottagning")
    del data["strengths"], data["anamnes"]
    assert mini.validate_complete(data) == [FieldError("/anamnes", "This field is required."),
                                            FieldError("/strengths", "This field is required.")]


def test_unknown_field_is_named(catalog: Catalog) -> None:
    errors = form(catalog, "mini-cex").validate_complete(example("mini-cex", "akutmottagning") | {"patient": "Anna"})
    assert len(errors) == 1 and errors[0].field == "/patient" and "'patient'" in errors[0].message


def test_draft_ignores_required_inside_if_then_and_nested_rows(catalog: Catalog) -> None:
    slut = form(catalog, "slutbedomning-bt")
    data = {"overall_result": "ej_godkand", "delmal": {"BT3": {"outcome": "uppnatt"}, "BT4": {}}}
    assert slut.validate_draft(data) == []
    assert {e.field for e in slut.validate_complete(data)} >= {
        "/action_plan_needed", "/delmal/BT3/how_checked", "/delmal/BT4/outcome"}


def test_draft_still_checks_types_in_nested_rows(catalog: Catalog) -> None:
    slut = form(catalog, "slutbedomning-bt")
    errors = slut.validate_draft({"delmal": {"BT3": {"outcome": "klart", "evidence": "abc"}}})
    assert [e.field for e in errors] == ["/delmal/BT3/evidence", "/delmal/BT3/outcome"]


def test_dates_and_assessment_ids_are_format_checked(catalog: Catalog) -> None:
    slut = form(catalog, "slutbedomning-bt")
    assert [e.field for e in slut.validate_draft({"period_start": "2026-02-30"})] == ["/period_start"]
    assert [e.field for e in slut.validate_draft({"delmal": {"BT1": {"evidence": ["not-a-uuid"]}}})] == [
        "/delmal/BT1/evidence/0"]
    assert slut.validate_draft({"period_start": "2026-02-28",
                                "delmal": {"BT1": {"evidence": ["7c9e6679-7425-40de-944b-e07fc1f90ae7"]}}}) == []


def test_action_plan_is_required_only_when_not_approved(catalog: Catalog) -> None:
    slut = form(catalog, "slutbedomning-bt")
    approved = example("slutbedomning-bt", "godkand")
    assert slut.validate_complete(approved) == []
    assert slut.validate_complete(approved | {"overall_result": "ej_godkand"}) == [
        FieldError("/action_plan_needed", "This field is required.")]


def test_setting_other_is_required_only_when_setting_is_annat(catalog: Catalog) -> None:
    for form_id, name in (("mini-cex", "akutmottagning"), ("dops", "lumbalpunktion")):
        f, data = form(catalog, form_id), example(form_id, name)
        assert f.validate_complete(data) == []
        assert f.validate_complete(data | {"setting": "annat"}) == [FieldError("/setting_other", "This field is required.")]


def test_validators_are_built_once_per_form_version(catalog: Catalog) -> None:
    mini = form(catalog, "mini-cex")
    before = (mini.complete_validator, mini.draft_validator)
    mini.validate_draft({}), mini.validate_complete({})
    assert (mini.complete_validator, mini.draft_validator) == before
    assert "required" in mini.complete_validator.schema and "required" not in mini.draft_validator.schema
