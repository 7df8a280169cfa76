"""Issue 12, FHIR: every form version is a FHIR R4 Questionnaire, every assessment a QuestionnaireResponse
(``GET /api/fhir/...``), each validated by a maintained FHIR library (fhir.resources' R4B models, whose
Questionnaire and QuestionnaireResponse are R4's) and checked against the R4 rules that library leaves
out (the required code systems, the invariants que-* and qrs-*, a response answering its questionnaire)."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from litestar.testing import AsyncTestClient

from server.assessments.views import AssessmentView
from server.catalog import FormVersion, load_catalog
from server.fhir.items import code_of
from server.fhir.service import questionnaire, questionnaire_response
from server.privacy import redact_identity_numbers
from server.settings import REPO_ROOT
from tests.form_flow import assessor_key, through_the_api
from tests.helpers import MINI_CEX_COMPLETE, create_mini_cex
from tests.rounds_support import answer_by_link, rater_answer, rater_links, start_round
from tests.world import World, login

CATALOG = load_catalog(REPO_ROOT / "schemas")
FORMS = CATALOG.forms()
EXAMPLES = sorted((REPO_ROOT / "schemas" / "forms").glob("*/*/examples/valid/*.json"))
FHIR_JSON = "application/fhir+json"
ROLES = ("trainee", "assessor", "clinical_supervisor", "main_supervisor", "studierektor", "admin",
         "other_trainee", "other_main_supervisor")

# --- the R4 rules fhir.resources does not check (it checks structure and primitive types) ---------------

PUBLICATION_STATUS = {"draft", "active", "retired", "unknown"}
RESPONSE_STATUS = {"in-progress", "completed", "amended", "entered-in-error", "stopped"}
ITEM_TYPES = {"group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time", "string", "text",
              "url", "choice", "open-choice", "attachment", "reference", "quantity"}
OPERATORS = {"exists", "=", "!=", ">", "<", ">=", "<="}
#: the answer[x] each item type takes
ANSWER_KEY = {"boolean": "valueBoolean", "decimal": "valueDecimal", "integer": "valueInteger", "date": "valueDate",
              "dateTime": "valueDateTime", "time": "valueTime", "string": "valueString", "text": "valueString",
              "choice": "valueCoding"}
CODE = re.compile(r"^[^\s]+(\s[^\s]+)*$")


def _walk(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [found for item in items for found in (item, *_walk(item.get("item", [])))]


def check_questionnaire(q: dict[str, Any]) -> None:
    Questionnaire.model_validate(q)
    assert q["status"] in PUBLICATION_STATUS
    items = _walk(q["item"])
    links = [item["linkId"] for item in items]
    assert len(links) == len(set(links)), "que-2: linkIds are unique"
    for item in items:
        assert item["type"] in ITEM_TYPES, item["linkId"]
        if item["type"] == "group":
            assert item.get("item"), f"que-1: group {item['linkId']} has items"
        if "answerOption" in item:
            assert item["type"] in ("choice", "open-choice"), item["linkId"]
            codes = [o["valueCoding"]["code"] for o in item["answerOption"]]
            assert len(codes) == len(set(codes)) and all(CODE.match(c) for c in codes), item["linkId"]
        if item["type"] == "choice":
            assert item.get("answerOption"), f"choice {item['linkId']} lists its answers"
        if "maxLength" in item:
            assert item["type"] in ("boolean", "decimal", "integer", "string", "text", "url", "open-choice"), "que-10"
        for condition in item.get("enableWhen", []):
            assert condition["operator"] in OPERATORS and condition["question"] in links, item["linkId"]
        assert len(item.get("enableWhen", [])) < 2 or "enableBehavior" in item, "que-12"


def check_response(qr: dict[str, Any], q: dict[str, Any]) -> None:
    """Valid R4, and an answer to ``q``: each item is one of its parent's in ``q``, each answer of its
    item's type (a choice's coding one of its options), repeated only where the item repeats."""
    QuestionnaireResponse.model_validate(qr)
    assert qr["status"] in RESPONSE_STATUS
    assert qr["questionnaire"] == f"{q['url']}|{q['version']}"

    def check(items: list[dict[str, Any]], allowed: list[dict[str, Any]]) -> None:
        by_link = {i["linkId"]: i for i in allowed}
        seen: list[str] = []
        for item in items:
            question = by_link.get(item["linkId"])
            assert question is not None, f"{item['linkId']} is not an item there in the questionnaire"
            assert item["linkId"] not in seen or question.get("repeats"), f"qrs-2: {item['linkId']} once"
            seen.append(item["linkId"])
            assert item.get("text") == question["text"]
            if question["type"] == "group":
                assert "answer" not in item and item.get("item"), item["linkId"]
                check(item["item"], question["item"])
                continue
            answers = item["answer"]
            assert answers and (len(answers) == 1 or question.get("repeats")), item["linkId"]
            for answer in answers:
                (key,) = [k for k in answer if k.startswith("value")]
                assert key == ANSWER_KEY[question["type"]], (item["linkId"], key)
                if key == "valueCoding":
                    options = {(o["valueCoding"]["system"], o["valueCoding"]["code"]) for o in question["answerOption"]}
                    assert (answer[key]["system"], answer[key]["code"]) in options, item["linkId"]

    check(qr.get("item", []), q["item"])


def answered(qr: dict[str, Any]) -> dict[str, Any]:
    """linkId → the answer's value (a coding's code), or the list of them for a repeating item."""
    found: dict[str, Any] = {}
    for item in _walk(qr.get("item", [])):
        values = [code_of(a["valueCoding"]["code"]) if "valueCoding" in a else
                  next(v for k, v in a.items() if k.startswith("value")) for a in item.get("answer", [])]
        if values:
            found[item["linkId"]] = values
    return found


def leaves(data: Any, pointer: str = "") -> dict[str, list[Any]]:
    """JSON Pointer → the value(s) the response must carry there: every scalar, an array's elements
    under the array's pointer; empty strings and empty arrays carry nothing."""
    if isinstance(data, dict):
        return {p: v for key, value in data.items() for p, v in leaves(value, f"{pointer}/{key}").items()}
    if isinstance(data, list):
        return {pointer: data} if data else {}
    return {} if data in ("", None) else {pointer: [data]}


def expected_answers(form: FormVersion, data: dict[str, Any]) -> dict[str, list[Any]]:
    choices = {i["linkId"] for i in _walk(questionnaire(form)["item"]) if i["type"] == "choice"}
    return {p: [code_of(v) if p in choices else v for v in values] for p, values in leaves(data).items()}


def example_form(path: Path) -> FormVersion:
    form = CATALOG.get(path.parts[-5], int(path.parts[-4]))
    assert form is not None, path
    return form


def a_view(form: FormVersion, data: dict[str, Any], **fields: Any) -> AssessmentView:
    """An assessment as the API reads it, for mapping an answer no test user can make through the API."""
    return AssessmentView(**{
        "doc_id": "0b7d3c56-3f5e-4b8a-9d61-6a1f0e2c4b77", "seq": 1, "version": 3, "deleted": False,
        "form_id": form.form_id, "form_version": form.version, "form_hash": form.content_hash, "status": "signed",
        "data": data, "conflicts": {}, "trainee_id": 1, "trainee_name": "Tove Trainee", "assessor_id": None,
        "assessor_name": "Rita Rater", "assessor_email": "rita@sjukhus.test", "placement_id": None,
        "amends_id": None, "reflection": None, "content_hash": None, "returned_reason": None, "created_by": "request:1",
        "created_at": "2026-03-15T09:00:00.000000Z", "updated_at": "2026-03-15T09:30:00.123456Z",
        "submitted_at": None, "signed_at": None, "signed_by": None, "acknowledged_at": None, "countersigned_at": None,
        "countersigned_by": None, "permissions": [],
    } | fields)


# --- Questionnaire -------------------------------------------------------------------------------------

@pytest.mark.parametrize("form", FORMS, ids=lambda f: f"{f.form_id}-{f.version}")
def test_every_form_version_is_a_valid_r4_questionnaire(form: FormVersion) -> None:
    q = questionnaire(form)
    check_questionnaire(q)
    assert (q["id"], q["url"], q["version"]) == (f"{form.form_id}-{form.version}",
                                                 f"urn:bedside:form:{form.form_id}:{form.version}", str(form.version))
    assert q["title"] == form.title["sv"] and form.title["en"] in json.dumps(q["_title"], ensure_ascii=False)
    items = {i["linkId"]: i for i in _walk(q["item"])}
    assert [i["linkId"] for i in q["item"]] == [s["id"] for s in form.ui["sections"]]
    assert all(i["type"] == "group" for i in q["item"])
    for section in form.ui["sections"]:
        group = items[section["id"]]
        assert group["text"] == section["title"]["sv"]
        assert [i["linkId"] for i in group["item"]] == [f["field"] for f in section["fields"]], "every ui field an item"
        for field in section["fields"]:
            item = items[field["field"]]
            assert item["text"] == field["label"]["sv"]
            assert item.get("required", False) == (field["field"][1:] in form.schema.get("required", []))
            if field["widget"] in ("scale", "choice"):
                assert item["type"] == "choice"
                systems = {o["valueCoding"]["system"] for o in item["answerOption"]}
                ref = form.schema["properties"][field["field"][1:]].get("$ref")
                assert systems == {ref or f"urn:bedside:form:{form.form_id}:{form.version}:{field['field'][1:]}"}
            if "show_if" in field:
                assert item["enableWhen"][0]["question"] == field["show_if"]["field"]


def test_types_follow_the_widgets_and_the_schema() -> None:
    mini_cex = {i["linkId"]: i for i in _walk(questionnaire(CATALOG.get("mini-cex", 2))["item"])}
    assert {p: mini_cex[p]["type"] for p in ("/focus", "/strengths", "/minutes_observed", "/anamnes", "/setting")} == {
        "/focus": "string", "/strengths": "text", "/minutes_observed": "integer", "/anamnes": "choice",
        "/setting": "choice"}
    scale = [o["valueCoding"] for o in mini_cex["/anamnes"]["answerOption"]]
    assert scale[0] == {"system": "urn:bedside:vocabulary:mini-cex-skala:1", "code": "1", "display": "Otillfredsställande",
                        "_display": scale[0]["_display"]}
    assert scale[-1]["code"] == "ej_observerat" and scale[-1]["display"] == "Ej observerat"
    assert mini_cex["/setting_other"]["enableWhen"] == [{
        "question": "/setting", "operator": "=",
        "answerCoding": {"system": "urn:bedside:form:mini-cex:2:setting", "code": "annat", "display": "Annat"}}]

    final = {i["linkId"]: i for i in _walk(questionnaire(CATALOG.get("slutbedomning-bt", 1))["item"])}
    assert final["/period_start"]["type"] == "date" and final["/action_plan_needed"]["type"] == "boolean"
    assert final["/delmal"]["type"] == "group" and len(final["/delmal"]["item"]) == 18
    row = final["/delmal/BT1"]
    assert (row["type"], row["prefix"], row["text"]) == ("group", "BT1", "Akuta och icke akuta sjukdomstillstånd")
    assert [(i["linkId"], i["type"], i.get("required", False), i.get("repeats", False)) for i in row["item"]] == [
        ("/delmal/BT1/outcome", "choice", True, False), ("/delmal/BT1/how_checked", "text", False, False),
        ("/delmal/BT1/evidence", "string", False, True)]


async def test_questionnaires_are_public_and_unknown_ids_404(client: AsyncTestClient) -> None:
    for form in FORMS:
        got = await client.get(f"/api/fhir/Questionnaire/{form.form_id}-{form.version}")
        assert got.status_code == 200 and got.headers["content-type"].startswith(FHIR_JSON)
        assert got.json() == questionnaire(form)
        assert "no-store" not in got.headers.get("cache-control", "")  # as cacheable as the catalog
    for unknown in ("mini-cex-99", "mini-cex", "mini-cex-0", "nope-1", "MINI-CEX-1", "mini-cex-1.0"):
        got = await client.get(f"/api/fhir/Questionnaire/{unknown}")
        assert got.status_code == 404 and got.json()["reason"] == "not_found", unknown


# --- QuestionnaireResponse: every example, through the API where a test user can make it ------------------

def _signer_of(form: FormVersion) -> str:
    return "trainee" if form.workflow.sign == "trainee" else assessor_key(form)


async def _signed_through_the_api(client: AsyncTestClient, world: World, form: FormVersion,
                                  data: dict[str, Any]) -> str | None:
    """The assessment made, filled by each part's owner and signed as the form's workflow says (None:
    nobody can here, as a 360 rater answers only through a round)."""
    if form.workflow.anonymous_to_trainee:
        return None
    return await through_the_api(client, world, form, data)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: "/".join(p.parts[-5:-3] + (p.stem,)))
async def test_every_example_is_a_valid_r4_response(client: AsyncTestClient, world: World, path: Path) -> None:
    form = example_form(path)
    data = json.loads(path.read_text())
    q = questionnaire(form)
    doc_id = await _signed_through_the_api(client, world, form, data)
    if doc_id is None:
        qr = questionnaire_response(form, a_view(form, data))
    else:
        await login(client, world, "trainee")
        got = await client.get(f"/api/fhir/QuestionnaireResponse/{doc_id}")
        assert got.status_code == 200 and got.headers["content-type"].startswith(FHIR_JSON)
        qr = got.json()
        assert qr["id"] == doc_id
        assert qr["subject"] == {"type": "Practitioner", "display": world.names["trainee"]}
        signer = _signer_of(form)
        assert qr["author"] == {"type": "Practitioner", "display": world.names[signer]}
        assert world.emails["trainee"] not in got.text and world.emails[signer] not in got.text
    check_response(qr, q)
    assert qr["status"] == "completed"
    assert answered(qr) == expected_answers(form, data), "every value answered, typed, and nothing else"
    required = [i for i in _walk(q["item"]) if i.get("required") and "enableWhen" not in i and i["type"] != "group"
                and i["linkId"].count("/") == 1]
    assert {i["linkId"] for i in required} <= set(answered(qr)), "a completed response answers the required items"


async def test_answers_are_typed_as_their_items(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "assessor")
    doc = await create_mini_cex(client, headers, form_version=2, trainee_id=world.id("trainee"), data=MINI_CEX_COMPLETE)
    qr = (await client.get(f"/api/fhir/QuestionnaireResponse/{doc['doc_id']}")).json()
    answers = {i["linkId"]: i["answer"] for i in _walk(qr["item"]) if "answer" in i}
    assert answers["/focus"] == [{"valueString": "Bröstsmärta"}]
    assert answers["/minutes_observed"] == [{"valueInteger": 20}]
    assert answers["/anamnes"] == [{"valueCoding": {"system": "urn:bedside:vocabulary:mini-cex-skala:1", "code": "7",
                                                    "display": "Mycket bra"}}]
    assert answers["/professionalism"][0]["valueCoding"]["code"] == "ej_observerat"
    assert answers["/setting"] == [{"valueCoding": {"system": "urn:bedside:form:mini-cex:2:setting",
                                                    "code": "akutmottagning", "display": "Akutmottagning"}}]
    assert "/setting_other" not in answers  # no answer, no item
    assert qr["authored"] == doc["updated_at"] and qr["questionnaire"] == "urn:bedside:form:mini-cex:2|2"


async def test_status_follows_the_lifecycle(client: AsyncTestClient, world: World) -> None:
    trainee = await login(client, world, "trainee")
    doc = await create_mini_cex(client, trainee, assessor_id=world.id("assessor"), data={"focus": "Yrsel"})
    url = f"/api/fhir/QuestionnaireResponse/{doc['doc_id']}"
    draft = (await client.get(url)).json()
    check_response(draft, questionnaire(CATALOG.latest("mini-cex")))
    assert draft["status"] == "in-progress" and [i["linkId"] for i in draft["item"]] == ["context"]
    assessor = await login(client, world, "assessor")
    await client.patch(f"/api/assessments/{doc['doc_id']}", headers=assessor,
                       json={"base_version": doc["version"], "data": MINI_CEX_COMPLETE})
    assert (await client.post(f"/api/assessments/{doc['doc_id']}/submit", headers=assessor)).status_code == 200
    assert (await client.get(url)).json()["status"] == "in-progress"  # waiting for its signature
    returned = await client.post(f"/api/assessments/{doc['doc_id']}/return", headers=assessor, json={"reason": "Mer"})
    assert returned.status_code == 200 and (await client.get(url)).json()["status"] == "in-progress"
    for step, who in (("submit", "assessor"), ("sign", "assessor"), ("acknowledge", "trainee")):
        headers = await login(client, world, who)
        assert (await client.post(f"/api/assessments/{doc['doc_id']}/{step}", headers=headers, json={})).status_code == 200
        if step != "submit":
            assert (await client.get(url)).json()["status"] == "completed", step

    other = await create_mini_cex(client, trainee, assessor_id=world.id("assessor"))
    assert (await client.delete(f"/api/assessments/{other['doc_id']}", headers=trainee)).status_code == 200
    gone = await client.get(f"/api/fhir/QuestionnaireResponse/{other['doc_id']}")
    assert gone.status_code == 200 and gone.json()["status"] == "entered-in-error"
    QuestionnaireResponse.model_validate(gone.json())


# --- access: exactly that of GET /api/assessments/{id} ------------------------------------------------------

async def _statuses(client: AsyncTestClient, world: World, doc_id: str) -> dict[str, tuple[int, int]]:
    found = {}
    for who in ROLES:
        await login(client, world, who)
        found[who] = ((await client.get(f"/api/assessments/{doc_id}")).status_code,
                      (await client.get(f"/api/fhir/QuestionnaireResponse/{doc_id}")).status_code)
    return found


async def test_a_response_is_read_exactly_as_its_assessment(client: AsyncTestClient, world: World) -> None:
    trainee = await login(client, world, "trainee")
    doc = await create_mini_cex(client, trainee, assessor_id=world.id("assessor"), data={"focus": "Yrsel"})
    statuses = await _statuses(client, world, doc["doc_id"])
    assert all(api == fhir for api, fhir in statuses.values()), statuses
    assert {who for who, (_, fhir) in statuses.items() if fhir == 200} == {
        "trainee", "assessor", "clinical_supervisor", "main_supervisor", "studierektor"}
    client.cookies.clear()
    nobody = await client.get(f"/api/fhir/QuestionnaireResponse/{doc['doc_id']}")
    assert nobody.status_code == 401
    await login(client, world, "trainee")
    unknown = await client.get("/api/fhir/QuestionnaireResponse/6f1c2a9e-0d1b-4c1e-9a7e-3b2f5d8c4e10")
    assert unknown.status_code == 404 and unknown.json()["reason"] == "not_found"


async def test_a_360_raters_answer_is_never_the_trainees_nor_her_clinical_supervisors(
        client: AsyncTestClient, world: World) -> None:
    view = await start_round(client, world)
    headers = await login(client, world, "main_supervisor")
    assert (await client.post(f"/api/rounds/{view['id']}/send", headers=headers)).status_code == 200
    links = await rater_links(client, view["id"])
    link, doc_id = next(iter(links.values()))
    await answer_by_link(client, link, doc_id, rater_answer(4, concern="viss"))
    statuses = await _statuses(client, world, doc_id)
    assert all(api == fhir for api, fhir in statuses.values()), statuses
    assert statuses["trainee"][1] == 404 and statuses["clinical_supervisor"][1] == 404
    assert statuses["main_supervisor"][1] == 200 and statuses["studierektor"][1] == 200
    await login(client, world, "main_supervisor")
    got = await client.get(f"/api/fhir/QuestionnaireResponse/{doc_id}")
    form = CATALOG.get("msf-rater", 2)
    check_response(got.json(), questionnaire(form))
    assert got.json()["status"] == "completed" and answered(got.json()) == expected_answers(form, rater_answer(4, concern="viss"))


async def test_people_are_named_never_identified(client: AsyncTestClient, world: World) -> None:
    """The assessor named by the trainee with a name and an e-mail: the response has the name only;
    neither e-mail, nor anything that looks like a personnummer."""
    trainee = await login(client, world, "trainee")
    doc = await create_mini_cex(client, trainee, assessor_name="Doris Extern", assessor_email="doris@annat.test",
                                data={"focus": "Yrsel"})
    got = await client.get(f"/api/fhir/QuestionnaireResponse/{doc['doc_id']}")
    assert got.status_code == 200
    assert got.json()["author"] == {"type": "Practitioner", "display": "Doris Extern"}
    assert got.json()["subject"] == {"type": "Practitioner", "display": world.names["trainee"]}
    for secret in ("doris@annat.test", world.emails["trainee"], "@"):
        assert secret not in got.text
    assert redact_identity_numbers(got.text) == got.text


# --- what no catalog form has yet: mapped sensibly, never a crash ------------------------------------------

def test_unusual_schemas_map_to_valid_items() -> None:
    base = CATALOG.get("mini-cex", 2)
    schema = {"type": "object", "required": ["rows"], "properties": {
        "rows": {"type": "array", "items": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string"}, "count": {"type": "number"}, "kind": {"enum": [1, 2, True]}}}},
        "tags": {"type": "array", "items": {"type": "string"}},
        "grid": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
        "free": {"type": "object", "additionalProperties": {"type": "string"}},
        "when": {"type": ["string", "null"], "format": "date-time"},
        "anything": {},
    }}
    ui = {"title": {"sv": "Prov"}, "sections": [{"id": "s", "title": {"sv": "Allt", "en": "All"}, "fields": [
        {"field": f"/{name}", "label": {"sv": name}, "widget": widget}
        for name, widget in (("rows", "table"), ("tags", "tags"), ("grid", "grid"), ("free", "map"),
                             ("when", "clock"), ("anything", "whatever"))]}]}
    form = dataclasses.replace(base, form_id="prov", version=1, schema=schema, ui=ui, title={"sv": "Prov"})
    q = questionnaire(form)
    check_questionnaire(q)
    items = {i["linkId"]: i for i in _walk(q["item"])}
    assert (items["/rows"]["type"], items["/rows"]["repeats"], items["/rows"]["required"]) == ("group", True, True)
    assert [(i["linkId"], i["type"]) for i in items["/rows"]["item"]] == [
        ("/rows/*/name", "string"), ("/rows/*/count", "decimal"), ("/rows/*/kind", "choice")]
    assert (items["/tags"]["type"], items["/tags"]["repeats"]) == ("string", True)
    assert [items[p]["type"] for p in ("/grid", "/free", "/when", "/anything")] == ["text", "text", "dateTime", "text"]

    data = {"rows": [{"name": "a", "count": 1.5, "kind": True}, {"name": "b", "kind": 2}, {}], "tags": ["x", "y"],
            "grid": [[1, 2]], "free": {"k": "v"}, "when": "2026-03-15T09:00:00Z", "anything": {"n": 1}}
    qr = questionnaire_response(form, a_view(form, data, status="draft"))
    check_response(qr, q)
    rows = [i for i in qr["item"][0]["item"] if i["linkId"] == "/rows"]
    assert len(rows) == 2  # an empty row answers nothing
    assert rows[0]["item"][2]["answer"] == [{"valueCoding": {"system": "urn:bedside:form:prov:1:rows/*/kind",
                                                             "code": "true", "display": "true"}}]
    answers = answered(qr)
    assert answers["/tags"] == ["x", "y"] and answers["/grid"] == ["[[1, 2]]"] and answers["/anything"] == ['{"n": 1}']
    assert qr["status"] == "in-progress" and qr["author"] == {"type": "Practitioner", "display": "Rita Rater"}
