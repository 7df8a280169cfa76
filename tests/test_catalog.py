"""The real form catalog in schemas/: it loads, has the required forms, vocabularies and examples,
and its hashes are current."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from server.catalog import Catalog, FormVersion, compute_hashes, load_catalog
from server.catalog.__main__ import main as catalog_command
from server.settings import REPO_ROOT

SCHEMAS = REPO_ROOT / "schemas"
FORM_IDS = {"mini-cex", "dops", "msf-self", "msf-rater", "slutbedomning-bt", "mini-cex-sjalvstandighet", "cbd",
            "konsultationsmall", "bt-kollegium", "allman-aterkoppling", "coachloopen", "handledningssamtal",
            "handlingsplan", "handlingsplan-uppfoljning", "handlingsplan-sekundar", "iup", "iup-uppfoljning"}
FORM_FILES = ("schema.json", "ui.json", "workflow.json")

# As listed in the domain brief (HSLF-FS 2021:8).
BT_DELMAL_SV = {
    "BT1": "Akuta och icke akuta sjukdomstillstånd",
    "BT2": "Psykiatriska sjukdomstillstånd och övrig psykisk ohälsa",
    "BT3": "Lagar och andra författningar inom hälso- och sjukvården",
    "BT4": "Hälso- och sjukvårdens styrning och organisation",
    "BT5": "Strukturerad vårddokumentation",
    "BT6": "Systematiskt kvalitetsarbete",
    "BT7": "Vetenskapligt förhållningssätt",
    "BT8": "Etik i det dagliga arbetet",
    "BT9": "Bemötande",
    "BT10": "Samarbeta och leda arbetet kring patienten",
    "BT11": "Presentera, förklara och instruera",
    "BT12": "Barn och ungdomar",
    "BT13": "Vårdhygien och smittskydd i det dagliga arbetet",
    "BT14": "Hälsofrämjande insatser",
    "BT15": "Läkemedelsbehandling",
    "BT16": "Försäkringsmedicinska intyg",
    "BT17": "Behov av palliativ vård",
    "BT18": "Dödsbevis och dödsorsaksintyg",
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(SCHEMAS)


def example_paths(kind: str) -> list[Path]:
    return sorted(SCHEMAS.glob(f"forms/*/*/examples/{kind}/*.json"))


def example_id(path: Path) -> str:
    form_id, version = path.parts[-5], path.parts[-4]
    return f"{form_id}/{version}/{path.stem}"


def form_of(catalog: Catalog, path: Path) -> FormVersion:
    form = catalog.get(path.parts[-5], int(path.parts[-4]))
    assert form is not None
    return form


def test_the_real_catalog_loads_every_form_of_its_instruments(catalog: Catalog) -> None:
    forms = catalog.forms()
    assert {f.form_id for f in forms} == FORM_IDS
    assert {f.instrument for f in forms} == {"mini-cex", "dops", "360", "slutbedomning-bt", "cbd", "konsultationsmall",
                                             "bt-kollegium", "allman-aterkoppling", "coachloopen", "handledningssamtal",
                                             "handlingsplan", "handlingsplan-uppfoljning", "handlingsplan-sekundar",
                                             "iup", "iup-uppfoljning"}
    assert [(f.form_id, f.version) for f in forms] == sorted((f.form_id, f.version) for f in forms)
    # mini-cex, dops 2: sections say who fills them in (filled_by); msf 2: asked in a 360 round only
    # mini-cex, dops 3 and slutbedomning-bt 2: catalog v2 (issue 12)
    # konsultationsmall, bt-kollegium, mini-cex-sjalvstandighet 2: the same fields laid out for the phone
    newest = {"mini-cex": 3, "dops": 3, "msf-self": 2, "msf-rater": 2, "slutbedomning-bt": 2, "konsultationsmall": 2,
              "bt-kollegium": 2, "mini-cex-sjalvstandighet": 2}
    for form_id in FORM_IDS:
        latest = catalog.latest(form_id)
        assert latest is not None and latest.status == "published" and latest.version == newest.get(form_id, 1)
        assert catalog.get(form_id, latest.version) is latest
        assert all(f.status == "published" for f in catalog.forms() if f.form_id == form_id and f.version <= latest.version)  # v1 stays
    assert catalog.get("mini-cex", 99) is None and catalog.latest("no-such-form") is None


def test_every_form_version_has_at_least_two_valid_and_three_invalid_examples(catalog: Catalog) -> None:
    for form in catalog.forms():
        folder = SCHEMAS / "forms" / form.form_id / str(form.version) / "examples"
        assert len(list((folder / "valid").glob("*.json"))) >= 2, form.form_id
        assert len(list((folder / "invalid").glob("*.json"))) >= 3, form.form_id


@pytest.mark.parametrize("path", example_paths("valid"), ids=example_id)
def test_valid_example_passes(catalog: Catalog, path: Path) -> None:
    form = form_of(catalog, path)
    data = json.loads(path.read_text("utf-8"))
    assert form.validate_complete(data) == []
    assert form.validate_draft(data) == []


@pytest.mark.parametrize("path", example_paths("invalid"), ids=example_id)
def test_invalid_example_fails_for_exactly_one_reason(catalog: Catalog, path: Path) -> None:
    errors = form_of(catalog, path).validate_complete(json.loads(path.read_text("utf-8")))
    assert len(errors) == 1, errors
    assert errors[0].field.startswith("/") and errors[0].message


def test_invalid_examples_of_one_form_fail_for_different_reasons(catalog: Catalog) -> None:
    for form in catalog.forms():
        folder = SCHEMAS / "forms" / form.form_id / str(form.version) / "examples" / "invalid"
        reasons = [tuple(form.validate_complete(json.loads(p.read_text("utf-8")))) for p in sorted(folder.glob("*.json"))]
        assert len(set(reasons)) == len(reasons), form.form_id
        kinds = {reason_kind(errors[0].message) for errors in reasons}
        assert len(kinds) >= 3, (form.form_id, reasons)


def reason_kind(message: str) -> str:
    """What kind of mistake an error message describes (wrong type, outside the scale, missing, ...)."""
    kinds = [("is required", "missing"), ("Unknown field", "unknown field"), ("not one of the choices", "not a choice"),
             ("is not allowed here", "unknown key"), ("Must not be empty", "empty"), ("YYYY-MM-DD", "format"),
             ("UUID", "format"), ("at least", "range"), ("at most", "range"), ("Must be ", "type")]
    return next((kind for text, kind in kinds if text in message), message)


def test_catalog_json_has_the_hashes_compute_hashes_gives(catalog: Catalog) -> None:
    listed = json.loads((SCHEMAS / "catalog.json").read_text("utf-8"))
    assert compute_hashes(SCHEMAS) == listed


def test_content_hash_is_sha256_over_the_sorted_file_hashes(catalog: Catalog) -> None:
    for form in catalog.forms():
        folder = SCHEMAS / "forms" / form.form_id / str(form.version)
        lines = "".join(f"{name}\n{hashlib.sha256((folder / name).read_bytes()).hexdigest()}\n"
                        for name in sorted(FORM_FILES))
        assert form.content_hash == "sha256:" + hashlib.sha256(lines.encode()).hexdigest()


def test_maintainer_command_prints_the_hashes(capsys: pytest.CaptureFixture[str]) -> None:
    assert catalog_command(["hashes", "--root", str(SCHEMAS)]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads((SCHEMAS / "catalog.json").read_text("utf-8"))


def test_every_form_schema_has_the_required_top_level_shape(catalog: Catalog) -> None:
    for form in catalog.forms():
        s = form.schema
        assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert s["$id"] == f"urn:bedside:form:{form.form_id}:{form.version}"
        assert s["type"] == "object" and s["additionalProperties"] is False and s["title"]
        assert set(s["required"]) <= set(s["properties"])
        assert set(form.title) == {"sv", "en"}


def test_mini_cex_scale_is_referenced_not_inlined(catalog: Catalog) -> None:
    form = catalog.get("mini-cex", 1)
    assert form is not None
    domains = ["anamnes", "status", "kommunikation", "klinisk_bedomning", "professionalism", "organisation",
               "helhetsbedomning"]
    for domain in domains:
        assert form.schema["properties"][domain] == {"$ref": "urn:bedside:vocabulary:mini-cex-skala:1"}
    text = (SCHEMAS / "forms" / "mini-cex" / "1" / "schema.json").read_text("utf-8")
    assert '"maximum": 9' not in text and '"minimum": 1' not in text and "ej_observerat" not in text
    assert [v.id for v in form.vocabularies] == ["mini-cex-skala"]
    assert form.validate_draft({"anamnes": 9}) == [] and form.validate_draft({"anamnes": "ej_observerat"}) == []
    assert [e.field for e in form.validate_draft({"anamnes": 0})] == ["/anamnes"]


def test_mini_cex_scale_has_three_bands_and_not_observed(catalog: Catalog) -> None:
    vocab = catalog.vocabulary("mini-cex-skala", 1)
    assert vocab is not None and vocab.content_hash.startswith("sha256:")
    terms = vocab.content["terms"]
    assert [t["value"] for t in terms] == [1, 2, 3, 4, 5, 6, 7, 8, 9, "ej_observerat"]
    assert [t.get("band") for t in terms[:9]] == ["otillfredsstallande"] * 3 + ["tillfredsstallande"] * 3 + ["mycket_bra"] * 3
    assert [b["label"]["en"] for b in vocab.content["bands"]] == ["Unsatisfactory", "Satisfactory", "Superior"]
    assert vocab.content["not_observed"] == "ej_observerat"


@pytest.mark.parametrize(("vocab_id", "values"), [
    ("sjalvstandighet", [1, 2, 3, 4, 5, "ej_observerat"]),
    ("dops-handledningsniva", ["direkt_handledning", "begransad_handledning", "sjalvstandigt", "ej_tillampligt"]),
    ("delmal-utfall", ["uppnatt", "pagaende", "ej_uppnatt", "ej_aktuellt"]),
    ("msf-skala", [1, 2, 3, 4, 5, "kan_ej_bedoma"]),
])
def test_required_vocabulary_has_its_terms_in_swedish_and_english(catalog: Catalog, vocab_id: str, values: list) -> None:
    vocab = catalog.vocabulary(vocab_id, 1)
    assert vocab is not None
    assert [t["value"] for t in vocab.content["terms"]] == values
    assert all(t["label"]["sv"] and t["label"]["en"] for t in vocab.content["terms"])


def test_all_18_bt_delmal_are_present_with_their_swedish_titles(catalog: Catalog) -> None:
    vocab = catalog.vocabulary("bt-delmal", 1)
    assert vocab is not None
    assert {t["value"]: t["label"]["sv"] for t in vocab.content["terms"]} == BT_DELMAL_SV
    assert all(t["label"]["en"] for t in vocab.content["terms"])


def test_slutbedomning_accepts_only_bt_delmal_as_keys(catalog: Catalog) -> None:
    form = catalog.get("slutbedomning-bt", 1)
    assert form is not None
    assert form.validate_draft({"delmal": {key: {"outcome": "pagaende"} for key in BT_DELMAL_SV}}) == []
    assert [e.field for e in form.validate_draft({"delmal": {"BT0": {}}})] == ["/delmal/BT0"]


def test_workflows_follow_the_domain(catalog: Catalog) -> None:
    def workflow(form_id: str):  # noqa: ANN202
        form = catalog.get(form_id, 1)
        assert form is not None
        return form.workflow

    for form_id in ("mini-cex", "dops"):
        w = workflow(form_id)
        assert (w.start, w.editors, w.sign, w.acknowledge, w.countersign) == (
            ("trainee", "assessor"), ("trainee", "assessor"), "assessor", "trainee", None)
        assert not w.anonymous_to_trainee and not w.requires_placement
    s = workflow("slutbedomning-bt")
    assert set(s.start) == {"clinical_supervisor", "main_supervisor"} and s.editors == ("assessor",)
    assert (s.sign, s.acknowledge, s.countersign, s.assessor_must_be, s.requires_placement) == (
        "assessor", "trainee", "main_supervisor", "clinical_supervisor", True)
    assert s.evidence_for == tuple(BT_DELMAL_SV)
    me = workflow("msf-self")
    assert (me.start, me.editors, me.sign, me.acknowledge, me.anonymous_to_trainee) == (
        ("trainee",), ("trainee",), "trainee", None, False)
    rater = workflow("msf-rater")
    assert (rater.start, rater.editors, rater.sign, rater.acknowledge, rater.anonymous_to_trainee) == (
        ("trainee",), ("assessor",), "assessor", None, True)
    for form in catalog.forms():
        assert set(form.workflow.evidence_for) <= set(BT_DELMAL_SV)


def test_msf_rater_names_the_rater_group_and_self_assessment_does_not(catalog: Catalog) -> None:
    rater, own = catalog.get("msf-rater", 1), catalog.get("msf-self", 1)
    assert rater is not None and own is not None
    assert rater.schema["properties"]["rater_group"]["enum"] == ["lakare", "sjukskoterska_underskoterska", "ovrig_personal"]
    assert "rater_group" not in own.schema["properties"]
    assert set(own.schema["properties"]) == set(rater.schema["properties"]) - {"rater_group"}


def test_patient_identity_is_never_a_form_field_and_a_reflection_is_the_trainees_own(catalog: Catalog) -> None:
    for form in catalog.forms():
        names = set(form.schema["properties"])
        assert not names & {"patient_name", "personnummer"}
        for name in names & {"reflection", "trainee_reflection", "trainee_comment"}:
            assert form.owners_of(f"/{name}") == ("trainee",), (form.form_id, form.version, name)
    assert "trainee_reflection" in catalog.get("mini-cex", 3).schema["properties"]  # type: ignore[union-attr]


def test_every_ui_field_has_swedish_and_english_labels(catalog: Catalog) -> None:
    for form in catalog.forms():
        assert set(form.ui["title"]) == {"sv", "en"}
        for section in form.ui["sections"]:
            assert set(section["title"]) == {"sv", "en"}
            for field in section["fields"]:
                assert set(field["label"]) == {"sv", "en"}
                for option in field.get("options", {}).values():
                    assert set(option) == {"sv", "en"}


def test_version_2_says_who_fills_each_section_in(catalog: Catalog) -> None:
    for form_id in ("mini-cex", "dops"):
        old, new = catalog.get(form_id, 1), catalog.get(form_id, 2)
        assert old is not None and new is not None
        assert new.schema["$id"] == f"urn:bedside:form:{form_id}:2"
        assert {k: v for k, v in new.schema.items() if k != "$id"} == {k: v for k, v in old.schema.items() if k != "$id"}
        assert new.workflow == old.workflow
        owners = {s["id"]: s["filled_by"] for s in new.ui["sections"]}
        assert owners == {"context": ["trainee", "assessor"], "ratings": ["assessor"], "time": ["assessor"],
                          "feedback": ["assessor"]}
        # version 1 has no filled_by: every editor fills in every field
        assert all("filled_by" not in s for s in old.ui["sections"])
        assert set(old.field_owners.values()) == {("trainee", "assessor")}
    mini_cex = catalog.get("mini-cex", 2)
    assert mini_cex is not None
    assert mini_cex.owners_of("/focus") == ("trainee", "assessor")
    assert mini_cex.owners_of("/anamnes") == ("assessor",) and mini_cex.owners_of("/strengths") == ("assessor",)
    assert mini_cex.owners_of("/weather") == ("trainee", "assessor")  # unknown: the schema refuses it
    assert mini_cex.not_fillable_by(frozenset({"trainee"}), ["/focus", "/anamnes", "/helhetsbedomning"]) == [
        "/anamnes", "/helhetsbedomning"]
    assert mini_cex.not_fillable_by(frozenset({"assessor", "clinical_supervisor"}), ["/focus", "/anamnes"]) == []
