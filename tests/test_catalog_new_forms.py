"""The five forms named in the sources after the first four (DOMAIN.md): CBD, Konsultationsmall,
BT-kollegium, Allmän återkoppling and Coachloopen, each version 1 and published. Their workflows (who
starts, fills which section, signs), the BT delmål they can evidence, their shared scales, and that
they work through the API as their workflows say."""

from __future__ import annotations

import json
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from server.catalog import Catalog, FormVersion, load_catalog
from server.catalog.__main__ import main as catalog_command
from server.settings import REPO_ROOT
from tests.requests_support import claimed_secret, link_sync, mutation, token_of
from tests.world import World, login

SCHEMAS = REPO_ROOT / "schemas"
NEW_FORMS = ("cbd", "konsultationsmall", "bt-kollegium", "allman-aterkoppling", "coachloopen")
BT_DELMAL = {f"BT{n}" for n in range(1, 19)}
NO_PATIENT_IDENTITY = "Skriv aldrig patientens namn eller personnummer"
#: asked of a colleague like a Mini-CEX: the trainee or the assessor starts, the assessor signs
LIKE_MINI_CEX = {"start": ("trainee", "assessor"), "editors": ("trainee", "assessor"), "sign": "assessor",
                 "acknowledge": "trainee", "countersign": None, "assessor_must_be": None,
                 "requires_placement": False, "anonymous_to_trainee": False, "in_round": False}
WORKFLOWS: dict[str, dict[str, Any]] = {
    "cbd": LIKE_MINI_CEX,
    "konsultationsmall": LIKE_MINI_CEX,
    "allman-aterkoppling": LIKE_MINI_CEX,
    # the supervisors convene it, within a placement; one of them fills in and signs for the panel
    "bt-kollegium": LIKE_MINI_CEX | {"start": ("clinical_supervisor", "main_supervisor"), "requires_placement": True},
    # the trainee's own plan: she writes and signs it, her supervisor adds a comment
    "coachloopen": LIKE_MINI_CEX | {"start": ("trainee", "clinical_supervisor", "main_supervisor"), "sign": "trainee",
                                    "acknowledge": None},
}
FILLED_BY = {
    "cbd": {"context": ["trainee", "assessor"], "ratings": ["assessor"], "time": ["assessor"],
            "feedback": ["assessor"]},
    "konsultationsmall": {"context": ["trainee", "assessor"], "patient_part": ["assessor"],
                          "doctor_part": ["assessor"], "shared_part": ["assessor"], "feedback": ["assessor"]},
    "bt-kollegium": {"panel": ["assessor"], "self_rating": ["trainee"], "assessment": ["assessor"],
                     "outcome": ["assessor"]},
    "allman-aterkoppling": {"situation": ["trainee", "assessor"], "feedback": ["assessor"]},
    "coachloopen": {"loop": ["trainee"], "follow_up": ["trainee", "assessor"], "supervisor": ["assessor"]},
}
EVIDENCE_FOR = {
    # records (BT5) and clinical reasoning on the trainee's own cases
    "cbd": ("BT1", "BT2", "BT5", "BT7", "BT8", "BT10", "BT12", "BT15", "BT16", "BT17"),
    # the patient-centred consultation in primary care
    "konsultationsmall": ("BT1", "BT2", "BT8", "BT9", "BT11", "BT12", "BT14", "BT15", "BT16"),
    # the panel's areas: medical knowledge, communication, collaboration and leadership, professionalism
    "bt-kollegium": ("BT1", "BT2", "BT8", "BT9", "BT10", "BT11"),
    # everyday professional behaviour, which no other instrument rates
    "allman-aterkoppling": ("BT8", "BT9", "BT10", "BT11"),
    # not an assessment: the trainee's own signature vouches for no delmål
    "coachloopen": (),
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(SCHEMAS)


def form(catalog: Catalog, form_id: str) -> FormVersion:
    found = catalog.latest(form_id)
    assert found is not None, form_id
    return found


def example(form_id: str, name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / "forms" / form_id / "1" / "examples" / "valid" / f"{name}.json").read_text("utf-8"))


# --- the catalog --------------------------------------------------------------------------------------

def test_the_catalog_check_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert catalog_command(["check", "--root", str(SCHEMAS)]) == 0
    listing = json.loads((SCHEMAS / "catalog.json").read_text("utf-8"))
    versions = sum(len(f["versions"]) for f in listing["forms"])
    assert capsys.readouterr().out.strip() == f"OK: {versions} form versions, {sum(len(v['versions']) for v in listing['vocabularies'])} vocabularies."


def test_the_new_forms_are_published_as_version_1_after_the_first_ones(catalog: Catalog) -> None:
    listing = json.loads((SCHEMAS / "catalog.json").read_text("utf-8"))
    ids = [f["id"] for f in listing["forms"]]
    first = ids.index("mini-cex-sjalvstandighet")
    assert ids[first:first + 1 + len(NEW_FORMS)] == ["mini-cex-sjalvstandighet", *NEW_FORMS]
    for form_id in NEW_FORMS:
        found = catalog.get(form_id, 1)
        assert found is not None and (found.status, found.instrument) == ("published", form_id)
        assert found.schema["$id"] == f"urn:bedside:form:{form_id}:1"


@pytest.mark.parametrize("form_id", ["konsultationsmall", "bt-kollegium", "mini-cex-sjalvstandighet"])
def test_a_version_2_that_fits_the_phone_changes_the_layout_not_the_data(catalog: Catalog, form_id: str) -> None:
    """Shorter help, short choices on one row, the optional part folded: the same fields, values, rules and
    workflow, so that an assessment means the same on version 1 and 2."""
    old, new = catalog.get(form_id, 1), catalog.get(form_id, 2)
    assert old is not None and new is not None and catalog.latest(form_id) is new
    assert {k: v for k, v in new.schema.items() if k != "$id"} == {k: v for k, v in old.schema.items() if k != "$id"}
    assert new.workflow == old.workflow and new.summary_field == old.summary_field
    assert new.feedback_rules == old.feedback_rules and new.content_hash != old.content_hash
    fields = lambda f: sorted(x["field"] for s in f.ui["sections"] for x in s["fields"])  # noqa: E731
    assert fields(new) == fields(old)


@pytest.mark.parametrize("form_id", NEW_FORMS)
def test_the_workflow_says_who_starts_edits_and_signs(catalog: Catalog, form_id: str) -> None:
    w = form(catalog, form_id).workflow
    found = {"start": w.start, "editors": w.editors, "sign": w.sign, "acknowledge": w.acknowledge,
             "countersign": w.countersign, "assessor_must_be": w.assessor_must_be,
             "requires_placement": w.requires_placement, "anonymous_to_trainee": w.anonymous_to_trainee,
             "in_round": w.in_round}
    assert found == WORKFLOWS[form_id]


@pytest.mark.parametrize("form_id", NEW_FORMS)
def test_each_section_is_filled_in_by_whoever_the_instrument_says(catalog: Catalog, form_id: str) -> None:
    found = form(catalog, form_id)
    assert {s["id"]: s["filled_by"] for s in found.ui["sections"]} == FILLED_BY[form_id]


@pytest.mark.parametrize("form_id", NEW_FORMS)
def test_evidence_for_is_among_the_18_bt_delmal_as_chosen(catalog: Catalog, form_id: str) -> None:
    evidence = form(catalog, form_id).workflow.evidence_for
    assert set(evidence) <= BT_DELMAL and evidence == EVIDENCE_FOR[form_id]


def test_who_fills_what_follows_the_sections(catalog: Catalog) -> None:
    cbd, panel, loop = form(catalog, "cbd"), form(catalog, "bt-kollegium"), form(catalog, "coachloopen")
    assert cbd.not_fillable_by(frozenset({"trainee"}), ["/focus", "/journalforing", "/strengths"]) == [
        "/journalforing", "/strengths"]
    assert panel.not_fillable_by(frozenset({"assessor"}), ["/participants", "/self_kommunikation", "/kommunikation"]) \
        == ["/self_kommunikation"]
    assert panel.not_fillable_by(frozenset({"trainee"}), ["/self_comment", "/kommunikation", "/progress"]) == [
        "/kommunikation", "/progress"]
    assert loop.not_fillable_by(frozenset({"assessor"}), ["/nulage", "/follow_up_on", "/supervisor_comment"]) == [
        "/nulage"]
    assert loop.not_fillable_by(frozenset({"trainee"}), ["/agera", "/follow_up_on", "/supervisor_comment"]) == [
        "/supervisor_comment"]


def test_ratings_refer_to_the_shared_scales(catalog: Catalog) -> None:
    def refs(form_id: str, names: list[str]) -> set[str]:
        return {form(catalog, form_id).schema["properties"][n]["$ref"] for n in names}

    assert refs("cbd", ["journalforing", "klinisk_bedomning", "utredning_remiss", "behandling",
                        "uppfoljning_planering", "professionalism", "overgripande_bedomning"]) == {
        "urn:bedside:vocabulary:mini-cex-skala:1"}
    areas = ["medicinsk_kunskap", "kommunikation", "samarbete", "ledarskap", "professionalism"]
    assert refs("bt-kollegium", areas + [f"self_{a}" for a in areas]) == {"urn:bedside:vocabulary:sjalvstandighet:1"}
    items = ["tankar", "oro", "onskemal", "kvitto", "sammanfattning", "anamnes", "status", "differentialdiagnoser",
             "besvarar_fragor", "forklarar", "kontrollerar_forstaelse", "plan", "uppfoljning"]
    assert refs("konsultationsmall", items) == {"urn:bedside:vocabulary:genomforande:1"}
    scale = catalog.vocabulary("genomforande", 1)
    assert scale is not None and scale.content["not_observed"] == "ej_aktuellt"
    assert [(t["value"], t["label"]["sv"]) for t in scale.content["terms"]] == [
        ("ej_genomfort", "Ej genomfört"), ("delvis", "Delvis"), ("genomfort", "Genomfört"),
        ("ej_aktuellt", "Ej aktuellt")]
    numbers = {(f, n) for f in NEW_FORMS for n, p in form(catalog, f).schema["properties"].items()
               if p.get("type") in ("integer", "number")}
    assert numbers == {("cbd", "minutes_discussion"), ("cbd", "minutes_feedback")}, "a rating is a vocabulary"
    allman = form(catalog, "allman-aterkoppling")
    assert allman.vocabularies == () and set(allman.schema["properties"]) == {
        "situation", "strengths", "development_areas", "agreed_action"}


def test_the_feedback_fields_carry_the_structured_feedback_rules(catalog: Catalog) -> None:
    for form_id in NEW_FORMS:
        found = form(catalog, form_id)
        has_feedback = {"strengths", "development_areas", "agreed_action"} <= set(found.schema["properties"])
        assert has_feedback == (form_id != "coachloopen")
        assert (found.feedback_rules.ref if found.feedback_rules else None) == (
            "strukturerad-aterkoppling:1" if has_feedback else None)


def texts(node: Any) -> list[dict[str, str]]:
    """Every translated text in a ui.json (title, description, label, help, option)."""
    if isinstance(node, dict):
        return [node] if "sv" in node else [t for value in node.values() for t in texts(value)]
    return [t for value in node for t in texts(value)] if isinstance(node, list) else []


@pytest.mark.parametrize("form_id", NEW_FORMS)
def test_texts_are_swedish_first_bounded_and_never_ask_for_the_patient(catalog: Catalog, form_id: str) -> None:
    found = form(catalog, form_id)
    for name, prop in found.schema["properties"].items():
        assert "personnummer" not in name and (not name.startswith("patient") or name == "patient_age_band")
        if prop.get("type") == "string" and "enum" not in prop and "format" not in prop:
            assert prop["minLength"] == 1 and 1 < prop["maxLength"] <= 4000, name
    assert all(list(t) == ["sv", "en"] and t["sv"].strip() and t["en"].strip() for t in texts(found.ui))


def test_the_case_texts_remind_never_to_write_the_patients_identity(catalog: Catalog) -> None:
    def help_of(form_id: str, pointer: str) -> str:
        fields = {f["field"]: f for s in form(catalog, form_id).ui["sections"] for f in s["fields"]}
        return str(fields[pointer]["help"]["sv"])

    for form_id, pointer in (("cbd", "/focus"), ("konsultationsmall", "/focus"), ("allman-aterkoppling", "/situation"),
                             ("bt-kollegium", "/basis"), ("mini-cex", "/focus"), ("mini-cex-sjalvstandighet", "/focus"),
                             ("dops", "/procedure")):
        assert NO_PATIENT_IDENTITY in help_of(form_id, pointer), (form_id, pointer)
    (loop,) = [s for s in form(catalog, "coachloopen").ui["sections"] if s["id"] == "loop"]
    assert NO_PATIENT_IDENTITY in loop["description"]["sv"]


def test_coachloopen_says_why_the_trainee_signs_and_asks_the_seeds_questions(catalog: Catalog) -> None:
    loop = form(catalog, "coachloopen")
    assert "BT-läkaren skriver och signerar" in loop.ui["description"]["sv"]
    helps = {f["field"]: f["help"]["sv"] for s in loop.ui["sections"] for f in s["fields"]}
    assert helps["/nulage"].startswith("Hur ser din situation ut nu?")
    assert helps["/onskat_lage"].startswith("Hur ser det önskade läget ut?")
    assert helps["/hinder"].startswith("Vilka hinder har du identifierat?")
    assert helps["/resurser"].startswith("Vilka egna resurser har du?")
    assert helps["/agera"].startswith("När ska du börja?")
    assert loop.schema["required"] == ["topic", "nulage", "onskat_lage", "hinder", "resurser", "agera"]


def test_the_kollegiums_day_is_the_day_of_the_activity_not_a_field_of_its_own(catalog: Catalog) -> None:
    panel = form(catalog, "bt-kollegium")
    assert not [p for p in panel.schema["properties"].values() if p.get("format") == "date"]
    (error,) = panel.validate_complete({**example("bt-kollegium", "tre-manader"), "held_on": "2026-03-12"})
    assert error.field == "/held_on"


# --- through the API ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("form_id", "name"), [("cbd", "hjartsvikt-vardavdelning"),
                                               ("konsultationsmall", "hosta-mottagningsbesok"),
                                               ("allman-aterkoppling", "overrapportering")])
async def test_asked_at_the_bedside_the_assessor_answers_and_signs_through_the_link(
    client: AsyncTestClient, world: World, form_id: str, name: str
) -> None:
    tove = await login(client, world, "trainee")
    asked = await client.post("/api/requests", headers=tove, json={"form_id": form_id, "channel": "bedside"})
    assert asked.status_code == 201, asked.text
    request = asked.json()
    doc = request["assessment_id"]
    client.cookies.clear()  # the assessor's phone
    secret = await claimed_secret(client, token_of(request["link"]))
    data = example(form_id, name)
    answer = await link_sync(client, secret, [
        mutation(1, "edit", doc, base_version=1, fields={f"/{k}": v for k, v in data.items()}),
        mutation(2, "submit", doc), mutation(3, "sign", doc)])
    assert [r["status"] for r in answer.json()["results"]] == ["applied", "applied", "applied"], answer.text
    tove = await login(client, world, "trainee")
    done = await client.post(f"/api/assessments/{doc}/acknowledge", headers=tove, json={"reflection": "Tack!"})
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["data"]) == ("acknowledged", data)


@pytest.mark.parametrize("form_id", ["bt-kollegium", "coachloopen"])
async def test_a_panel_and_a_coaching_loop_are_not_asked_of_a_colleague(
    client: AsyncTestClient, world: World, form_id: str
) -> None:
    tove = await login(client, world, "trainee")
    asked = await client.post("/api/requests", headers=tove, json={"form_id": form_id, "channel": "bedside"})
    assert asked.status_code == 400 and "cannot be requested" in asked.json()["detail"]


async def test_the_supervisors_convene_a_kollegium_and_the_trainee_rates_herself(
    client: AsyncTestClient, world: World
) -> None:
    data = example("bt-kollegium", "tre-manader")
    own = {k: v for k, v in data.items() if k.startswith("self_")}
    panels = {k: v for k, v in data.items() if k not in own}
    body = {"form_id": "bt-kollegium", "trainee_id": world.id("trainee"), "observed_on": "2026-03-31"}

    tove = await login(client, world, "trainee")
    refused = await client.post("/api/assessments", headers=tove,
                                json={**body, "assessor_id": world.id("clinical_supervisor")})
    assert refused.status_code == 403 and refused.json()["reason"] == "forbidden"
    asta = await login(client, world, "assessor")  # a colleague, not her supervisor
    refused = await client.post("/api/assessments", headers=asta,
                                json={**body, "placement_id": world.placements["placement"]})
    assert refused.status_code == 403 and refused.json()["reason"] == "forbidden"

    karin = await login(client, world, "clinical_supervisor")
    outside = await client.post("/api/assessments", headers=karin, json={**body, "observed_on": "2026-09-01"})
    assert outside.status_code == 400 and "placement_id" in outside.json()["detail"]  # only within a placement
    made = await client.post("/api/assessments", headers=karin, json={**body, "data": panels})
    assert made.status_code == 201, made.text
    doc = made.json()
    assert (doc["assessor_id"], doc["placement_id"]) == (world.id("clinical_supervisor"), world.placements["placement"])
    hers = await client.patch(f"/api/assessments/{doc['doc_id']}", headers=karin,
                              json={"base_version": doc["version"], "data": {"self_kommunikation": 4}})
    assert hers.status_code == 403 and hers.json()["reason"] == "not_your_field"

    tove = await login(client, world, "trainee")
    theirs = await client.patch(f"/api/assessments/{doc['doc_id']}", headers=tove,
                                json={"base_version": doc["version"], "data": {"kommunikation": 5}})
    assert theirs.status_code == 403 and theirs.json()["reason"] == "not_your_field"
    rated = await client.patch(f"/api/assessments/{doc['doc_id']}", headers=tove,
                               json={"base_version": doc["version"], "data": own})
    assert rated.status_code == 200, rated.text

    karin = await login(client, world, "clinical_supervisor")
    for step in ("submit", "sign"):
        assert (await client.post(f"/api/assessments/{doc['doc_id']}/{step}", headers=karin)).status_code == 200
    tove = await login(client, world, "trainee")
    done = await client.post(f"/api/assessments/{doc['doc_id']}/acknowledge", headers=tove, json={})
    assert done.status_code == 200 and done.json()["data"] == data


async def test_a_coaching_loop_is_the_trainees_own_and_she_signs_it(client: AsyncTestClient, world: World) -> None:
    data = example("coachloopen", "med-uppfoljning-och-kommentar")
    comment = {"supervisor_comment": data["supervisor_comment"]}
    hers = {k: v for k, v in data.items() if k not in comment}
    tove = await login(client, world, "trainee")
    made = await client.post("/api/assessments", headers=tove, json={
        "form_id": "coachloopen", "assessor_id": world.id("main_supervisor"), "data": hers})
    assert made.status_code == 201, made.text
    doc = made.json()

    hanna = await login(client, world, "main_supervisor")
    written = await client.patch(f"/api/assessments/{doc['doc_id']}", headers=hanna,
                                 json={"base_version": doc["version"], "data": {"nulage": "Hon är stressad."}})
    assert written.status_code == 403 and written.json()["reason"] == "not_your_field"
    commented = await client.patch(f"/api/assessments/{doc['doc_id']}", headers=hanna,
                                   json={"base_version": doc["version"], "data": comment})
    assert commented.status_code == 200, commented.text
    assert (await client.post(f"/api/assessments/{doc['doc_id']}/submit", headers=hanna)).status_code == 200
    signing = await client.post(f"/api/assessments/{doc['doc_id']}/sign", headers=hanna)
    assert signing.status_code == 403 and signing.json()["reason"] == "forbidden"

    tove = await login(client, world, "trainee")
    signed = await client.post(f"/api/assessments/{doc['doc_id']}/sign", headers=tove)
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    assert signed.json()["data"] == data and signed.json()["permissions"] == ["amend"]  # nothing to acknowledge

