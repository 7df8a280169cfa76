"""Loading one form version: hash check, meta-schemas, schema check, refs, UI match, validators, examples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from .fast_check import FastCheck
from jsonschema.exceptions import SchemaError
from referencing import Registry

from .draft import draft_schema
from .errors import CatalogError
from .examples import check_examples
from .feedback import form_feedback_rules
from .files import parse_json, read_bytes, sha256_hex, shown
from .hashing import FORM_FILES, form_content_hash
from .meta import MetaSchemas
from .model import FeedbackRules, FormVersion, Vocabulary, Workflow, field_owners
from .refs import referenced_vocabularies
from .ui_check import check_filled_by, check_optional_sections, check_ui

META_KIND = {"schema.json": "form", "ui.json": "ui", "workflow.json": "workflow"}


def form_folder(root: Path, form_id: str, version: int) -> Path:
    return root / "forms" / form_id / str(version)


def load_form_version(root: Path, meta: MetaSchemas, form: dict[str, Any], entry: dict[str, Any],
                      vocabularies: dict[tuple[str, int], Vocabulary], registry: Registry,
                      feedback: dict[tuple[str, int], FeedbackRules] | None = None) -> FormVersion:
    """Read and check one form version listed in catalog.json; CatalogError names the file at fault."""
    form_id, version, status = form["id"], entry["version"], entry["status"]
    folder = form_folder(root, form_id, version)
    raw = {name: read_bytes(root, folder / name) for name in FORM_FILES}
    hashes = {name: sha256_hex(data) for name, data in raw.items()}
    if status == "published":
        check_published_hashes(root, folder, form_id, version, hashes, entry["files"])
    docs = {name: parse_json(root, folder / name, data) for name, data in raw.items()}
    for name, doc in docs.items():
        meta.check(META_KIND[name], doc, root, folder / name)
    schema, ui = docs["schema.json"], docs["ui.json"]
    check_form_schema(root, folder / "schema.json", schema, form_id, version)
    used = referenced_vocabularies(root, folder / "schema.json", schema, status, vocabularies)
    check_ui(root, folder, schema, ui, used)
    check_optional_sections(root, folder, schema, ui)
    summary_field = entry.get("summary_field")
    if summary_field is not None:
        check_summary_field(root, form_id, version, schema, summary_field, used)
    rules = form_feedback_rules(root, form_id, version, status, entry.get("feedback_rules"), schema, ui, feedback or {})
    workflow = Workflow.from_json(docs["workflow.json"])
    check_filled_by(root, folder, ui, workflow.editors)
    check_partial_readers(root, folder, schema, workflow)
    loaded = FormVersion(
        form_id=form_id, version=version, instrument=form["instrument"], status=status, title=ui["title"],
        schema=schema, ui=ui, workflow=workflow, field_owners=field_owners(ui, workflow),
        content_hash=form_content_hash(hashes), vocabularies=used,
        complete_validator=make_validator(schema, registry), draft_validator=make_validator(draft_schema(schema), registry),
        complete_check=FastCheck(schema, used), draft_check=FastCheck(draft_schema(schema), used),
        summary_field=summary_field, feedback_rules=rules,
    )
    check_examples(root, folder, loaded)
    return loaded


def check_partial_readers(root: Path, folder: Path, schema: dict[str, Any], workflow: Workflow) -> None:
    """A partial reader's fields are the form's own top-level fields, and only a restricted form has any."""
    if workflow.partial_readers and not workflow.restricted:
        raise CatalogError(f"{shown(root, folder / 'workflow.json')}: partial_readers needs restricted: true.")
    fields = set(schema.get("properties", {}))
    for role, rule in workflow.partial_readers.items():
        unknown = [p for p in [*rule["fields"], *rule.get("items_if", {})] if p.lstrip("/") not in fields]
        if unknown or not set(rule.get("items_if", {})) <= set(rule["fields"]):
            raise CatalogError(f"{shown(root, folder / 'workflow.json')}: partial_readers.{role} names "
                               f"{', '.join(unknown) or 'an items_if field it does not show'}, not a field it shows of the form.")


def check_published_hashes(root: Path, folder: Path, form_id: str, version: int,
                           actual: dict[str, str], listed: dict[str, str]) -> None:
    """A published version's files must be byte for byte what catalog.json recorded."""
    for name in sorted(FORM_FILES):
        if actual[name] != listed.get(name):
            raise CatalogError(
                f"{shown(root, folder / name)} has changed but version {version} of {form_id} is published; "
                "published versions are immutable: publish the change as a new version")


def check_summary_field(root: Path, form_id: str, version: int, schema: dict[str, Any], pointer: str,
                        used: tuple[Vocabulary, ...]) -> None:
    """catalog.json's ``summary_field`` (the one-line summary in lists) must name a top-level string
    field of that version's schema (a plain string, or a choice among strings: enum or vocabulary)."""
    prop = schema.get("properties", {}).get(pointer[1:])  # the meta-schema allows only "/<name>"
    ref = prop.get("$ref", "") if isinstance(prop, dict) else ""
    if ref.startswith("#/$defs/"):
        prop = schema.get("$defs", {}).get(ref.removeprefix("#/$defs/"))
    vocab = next((v for v in used if v.urn == ref), None)
    if vocab is not None:
        prop = {"enum": vocab.values}
    if not isinstance(prop, dict) or not _is_string(prop):
        what = "is not a top-level field" if prop is None else "is not a string field"
        raise CatalogError(
            f"{shown(root, root / 'catalog.json')}: summary_field {pointer!r} of {form_id} version {version} {what} "
            f"of {shown(root, form_folder(root, form_id, version) / 'schema.json')}; name a top-level string field "
            "(like \"/focus\") or leave summary_field out.")


def _is_string(prop: dict[str, Any]) -> bool:
    """A string field: ``type: string``, or an enum / const / oneOf of strings only."""
    if prop.get("type") == "string":
        return True
    values = prop.get("enum") or ([prop["const"]] if "const" in prop else [o.get("const") for o in prop.get("oneOf", [])])
    return bool(values) and all(isinstance(v, str) for v in values)


def check_form_schema(root: Path, path: Path, schema: dict[str, Any], form_id: str, version: int) -> None:
    """schema.json must be a valid 2020-12 schema whose ``$id`` matches its place in the catalog."""
    expected = f"urn:bedside:form:{form_id}:{version}"
    if schema["$id"] != expected:
        raise CatalogError(f"{shown(root, path)}: $id is {schema['$id']!r} but must be {expected!r}.")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise CatalogError(f"{shown(root, path)} is not a valid JSON Schema 2020-12: {exc.message}") from None


def make_validator(schema: dict[str, Any], registry: Registry) -> Draft202012Validator:
    """A validator that resolves vocabulary refs through ``registry`` and checks formats (date, uuid)."""
    return Draft202012Validator(schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
