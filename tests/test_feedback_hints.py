"""Issue 10, "Feedback that helps": a form version's feedback rules (schemas/feedback/, named by its
catalog entry's ``feedback_rules``) are versioned, hashed catalog data; the loader checks every field
they name; the catalog API serves them with the form; the server evaluates them on an assessment's data
(``feedback_hints`` on the assessment view, for whoever writes the feedback) and never blocks on them.
The evaluation runs on the shared cases in tests/data/feedback_hints.json, which the PWA's module must
agree with too (tests/browser/test_feedback_hints.py)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from server.catalog import CatalogError, compute_hashes, load_catalog
from server.catalog.feedback import asks_before_signing, feedback_hints
from server.settings import REPO_ROOT
from tests.helpers import MINI_CEX_ASSESSORS, MINI_CEX_CONTEXT, create_mini_cex
from tests.world import World, login

CASES_PATH = REPO_ROOT / "tests" / "data" / "feedback_hints.json"
RULES = "strukturerad-aterkoppling:1"
RULES_FILE = "schemas/feedback/strukturerad-aterkoppling/1.json"


def shared_cases() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The catalog's rules, and every case of the shared table with the rules it runs against."""
    table = json.loads(CASES_PATH.read_text("utf-8"))
    form = load_catalog(REPO_ROOT / "schemas").get("mini-cex", 2)
    assert form is not None and form.feedback_rules is not None and form.feedback_rules.ref == table["rules"]
    catalog_rules = form.feedback_rules.content
    return catalog_rules, [{**case, "rules": case.get("rules", catalog_rules)} for case in table["cases"]]


CATALOG_RULES, CASES = shared_cases()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_the_shared_cases_give_their_hints_on_the_server(case: dict[str, Any]) -> None:
    hints = [asdict(h) for h in feedback_hints(case["rules"], case["data"])]
    assert hints == case["hints"]
    assert asks_before_signing(case["rules"], case["data"]) is case["asks_before_signing"]


def test_the_shared_cases_reach_every_rule_of_the_catalog() -> None:
    fired = {h["code"] for c in CASES if c["rules"] is CATALOG_RULES for h in c["hints"]}
    assert fired == {r["code"] for r in CATALOG_RULES["rules"]}
    assert {r["kind"] for r in CATALOG_RULES["rules"]} == {"min_length", "only_corrective", "required_for_sign"}


def test_the_forms_with_structured_feedback_name_the_rules_and_their_prompts_are_swedish_and_english() -> None:
    catalog = load_catalog(REPO_ROOT / "schemas")
    named = {(f.form_id, f.version): f.feedback_rules.ref if f.feedback_rules else None for f in catalog.forms()}
    assert named == {("dops", 1): RULES, ("dops", 2): RULES, ("mini-cex", 1): RULES, ("mini-cex", 2): RULES,
                     ("msf-rater", 1): None, ("msf-rater", 2): None, ("msf-self", 1): None, ("msf-self", 2): None,
                     ("slutbedomning-bt", 1): None, ("mini-cex", 3): RULES, ("dops", 3): RULES,
                     ("mini-cex-sjalvstandighet", 1): RULES, ("slutbedomning-bt", 2): None, ("cbd", 1): RULES,
                     ("konsultationsmall", 1): RULES, ("bt-kollegium", 1): RULES, ("allman-aterkoppling", 1): RULES,
                     ("coachloopen", 1): None, ("konsultationsmall", 2): RULES, ("bt-kollegium", 2): RULES,
                     ("mini-cex-sjalvstandighet", 2): RULES, ("handledningssamtal", 1): None,
                     ("handlingsplan", 1): None, ("handlingsplan-sekundar", 1): None, ("handlingsplan-uppfoljning", 1): None,
                     ("iup", 1): None, ("iup-uppfoljning", 1): None}
    assert set(CATALOG_RULES["prompts"]) == {"/strengths", "/development_areas", "/agreed_action"}
    for label in [*CATALOG_RULES["prompts"].values(), *(r["hint"] for r in CATALOG_RULES["rules"])]:
        assert label["sv"] and label["en"] and label["sv"] != label["en"]
    (sign,) = [r for r in CATALOG_RULES["rules"] if r["kind"] == "required_for_sign"]
    assert sign["field"] == "/agreed_action" and sign["confirm"]["sv"] == "Signera utan överenskommen åtgärd?"


# --- the catalog checks them ------------------------------------------------------------------------

@pytest.fixture
def schemas(tmp_path: Path) -> Path:
    return Path(shutil.copytree(REPO_ROOT / "schemas", tmp_path / "schemas"))


def edit_json(path: Path, change: Callable[[Any], None]) -> None:
    data = json.loads(path.read_text("utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def republish(schemas: Path) -> None:
    (schemas / "catalog.json").write_text(json.dumps(compute_hashes(schemas), ensure_ascii=False, indent=2), encoding="utf-8")


def refusal(schemas: Path) -> str:
    with pytest.raises(CatalogError) as caught:
        load_catalog(schemas)
    return str(caught.value)


def rules_file(schemas: Path) -> Path:
    return schemas / "feedback" / "strukturerad-aterkoppling" / "1.json"


def test_a_rule_naming_a_field_the_form_lacks_is_refused(schemas: Path) -> None:
    edit_json(rules_file(schemas), lambda r: r["rules"][0].update(corrective="/weaknesses"))
    republish(schemas)
    assert refusal(schemas) == (
        f"schemas/catalog.json: feedback_rules '{RULES}' of mini-cex version 1: {RULES_FILE} names /weaknesses, "
        "which is not a field of schemas/forms/mini-cex/1/schema.json; name that version's text fields only, "
        "or leave feedback_rules out.")


def test_a_prompt_for_a_field_the_form_lacks_is_refused(schemas: Path) -> None:
    edit_json(rules_file(schemas), lambda r: r["prompts"].update({"/reflection/text": {"sv": "Hur?", "en": "How?"}}))
    republish(schemas)
    assert f"{RULES_FILE} names /reflection/text, which is not a field of schemas/forms/mini-cex/1/schema.json" in refusal(schemas)


def test_a_rule_on_a_field_that_is_not_text_is_refused(schemas: Path) -> None:
    edit_json(rules_file(schemas), lambda r: r["rules"][1].update(field="/minutes_feedback"))
    republish(schemas)
    assert "names /minutes_feedback, which is not a text field of schemas/forms/mini-cex/1/schema.json" in refusal(schemas)


def test_rules_naming_a_version_that_lacks_the_field_are_refused_there(schemas: Path) -> None:
    """The same rules fit every form that names them, or the form that does not fit is named."""
    edit_json(rules_file(schemas), lambda r: r["rules"][1].update(field="/focus"))  # Mini-CEX has it, DOPS not
    republish(schemas)
    assert "feedback_rules 'strukturerad-aterkoppling:1' of dops version 1" in refusal(schemas)


def test_a_changed_published_rules_file_is_refused(schemas: Path) -> None:
    path = rules_file(schemas)
    path.write_text(path.read_text("utf-8").replace('"min": 20', '"min": 2', 1), encoding="utf-8")
    assert refusal(schemas) == (
        f"{RULES_FILE} has changed but version 1 of feedback rules strukturerad-aterkoppling is published; "
        "published versions are immutable: publish the change as a new version")


def test_a_region_tunes_the_rules_as_a_new_version(schemas: Path) -> None:
    tuned = schemas / "feedback" / "strukturerad-aterkoppling" / "2.json"
    shutil.copy(rules_file(schemas), tuned)
    edit_json(tuned, lambda r: (r.update(version=2), r["rules"][1].update(min=40)))
    assert refusal(schemas).startswith("schemas/feedback/strukturerad-aterkoppling/2.json is not listed in catalog.json")
    republish(schemas)  # listed as a draft
    edit_json(schemas / "catalog.json", lambda c: c["forms"][0]["versions"][1].update(feedback_rules="strukturerad-aterkoppling:2"))
    assert "the published mini-cex version 2 names feedback_rules 'strukturerad-aterkoppling:2', which is only a draft" in refusal(schemas)
    edit_json(schemas / "catalog.json", lambda c: c["feedback"][0]["versions"][1].update(status="published"))
    form = load_catalog(schemas).get("mini-cex", 2)
    assert form is not None and form.feedback_rules is not None and form.feedback_rules.ref == "strukturerad-aterkoppling:2"
    assert [h.code for h in feedback_hints(form.feedback_rules.content, {"strengths": "a" * 30})] == [
        "strengths_short", "development_short", "no_agreed_action"]


def test_rules_the_catalog_does_not_list_are_refused(schemas: Path) -> None:
    edit_json(schemas / "catalog.json", lambda c: c["forms"][0]["versions"][0].update(feedback_rules="annan:1"))
    assert refusal(schemas) == ("schemas/catalog.json: feedback_rules 'annan:1' of mini-cex version 1 names feedback "
                                "rules that catalog.json does not list.")


@pytest.mark.parametrize("change, where", [
    (lambda r: r["rules"][0].pop("corrective"), "/rules/0"),  # only_corrective needs the corrective field
    (lambda r: r["rules"][3].pop("confirm"), "/rules/3"),  # required_for_sign needs its question
    (lambda r: r["rules"][1].update(kind="max_length"), "/rules/1/kind"),
    (lambda r: r["rules"][1].update(field="strengths"), "/rules/1/field"),
    (lambda r: r["rules"][2]["hint"].pop("en"), "/rules/2/hint"),
])
def test_rules_of_the_wrong_shape_fail_the_meta_schema(schemas: Path, change: Callable[[Any], Any], where: str) -> None:
    edit_json(rules_file(schemas), change)
    republish(schemas)
    message = refusal(schemas)
    assert message.startswith(f"{RULES_FILE} at {where}") and "feedback-meta.schema.json" in message


def test_a_rule_code_used_twice_is_refused(schemas: Path) -> None:
    edit_json(rules_file(schemas), lambda r: r["rules"][2].update(code="strengths_short"))
    republish(schemas)
    assert refusal(schemas) == f"{RULES_FILE} uses the rule code(s) strengths_short more than once."


def test_without_feedback_rules_a_form_has_none_and_hashes_keep_them(schemas: Path) -> None:
    edit_json(schemas / "catalog.json", lambda c: c["forms"][1]["versions"][0].pop("feedback_rules"))
    assert load_catalog(schemas).get("dops", 1).feedback_rules is None  # type: ignore[union-attr]
    listing = compute_hashes(schemas)
    assert listing["feedback"][0]["versions"][0]["status"] == "published"
    assert listing["forms"][0]["versions"][0]["feedback_rules"] == RULES


# --- served with the form, evaluated on the assessment ----------------------------------------------

async def test_the_catalog_api_serves_the_rules_with_the_form(client: AsyncTestClient) -> None:
    bundle = {f["id"]: f for f in (await client.get("/api/catalog")).json()["forms"]}
    assert bundle["mini-cex"]["feedback_rules"] == CATALOG_RULES
    assert bundle["dops"]["feedback_rules"] == CATALOG_RULES
    assert bundle["slutbedomning-bt"]["feedback_rules"] is None
    assert (await client.get("/api/forms/mini-cex/1")).json()["feedback_rules"] == CATALOG_RULES
    one = (await client.get("/api/forms/dops/1")).json()
    assert one["feedback_rules"]["id"] == "strukturerad-aterkoppling" and one["feedback_rules"]["version"] == 1


async def test_the_assessor_sees_the_hints_and_they_never_block_signing(client: AsyncTestClient, world: World) -> None:
    trainee = await login(client, world, "trainee")
    doc = await create_mini_cex(client, trainee, assessor_id=world.id("assessor"),
                                placement_id=world.placements["placement"], data=MINI_CEX_CONTEXT)
    assert doc["form_version"] == 3 and doc["feedback_hints"] == []  # the assessor writes the feedback, not her
    assessor = await login(client, world, "assessor")
    seen = (await client.get(f"/api/assessments/{doc['doc_id']}")).json()
    assert [h["code"] for h in seen["feedback_hints"]] == ["strengths_short", "development_short", "no_agreed_action"]

    thin = {**MINI_CEX_ASSESSORS, "strengths": "Bra.", "development_areas": "Stressad, tappade tråden.", "agreed_action": "-"}
    edited = await client.patch(f"/api/assessments/{doc['doc_id']}", headers=assessor,
                                json={"base_version": doc["version"], "data": thin})
    assert edited.status_code == 200, edited.text
    assert edited.json()["feedback_hints"] == [
        {"code": "only_corrective", "field": "/strengths"}, {"code": "strengths_short", "field": "/strengths"},
        {"code": "no_agreed_action", "field": "/agreed_action"}]
    for step in ("submit", "sign"):  # advice only: a short agreed action is still signed
        response = await client.post(f"/api/assessments/{doc['doc_id']}/{step}", headers=assessor)
        assert response.status_code == 200, response.text
    signed = response.json()
    assert signed["status"] == "signed" and signed["feedback_hints"] == []  # nothing left to improve once signed
