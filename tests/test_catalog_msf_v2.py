"""Version 2 of the 360 forms (msf-rater, msf-self): asked only in a 360 round (workflow ``in_round``),
no rater group (the round knows it), and an overall concern whose comment is required unless there is
none. Version 1 of both stays byte for byte what was published."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest
from litestar.testing import AsyncTestClient

from server.catalog import Catalog, FieldError, FormVersion, load_catalog
from server.settings import REPO_ROOT

SCHEMAS = REPO_ROOT / "schemas"
MSF = ("msf-rater", "msf-self")
ITEMS = ["medicinsk_kompetens", "kommunikation_patienter", "kommunikation_kollegor", "samarbete", "tillganglighet",
         "prioritering", "respekt", "larande_undervisning", "patientsakerhet"]
CONCERNS = {"inga": "Inga farhågor", "viss": "Viss farhåga", "allvarlig": "Allvarlig farhåga"}
# sha256 of version 1's files as published: they never change
PUBLISHED_V1 = {
    "msf-self": {"schema.json": "a2523e715a52fe0c8315c31dda96d3e8fa1054cc8126f95a583e1d2c135089c2",
                 "ui.json": "167d42b38b1a3f80f58add33b2a95b78887ba014ab9264d4390f80b0c0c7350f",
                 "workflow.json": "eb754b6eb47d0ef51b83f3b48a5c601df85ae11d618f566df4b03da61b07ac14"},
    "msf-rater": {"schema.json": "54327d626dadcc39b9e72ef640c5f2acfa74274f4630304799a34a2a84d896a8",
                  "ui.json": "0f982a5c97eac7c171115c5d404fdde8678830ba396bf14d22f10e8acf477c16",
                  "workflow.json": "a52b6cd1caf915cd0ca73fda1a2b7787f700496e2af353138bf6c361a06bac27"},
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(SCHEMAS)


def version(catalog: Catalog, form_id: str, number: int) -> FormVersion:
    found = catalog.get(form_id, number)
    assert found is not None and found.status == "published"
    return found


def answer(**changes: object) -> dict[str, object]:
    """A complete version 2 answer (the same for rater and self), with ``changes``; None drops a field."""
    data: dict[str, object] = {item: 4 for item in ITEMS} | {
        "strengths": "Lugn och tydlig i akuta lägen.", "development_areas": "Återkoppla oftare efter ronden.",
        "overall_concern": "inga"}
    data |= changes
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("form_id", MSF)
def test_version_1_is_unchanged_and_still_loads(catalog: Catalog, form_id: str) -> None:
    folder = SCHEMAS / "forms" / form_id / "1"
    assert {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in PUBLISHED_V1[form_id]} == (
        PUBLISHED_V1[form_id])
    old = version(catalog, form_id, 1)
    typical = json.loads((folder / "examples" / "valid" / "typisk.json").read_text("utf-8"))
    assert old.validate_complete(typical) == []
    assert "overall_concern" not in old.schema["properties"]
    assert ("rater_group" in old.schema["required"]) is (form_id == "msf-rater")


@pytest.mark.parametrize("form_id", MSF)
def test_version_2_is_the_latest_and_its_workflow_is_version_1s_in_a_round(catalog: Catalog, form_id: str) -> None:
    old, new = version(catalog, form_id, 1), version(catalog, form_id, 2)
    assert catalog.latest(form_id) is new
    assert new.schema["$id"] == f"urn:bedside:form:{form_id}:2"
    assert (old.workflow.in_round, new.workflow.in_round) == (False, True)
    assert dataclasses.replace(old.workflow, in_round=True) == new.workflow
    # version 1's workflow.json does not name in_round at all: absent means False
    assert "in_round" not in json.loads((SCHEMAS / "forms" / form_id / "1" / "workflow.json").read_text("utf-8"))


@pytest.mark.parametrize("form_id", MSF)
@pytest.mark.parametrize("concern", list(CONCERNS))
def test_a_concern_needs_a_comment_unless_there_is_none(catalog: Catalog, form_id: str, concern: str) -> None:
    form = version(catalog, form_id, 2)
    without = answer(overall_concern=concern)
    expected = [] if concern == "inga" else [FieldError("/concern_comment", "This field is required.")]
    assert form.validate_complete(without) == expected
    assert form.validate_complete(answer(overall_concern=concern, concern_comment="Lämnar avdelningen utan rapport.")) == []
    assert form.validate_draft(without) == []  # a draft may wait for the comment


@pytest.mark.parametrize("form_id", MSF)
def test_the_overall_concern_is_required_and_one_of_three(catalog: Catalog, form_id: str) -> None:
    form = version(catalog, form_id, 2)
    assert form.schema["properties"]["overall_concern"]["enum"] == list(CONCERNS)
    assert [e.field for e in form.validate_complete(answer(overall_concern=None))] == ["/overall_concern"]
    assert [e.field for e in form.validate_draft(answer(overall_concern="stor"))] == ["/overall_concern"]
    assert [e.field for e in form.validate_draft(answer(concern_comment=""))] == []
    assert [e.field for e in form.validate_complete(answer(overall_concern="viss", concern_comment=""))] == [
        "/concern_comment"]
    fields = {f["field"]: f for s in form.ui["sections"] for f in s["fields"]}
    choice = fields["/overall_concern"]
    assert choice["widget"] == "choice"
    assert {value: label["sv"] for value, label in choice["options"].items()} == CONCERNS
    assert all(label["en"] for label in choice["options"].values())
    assert "huvudhandledare" in fields["/concern_comment"]["help"]["sv"]


def test_the_rater_is_not_asked_for_a_rater_group(catalog: Catalog) -> None:
    rater = version(catalog, "msf-rater", 2)
    assert "rater_group" not in rater.schema["properties"]
    assert all(f["field"] != "/rater_group" for s in rater.ui["sections"] for f in s["fields"])
    assert [e.field for e in rater.validate_draft(answer(rater_group="lakare"))] == ["/rater_group"]


def test_self_and_rater_version_2_ask_the_same_items(catalog: Catalog) -> None:
    rater, own = version(catalog, "msf-rater", 2), version(catalog, "msf-self", 2)
    assert {k: v for k, v in rater.schema.items() if k not in ("$id", "title")} == (
        {k: v for k, v in own.schema.items() if k not in ("$id", "title")})
    scale = {"$ref": "urn:bedside:vocabulary:msf-skala:1"}
    assert [k for k, v in rater.schema["properties"].items() if v == scale] == ITEMS
    for data in (answer(), answer(overall_concern="allvarlig")):
        assert rater.validate_complete(data) == own.validate_complete(data)


async def test_the_catalog_api_tells_which_forms_are_asked_in_a_round(client: AsyncTestClient) -> None:
    listed = {(f["id"], f["version"]): f for f in (await client.get("/api/forms")).json()}
    for form_id in MSF:
        assert listed[(form_id, 1)]["workflow"]["in_round"] is False and listed[(form_id, 1)]["latest"] is False
        assert listed[(form_id, 2)]["workflow"]["in_round"] is True and listed[(form_id, 2)]["latest"] is True
    assert all(f["workflow"]["in_round"] is False for (form_id, _), f in listed.items() if form_id not in MSF)
    one = (await client.get("/api/forms/msf-rater/2")).json()
    assert one["workflow"]["in_round"] is True and "rater_group" not in one["schema"]["properties"]
    bundle = {(f["id"], f["version"]): f for f in (await client.get("/api/catalog")).json()["forms"]}
    assert bundle[("msf-self", 2)]["workflow"]["in_round"] is True
